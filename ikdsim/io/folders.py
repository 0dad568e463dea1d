"""Where outputs go and how they are written: one rule for every command.

- A name that becomes a path (a scenario's, a sweep's) must be a plain file name
  (`check_name`); default folders are `results/<name>[-<suffix>]` (`default_folder`).
- Every folder ikdsim writes carries a marker file (`MARKER`); `--force` replaces only a folder
  with that marker (or an empty one), so a mistyped `--out` can never delete a user's files.
- Writing is atomic: a temporary `.<name>.<pid>.partial` sibling is renamed into place when
  complete and removed on any failure; temporaries left by a killed process (dead pid) are removed
  by the next write into the same place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from ikdsim.errors import InputError

RESULTS = Path("results")
MARKER = ".ikdsim-output"
NAME_RULE = "letters, digits, '_', '.' and '-', starting with a letter, digit or '_', at most 64 characters"
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?:partial|old)$")


def check_name(name: str, what: str = "name") -> str:
    """Refuse a name that is not a plain file name (no folders, no `..`, no absolute path)."""
    if not _NAME.match(name):
        raise InputError(f"{what} {name!r} cannot name an output folder: use {NAME_RULE}")
    return name


def default_folder(name: str, suffix: str = "", what: str = "name") -> Path:
    """`results/<name>` or `results/<name>-<suffix>`: always under `results/`."""
    check_name(name, what)
    return RESULTS / (f"{name}-{suffix}" if suffix else name)


def default_file(name: str, suffix: str, extension: str, what: str = "name") -> Path:
    """`results/<name>-<suffix>.<extension>` (the report's HTML file)."""
    check_name(name, what)
    return RESULTS / f"{name}-{suffix}.{extension}"


def is_ikdsim_folder(path: Path) -> bool:
    return (path / MARKER).is_file()


def check_destination(out: Path, force: bool) -> None:
    """Fail early (before any work) when the output folder cannot or must not be written."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    if out.exists() and not force:
        raise InputError(f"{out}: output folder exists; use --force to replace it, or --out to choose another")
    if out.exists() and not is_ikdsim_folder(out) and any(out.iterdir()):
        raise InputError(
            f"{out}: not a folder ikdsim wrote (no {MARKER} file), so --force will not replace it; "
            "--force replaces only ikdsim's own output folders: choose another --out"
        )
    parent = _existing_parent(out)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write into {parent} (permission denied)")


def check_file_destination(out: Path, force: bool, signature: str) -> None:
    """The same rule for a single output file: `--force` replaces only a file containing `signature`."""
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name")
    if out.exists() and not force:
        raise InputError(f"{out}: exists; use --force to replace it, or --out to choose another file")
    if out.exists():
        with out.open("rb") as handle:
            head = handle.read(4096)
        if signature.encode() not in head:
            raise InputError(
                f"{out}: not a file ikdsim wrote, so --force will not replace it; choose another --out"
            )
    parent = _existing_parent(out)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write into {parent} (permission denied)")


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(out: Path) -> None:
    """Remove `.<name>.<pid>.partial|old` siblings of OUT whose process is gone (a kill -9)."""
    parent = out.absolute().parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        match = _TEMP.match(entry.name)
        if match and match["name"] == out.name and not _pid_alive(int(match["pid"])):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _temporary(out: Path, kind: str) -> Path:
    return out.absolute().parent / f".{out.name}.{os.getpid()}.{kind}"


def write_error(path: Path, exc: OSError) -> InputError:
    """A located message for a failed write (read-only folder, full disk)."""
    reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return InputError(f"{path}: cannot write ({reason})")


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces `out`, on any failure it vanishes."""
    check_destination(out, force)
    remove_stale_temporaries(out)
    tmp = _temporary(out, "partial")
    try:
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        (tmp / MARKER).write_text("This folder was written by ikdsim; `--force` may replace it.\n", encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise write_error(out, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        yield tmp
        if out.is_symlink() or out.exists():
            trash = _temporary(out, "old")
            out.rename(trash)
            tmp.rename(out)
            if trash.is_dir() and not trash.is_symlink():
                shutil.rmtree(trash, ignore_errors=True)
            else:
                trash.unlink(missing_ok=True)
        else:
            tmp.rename(out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise write_error(out, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def atomic_write_text(out: Path, text: str) -> Path:
    """Write one text file atomically (see `atomic_write_bytes`)."""
    return atomic_write_bytes(out, text.encode("utf-8"))


def atomic_write_bytes(out: Path, data: bytes) -> Path:
    """Write one file atomically: a reader never sees half of it, a failure leaves nothing."""
    remove_stale_temporaries(out)
    tmp = _temporary(out, "partial")
    try:
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(out, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
