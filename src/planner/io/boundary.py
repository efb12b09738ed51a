"""The one place an input file is opened: it must be a regular file (not a FIFO, device,
directory, socket or symlink loop), no larger than its limit, and text must be UTF-8 (with or
without BOM), or UTF-16 with a BOM, or cp1258 when declared. Anything else is an InputError
naming the file and, for text, the line and column of the first bad byte — never a guess.

Opening uses O_NONBLOCK after a `stat`, so a FIFO swapped in between the two still cannot block
a run; reads stop one byte past the limit, so `/dev/zero` cannot fill memory.

A regular file cannot be polled on Linux (it is always "ready"), so there is no true read
timeout: instead the file is read in 1 MiB chunks and a `Deadline` (PLANNER_LIMIT_READ_SECONDS) is
checked between them — and between streamed XLSX rows, which openpyxl reads from the zip itself —
so a pathologically slow source (a network mount at a few KB/s) stops with an InputError naming
the file. One `read` that blocks for ever (a hard-mounted NFS server gone) is not interrupted: no
portable way exists short of a separate process.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import time
import unicodedata
from pathlib import Path

from planner.errors import InputError

# C0 controls other than tab, LF, CR; DEL; C1 controls; U+FFFE/FFFF (never text). A NUL in a
# unit name made it match nothing; C1 bytes are the sign of cp1252/cp1258 text read as Latin-1.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# The same without NUL: a table reader takes NULs itself, per cell (a trailing NUL is dropped
# with a warning, one inside a value is an error at its row and column).
_CONTROL_BUT_NUL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# A UTF-7 escape: `+`, modified base64, an optional `-`. UTF-7 text is ASCII, so it decodes as
# UTF-8 without an error and its names would pass as mojibake ("Nguy+HsU-n").
_UTF7 = re.compile(r"\+([A-Za-z0-9+/]{2,})-?")
_CHUNK = 1 << 20  # between two chunks the read deadline is checked
_DECLARED = re.compile(rb"^[ \t]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
_ACCEPTED_DECLARED = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp1258": "cp1258",
    "windows-1258": "cp1258",
}


class TextError(InputError):
    """A text file that does not decode, or holds a control character: `prefix` is the text
    before the bad place, so a table reader can count logical records (not lines) up to it."""

    prefix: str = ""


def _now() -> float:
    """The clock deadlines are measured on (a test replaces it with one it moves itself)."""
    return time.monotonic()


class Deadline:
    """The time reading one file may take (default: PLANNER_LIMIT_READ_SECONDS), started when
    made; `check` between two chunks or rows raises the InputError naming the file, the limit
    and how far it got."""

    def __init__(self, path: Path, seconds: float | None = None) -> None:
        from planner.io.limits import limits

        self.path = path
        self.seconds = float(limits().read_seconds) if seconds is None else seconds
        self._stop = _now() + self.seconds

    def check(self, done: str) -> None:
        """Raise when the deadline has passed; `done` says how far reading got (for the
        message: "3,145,728 of 9,000,000 bytes", "row 120,000")."""
        if _now() > self._stop:
            raise InputError(
                "reading the file takes too long",
                path=self.path,
                found=f"{done} in {self.seconds:g} s",
                expected="a local, readable file (raise PLANNER_LIMIT_READ_SECONDS)",
            )


def check_file(path: Path, what: str = "file") -> os.stat_result:
    """`path` is an existing regular file (symlinks followed); else an InputError saying what
    it is instead."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=path) from None
    except OSError as exc:
        raise _os_error(exc, path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory", path=path, expected=f"a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"not a regular file ({_kind(info.st_mode)})", path=path, expected=f"a {what}"
        )
    return info


