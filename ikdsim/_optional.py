"""Heavy third-party modules, imported only when a feature needs them, with an install hint.

Importing scipy, matplotlib or pyarrow at start-up would slow every command, so features import
them here when they run. Every package is a core dependency except those in `OPTIONAL`
(tests/test_install.py checks this table against pyproject.toml), so a missing core package means
a broken install and the hint says to reinstall rather than naming an extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ikdsim.errors import InputError

# Top-level module -> the extra that installs it. Everything else ikdsim imports is a core dependency.
OPTIONAL: dict[str, str] = {"dask": "dask", "distributed": "dask"}


def install_hint(module: str) -> str:
    """What to type when `module` cannot be imported."""
    top = module.split(".")[0]
    extra = OPTIONAL.get(top)
    if extra is not None:
        return f"this feature needs the optional package {top!r}; install it with: pip install 'ikdsim[{extra}]'"
    return (
        f"the package {top!r} is missing although ikdsim requires it (a broken install); "
        "reinstall with: pip install --force-reinstall ikdsim (in a checkout: make run)"
    )


def require(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(install_hint(module)) from None
