"""One decorator for compiled functions, typed for mypy (numba itself is untyped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """Compile `function` lazily, on first call, caching the machine code on disk where it can."""
    # nogil: Dask's threaded workers may run several simulations at once.
    try:
        dispatcher = numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:
        # No writable place for a cache (a read-only install and home, no NUMBA_CACHE_DIR):
        # compile in every process instead of failing.
        dispatcher = numba.njit(nogil=True)(function)
    return cast(F, dispatcher)
