"""Scenarios shipped with the package: find them by name, list them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ikdsim.errors import InputError

DEFAULT_SCENARIO = "balikpapan-2026"


def scenario_dir() -> Path:
    # Installed wheels carry scenarios inside the package; an editable install reads the
    # top-level scenarios/ folder of the checkout.
    packaged = Path(str(resources.files("ikdsim"))) / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def bundled() -> dict[str, Path]:
    folder = scenario_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def resolve(source: str | Path | None) -> Path:
    """A path as given, or the file of a bundled scenario named `source`."""
    if source is None:
        source = DEFAULT_SCENARIO
    path = Path(source)
    if path.exists() or path.suffix in {".yaml", ".yml"} or len(path.parts) > 1:
        return path
    known = bundled()
    if str(source) in known:
        return known[str(source)]
    raise InputError(
        f"{source}: no such file, and no bundled scenario of that name; bundled: {', '.join(known) or '(none)'}"
    )
