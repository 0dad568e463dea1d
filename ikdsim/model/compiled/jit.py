"""One decorator for compiled functions, typed for mypy (numba itself is untyped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """Compile `function` lazily, on first call, and cache the machine code on disk."""
    # nogil: Dask's threaded workers may run several simulations at once.
    return cast(F, numba.njit(cache=True, nogil=True)(function))
