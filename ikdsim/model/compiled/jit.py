"""One decorator for compiled functions, typed for mypy (numba itself is untyped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """Compile `function` lazily, on first call, caching the machine code on disk where it can."""
    # nogil: Dask's threaded workers may run several simulations at once. error_model="numpy":
    # floating division by zero gives ±inf as in numpy's C samplers (a ratio-of-uniforms draw at
    # u = 0 is then rejected, as numpy's is) instead of raising, and numba drops its check before
    # every division, about 10 % of a sampler's time. The divisors elsewhere are positive by
    # construction (a finite wait means a positive capacity).
    try:
        dispatcher = numba.njit(cache=True, nogil=True, error_model="numpy")(function)
    except RuntimeError:
        # No writable place for a cache (a read-only install and home, no NUMBA_CACHE_DIR):
        # compile in every process instead of failing.
        dispatcher = numba.njit(nogil=True, error_model="numpy")(function)
    return cast(F, dispatcher)
