"""Atomic output: write to a temporary file beside the target, then rename over it, so an
interrupted run never leaves a half-written report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, encoding: str = "utf-8") -> None:
    payload = data.encode(encoding) if isinstance(data, str) else data
    write_atomic_with(path, lambda tmp: tmp.write_bytes(payload))


def write_atomic_with(path: Path, writer: Callable[[Path], object]) -> None:
    """Call `writer(tmp_path)` and move the finished file to `path`; clean up on failure."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        # mkstemp creates 0600; give the report the permissions a normal file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