def read_bytes(
    path: Path, limit: int, what: str = "file", *, deadline: float | None = None
) -> bytes:
    """The whole content of regular file `path`, refused when larger than `limit` bytes or
    when reading it takes longer than `deadline` seconds (default: PLANNER_LIMIT_READ_SECONDS),
    checked between 1 MiB chunks (a file of one chunk is never stopped: it is read by then)."""
    info = check_file(path, what)
    if info.st_size > limit:
        raise _too_large(path, info.st_size, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _os_error(exc, path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO/device since the stat
            raise InputError("not a regular file", path=path, expected=f"a {what}")
        chunks: list[bytes] = []
        size = 0
        clock = Deadline(path, deadline)
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size < info.st_size:  # more to read: between two chunks (one chunk: no look)
                clock.check(f"{size:,} of {info.st_size:,} bytes")
        if size > limit:  # the file grew since the stat
            raise _too_large(path, size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise _os_error(exc, path) from None
    finally:
        os.close(fd)


def decode(data: bytes, path: Path, *, allow_declared: bool = False, table: bool = False) -> str:
    """`data` as text: UTF-8 (BOM optional), UTF-16 with a BOM, or — when `allow_declared` and
    the file says `# coding: cp1258` on a comment line — cp1258. The result is NFC-normalised
    and free of control characters; anything else is an InputError with line and column.

    A `table` (CSV) is returned as written, NULs included: the table reader normalises and
    checks it cell by cell, so it can name the row and column of what it changed."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif allow_declared:
        declared = _DECLARED.search(data[:1024])
        if declared is not None:
            name = declared.group(1).decode("ascii", "replace").lower()
            if name not in _ACCEPTED_DECLARED:
                raise InputError(
                    "unsupported declared encoding",
                    path=path,
                    line=data[: declared.start(1)].count(b"\n") + 1,
                    found=name,
                    expected="utf-8 or cp1258",
                )
            encoding = _ACCEPTED_DECLARED[name]
    if encoding == "utf-8" and _looks_utf16(data):
        raise InputError(
            "file looks like UTF-16 without a byte-order mark",
            path=path,
            expected="UTF-8 text (save as 'CSV UTF-8' / UTF-8)",
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        error = TextError(
            "file is not UTF-8 text" if encoding == "utf-8" else f"file is not valid {encoding}",
            path=path,
            line=line,
            column=str(column),
            found=data[max(0, exc.start - 8) : exc.start + 8],
            expected="UTF-8 text (save as 'CSV UTF-8' / UTF-8)",
        )
        error.prefix = data[: exc.start].decode(encoding, "replace")
        raise error from None
    bad = (_CONTROL_BUT_NUL if table else _CONTROL).search(text)
    if bad is None and encoding == "utf-8" and "+" in text and text.isascii():
        bad = _utf7_escape(text)
    if bad is not None and bad.group().startswith("+"):
        raise _text_error_at(
            path,
            text,
            bad,
            "file looks like UTF-7, not UTF-8",
            found=bad.group()[:24],
            expected="UTF-8 text (save as 'CSV UTF-8' / UTF-8)",
        )
    if bad is not None:
        raise _text_error_at(
            path,
            text,
            bad,
            "control character in text",
            found=f"U+{ord(bad.group()):04X}",
            expected="printable text (remove the character; C1 characters suggest a "
            "cp1252/cp1258 file: save it as UTF-8)",
        )
    if text.isascii() or table:
        return text
    return unicodedata.normalize("NFC", text)


def _text_error_at(
    path: Path, text: str, bad: re.Match[str], message: str, *, found: str, expected: str
) -> TextError:
    """The error for the text `bad` matched: its line and column, and the text before it (so
    the table reader can count the logical record)."""
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    error = TextError(
        message, path=path, line=line, column=str(column), found=found, expected=expected
    )
    error.prefix = text[: bad.start()]
    return error


def read_text(
    path: Path,
    limit: int,
    what: str = "file",
    *,
    allow_declared: bool = False,
    table: bool = False,
    deadline: float | None = None,
) -> str:
    data = read_bytes(path, limit, what, deadline=deadline)
    return decode(data, path, allow_declared=allow_declared, table=table)


def _is_letter_of_text(ch: str) -> bool:
    """Latin letters with diacritics (Vietnamese ones included), combining marks, a BOM."""
    code = ord(ch)
    return (
        0xC0 <= code <= 0x24F or 0x300 <= code <= 0x36F or 0x1E00 <= code <= 0x1EFF
    ) or code == 0xFEFF


def _utf7_escape(text: str) -> re.Match[str] | None:
    """The first UTF-7 escape of ASCII `text` that decodes to letters of a real text: a
    '+84912345678' phone number decodes to random CJK characters and is left alone."""
    for tried, match in enumerate(_UTF7.finditer(text)):
        if tried >= 10_000:  # a UTF-7 table shows its escapes in the first names
            break
        try:
            decoded = match.group().encode("ascii").decode("utf-7")
        except UnicodeDecodeError:
            continue
        if decoded and all(_is_letter_of_text(ch) for ch in decoded):
            return match
    return None


def _looks_utf16(data: bytes) -> bool:
    """Many NULs in every other byte of the start: UTF-16 text without a BOM."""
    head = data[:4096]
    if len(head) < 8:
        return False
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return max(odd, even) > len(head) // 4


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO / named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _too_large(path: Path, size: int, limit: int) -> InputError:
    return InputError(
        "file too large",
        path=path,
        found=f"{size:,} bytes",
        expected=f"at most {limit:,} bytes (raise it with the PLANNER_LIMIT_* variables)",
    )


def _os_error(exc: OSError, path: Path) -> InputError:
    reasons = {
        errno.ELOOP: "symbolic link loop",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EISDIR: "is a directory",
        errno.ENXIO: "not a regular file (no reader/device)",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return InputError(f"cannot read: {reason}", path=path)


def output_error(exc: OSError, path: Path) -> InputError:
    """An OSError while writing `path` as an input error naming it (disk full, read-only…)."""
    reasons = {
        errno.ENOSPC: "no space left on the disk",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EISDIR: "is a directory",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENAMETOOLONG: "file name too long",
        errno.ELOOP: "symbolic link loop",
        errno.EFBIG: "file too large for the file system",
        errno.ENOENT: "folder does not exist",
        errno.EXDEV: "cannot rename across file systems",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return InputError(f"cannot write the output: {reason}", path=path)
