"""Atomic output folders: written under a temporary name, renamed into place when complete."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ikdsim.errors import InputError


def check_destination(out: Path, force: bool) -> None:
    """Fail early (before any work) when the output folder cannot be written."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.exists() and not force:
        raise InputError(f"{out}: output folder exists; use --force to replace it, or --out to choose another")
    parent = _existing_parent(out)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write into {parent} (permission denied)")


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces `out`, on any failure it vanishes."""
    check_destination(out, force)
    try:
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.absolute().parent))
        # mkdtemp makes the folder private (0700); results are meant to be shared like any file.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
    try:
        yield tmp
        if out.exists():
            trash = tmp.with_suffix(".old")
            out.rename(trash)
            tmp.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            tmp.rename(out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"{out}: could not write the output folder ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
