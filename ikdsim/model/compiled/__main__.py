"""`python -m ikdsim.model.compiled`: compile the inner loops now (once per install), not on first use.

It runs the bundled default scenario once, which compiles every loop for the argument types a
run uses and leaves the machine code in numba's cache; the Makefile does this right after
installing, so that the first `ikdsim run` starts at full speed.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    from ikdsim import load_scenario, simulate

    start = time.perf_counter()
    print("compiling ikdsim's inner loops (once per install) ...", file=sys.stderr, flush=True)
    simulate(load_scenario("balikpapan-2026"))
    print(f"compiled in {time.perf_counter() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
