"""Atomic output: write to a temporary file beside the target, fsync it, then rename it over the
target, so an interrupted run (Ctrl-C, SIGTERM, a kill, a full disk) leaves either the old file
or the complete new one — never a half-written report.

The temporary file is named `.<name>.<pid>.<random>.planner-tmp`: a later run writing the same
target recognises the leftovers of a killed run (their process is gone) and removes them. A disk
that is full or read-only is an InputError naming the path; the old output stays as it was.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from planner.errors import InputError
from planner.io.boundary import output_error

SUFFIX = ".planner-tmp"
_STRAY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+" + re.escape(SUFFIX) + "$")


def write_atomic(path: Path, data: bytes | str, encoding: str = "utf-8") -> None:
    payload = data.encode(encoding) if isinstance(data, str) else data
    write_atomic_with(path, lambda tmp: tmp.write_bytes(payload))


def write_atomic_with(path: Path, writer: Callable[[Path], object]) -> None:
    """Call `writer(tmp_path)` and move the finished file to `path`; clean up on failure."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise InputError("cannot write the output: is a directory", path=path)
        directory.mkdir(parents=True, exist_ok=True)
        remove_strays(path)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=SUFFIX, dir=directory
        )
        os.close(fd)
    except OSError as exc:
        raise output_error(exc, path) from None
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        with open(tmp, "rb+") as handle:  # the data on the disk before the name points at it
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
        _fsync_dir(directory)
    except OSError as exc:
        _discard(tmp)
        raise output_error(exc, path) from None
    except BaseException:
        _discard(tmp)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, else those a new file gets (mkstemp
    creates 0600, too strict for a report)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _discard(tmp: Path) -> None:
    # A writer that failed half-way (openpyxl on a full disk) may leave a ZipFile whose
    # destructor complains on stderr; collect it now, quietly, then remove the file.
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_strays(path: Path) -> list[Path]:
    """Remove the temporary files an earlier, killed run left beside `path`; the removed."""
    directory = path.parent if str(path.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _STRAY.match(entry.name)
        if match is None or match.group("name") != path.name:
            continue
        if _alive(int(match.group("pid"))):
            continue  # another run is writing this very file now
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a leftover of this process is never in use (no two writes at once)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
