"""Optional dependencies, imported only when a feature needs them, with an install hint."""

from __future__ import annotations

import importlib
from types import ModuleType

from ikdsim.errors import InputError


def require(module: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(
            f"this feature needs the optional package {module.split('.')[0]!r}; "
            f"install it with: pip install 'ikdsim[{extra}]'"
        ) from None
