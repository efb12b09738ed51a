"""A HiGHS instance (highspy) that prints nothing.

highspy's constructor writes HiGHS's banner ("Running HiGHS …") to the process's standard
output, at the C level, once per process, before any option can turn it off; on
`planner plan --format json` without `-o` that line would corrupt the JSON. So the first instance
is made with file descriptor 1 pointed at /dev/null, and every instance gets `output_flag` off.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy

_lock = threading.Lock()
_banner_done = False


def quiet_highs() -> highspy.Highs:
    """A new `highspy.Highs` with its output off (single-threaded callers set the rest)."""
    global _banner_done
    with _lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
        else:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    return highs
