"""PDF output: an HTML page printed by headless Chromium (`--print-to-pdf`), the page's own
`@page` rules deciding the paper (A4). No PDF is written by hand: the browser lays out the
Vietnamese text, fonts and tables exactly as it shows them.

Chromium is an outside program (Debian: `apt-get install chromium`); without it the command
says so plainly (a `PlannerError`, exit 2) instead of writing nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from planner.errors import PlannerError
from planner.io.atomic import write_atomic

# The names Chromium goes by on Debian, Ubuntu and elsewhere; PLANNER_CHROMIUM overrides.
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def chromium() -> str | None:
    """The path of a Chromium-like browser, or None."""
    explicit = os.environ.get("PLANNER_CHROMIUM")
    if explicit:
        return explicit if shutil.which(explicit) or Path(explicit).exists() else None
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, path: Path, *, timeout: float = 120.0) -> None:
    """Print `html` to the PDF `path` (atomically) with headless Chromium."""
    browser = chromium()
    if browser is None:
        raise PlannerError(
            "PDF output needs Chromium (apt-get install chromium, or set PLANNER_CHROMIUM)"
        )
    with tempfile.TemporaryDirectory(prefix="planner-pdf-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "out.pdf"
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",  # runs as root in containers and CI
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PlannerError(f"Chromium could not print the PDF: {exc}") from None
        if not out.exists() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise PlannerError(f"Chromium did not write the PDF: {' '.join(tail)}")
        data = out.read_bytes()
    write_atomic(path, data)


__all__ = ["chromium", "html_to_pdf"]
