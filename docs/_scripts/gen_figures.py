"""The figures of the Validation page, from the same scenario files and seeds the page runs.

The MkDocs hook (docs/_scripts/hooks.py) calls `render_all()` on every build and adds the PNGs
to the site as `img/<name>.png`, so a figure always shows the model as it is now: nothing
generated is committed. To look at them without building the site:

    .venv/bin/python docs/_scripts/gen_figures.py --out /tmp/figures

Each check simulates a scenario from docs/examples/ with its own seed (the file's `seed`) and
compares it with the closed form written on the Validation page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def _load(name: str) -> Any:
    import ikdsim

    return ikdsim.load_scenario(EXAMPLES / f"theory-{name}.yaml")


def _simulate(scenario: Any) -> Any:
    import ikdsim

    return ikdsim.simulate(scenario)


# -- the checks: simulated and analytic curves ---------------------------------------------------


def exponential() -> dict[str, np.ndarray]:
    sc = _load("exponential")
    res = _simulate(sc)
    f0 = sc.population.initial_count / sc.population.total
    e = sc.population.eligible_share
    p = sc.adoption.base_rate
    t = np.arange(1, sc.horizon.days + 1)  # days of decisions up to the end of day d
    analytic = f0 + (e - f0) * (1 - np.exp(-p * t / 365))
    return {"t": t, "simulated": res.daily["activated_share"], "analytic": analytic}


def bass() -> dict[str, np.ndarray]:
    sc = _load("bass")
    res = _simulate(sc)
    f = sc.population.initial_count / sc.population.total
    e = sc.population.eligible_share
    p, q = sc.adoption.base_rate, sc.adoption.word_of_mouth
    path = []
    for _ in range(sc.horizon.days):
        f = f + (e - f) * (1 - np.exp(-(p + q * f) / 365))
        path.append(f)
    t = np.arange(1, sc.horizon.days + 1)
    return {"t": t, "simulated": res.daily["activated_share"], "analytic": np.array(path)}


def capacity() -> dict[str, Any]:
    sc = _load("capacity")
    res = _simulate(sc)
    point = sc.channels.service_points[0]
    return {
        "dates": res.dates,
        "activations": res.daily["activations"],
        "capacity": point.capacity,
        "open": np.array(
            [
                d.strftime("%a").lower() in point.open_weekdays and d not in sc.calendar.holidays
                for d in res.dates
            ]
        ),
    }


def patience() -> dict[str, np.ndarray]:
    sc = _load("patience")
    res = _simulate(sc)
    eligible = round(sc.population.total * sc.population.eligible_share)
    a = 1 - np.exp(-sc.adoption.base_rate / 365)
    g = 1 - np.exp(-1 / sc.adoption.patience_days)
    w, path = 0.0, []
    for _ in range(sc.horizon.days):
        w = (w + a * (eligible - w)) * (1 - g)
        path.append(w)
    return {
        "t": np.arange(1, sc.horizon.days + 1),
        "simulated": res.daily["waiting"],
        "analytic": np.array(path),
        "gave_up": res.daily["gave_up"],
        "g": np.array(g),
    }


def history() -> dict[str, Any]:
    import ikdsim

    past = ikdsim.load_scenario("balikpapan-history")
    future = ikdsim.load_scenario("balikpapan-2026")
    return {
        "past": (past, ikdsim.simulate(past)),
        "future": (future, ikdsim.simulate(future)),
    }


# -- plotting -------------------------------------------------------------------------------------


def _figure(rows: int = 1, height: float = 3.6) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    if rows == 1:
        return plt.subplots(figsize=(7.5, height))
    return plt.subplots(
        rows, 1, figsize=(7.5, height), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _curves(data: dict[str, np.ndarray], title: str, ylabel: str) -> bytes:
    fig, (top, bottom) = _figure(rows=2, height=4.4)
    top.plot(data["t"], data["analytic"], color="black", lw=2.5, alpha=0.35, label="analytic")
    top.plot(data["t"], data["simulated"], color="tab:blue", lw=1, label="simulated (one run)")
    top.set_ylabel(ylabel)
    top.set_title(title)
    top.legend(frameon=False)
    bottom.plot(data["t"], data["simulated"] - data["analytic"], color="tab:blue", lw=0.8)
    bottom.axhline(0, color="black", lw=0.5)
    bottom.set_ylabel("simulated − analytic")
    bottom.set_xlabel("day t")
    return _png(fig)


def plot_exponential() -> bytes:
    return _curves(exponential(), "No word of mouth, unlimited capacity: exponential model",
                   "activated share")


def plot_bass() -> bytes:
    title = "Word of mouth, unlimited capacity: discrete Bass model"
    return _curves(bass(), title, "activated share")


def plot_patience() -> bytes:
    return _curves(patience(), "Zero capacity: waiting balanced by giving up", "people waiting")


def plot_capacity() -> bytes:
    data = capacity()
    fig, ax = _figure(height=3.2)
    colours = np.where(data["open"], "tab:blue", "tab:red")
    ax.bar(data["dates"], data["activations"], color=colours, width=0.8)
    label = f"capacity {data['capacity']}/day"
    ax.axhline(data["capacity"], color="black", lw=1, ls="--", label=label)
    ax.set_ylabel("activations per day")
    ax.set_title("A point at capacity: full on open days, none on weekends and the 17 Aug holiday")
    ax.set_ylim(0, data["capacity"] * 1.4)
    ax.legend(frameon=False, loc="upper right")
    fig.autofmt_xdate()
    return _png(fig)


def plot_history() -> bytes:
    data = history()
    fig, ax = _figure(height=3.8)
    for key, colour, label in (("past", "tab:blue", "balikpapan-history"),
                               ("future", "tab:green", "balikpapan-2026 (default)")):
        scenario, res = data[key]
        ax.plot(res.dates, res.daily["activated_share"] * 100, color=colour, lw=1.5, label=label)
    observed = {}
    for key in ("past", "future"):
        scenario, _ = data[key]
        for obs in scenario.observations:
            total = scenario.population.total
            observed[obs.date] = obs.share if obs.share is not None else obs.activated / total
    ax.scatter(list(observed), [v * 100 for v in observed.values()], color="black", zorder=3,
               label="observed")
    target = data["future"][0].target
    ax.axhline(target.share * 100, color="tab:red", lw=1, ls="--",
               label=f"target {target.share:.0%} by {target.by}")
    ax.set_ylabel("activated share of wajib KTP (%)")
    ax.set_xlim(dt.date(2023, 1, 1), dt.date(2027, 1, 1))
    ax.set_title("Balikpapan: hand-calibrated history and the default 2026 scenario (one run each)")
    ax.set_ylim(0, 35)
    ax.legend(frameon=False, loc="center left")
    return _png(fig)


FIGURES: dict[str, Callable[[], bytes]] = {
    "validation-exponential.png": plot_exponential,
    "validation-bass.png": plot_bass,
    "validation-capacity.png": plot_capacity,
    "validation-patience.png": plot_patience,
    "validation-history.png": plot_history,
}


def render_all() -> dict[str, bytes]:
    return {name: make() for name, make in FIGURES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the Validation page's figures.")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, png in render_all().items():
        (args.out / name).write_bytes(png)
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
