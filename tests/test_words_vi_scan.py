"""Vietnamese everywhere a user reads (issue 14, item 6): every command, in every output
format, under `--lang vi` on the bundled examples, scanned for locale keys left untranslated,
raw ids inside sentences and English words.

Ids are legitimate where they are data (an id column, a JSON id field) or named on purpose
after "mã" (validate's warnings, so the user can find the line to fix); the scan looks at
sentences — text of several words — and skips those.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.i18n import catalog

ROOT = Path(__file__).resolve().parents[1]
THOI_BINH = str(ROOT / "examples" / "thoi-binh")
EVALUATED = str(ROOT / "examples" / "danh-gia-2025")
MINI = str(Path(__file__).parent / "fixtures" / "cases" / "mini")
FAST = ["--time-limit", "1"]

KEYS = set(catalog("vi"))
RAW_IDS = re.compile(
    r"(?<![\w.:(])(?:(?:competency|programme|qualification):[a-z_]+"
    r"|ngan_sach_[a-z_]+|xa_hoi_hoa|(?:xa|tinh)\.[a-z_]+"
    r"|[a-z]+(?:_[a-z0-9]+){2,})(?![\w.-])"
)
ENGLISH = re.compile(
    r"\b(?:the|of|and|unknown|expected|found|field|row|officials?|needs?|budget|sessions?"
    r"|courses?|cost|objective|bound|not valid|written|error|warning|plan)\b",
    re.I,
)
KEY_LIKE = re.compile(r"\b[a-z_]+(?:\.[a-z_]+){1,3}\b")

# (command line, what it writes: "-" stdout, or a file name)
RUNS: list[tuple[list[str], str]] = [
    (["validate", THOI_BINH], "-"),
    (["assess", THOI_BINH], "-"),
    (["assess", THOI_BINH, "--format", "json"], "-json"),
    (["assess", THOI_BINH, "--format", "csv"], "-csv"),
    (["assess", THOI_BINH, "-o", "needs.xlsx"], "needs.xlsx"),
    (["assess", THOI_BINH, "-o", "needs.html"], "needs.html"),
    (["recommend", THOI_BINH], "-"),
    (["recommend", THOI_BINH, "--format", "json"], "-json"),
    (["recommend", THOI_BINH, "--format", "csv"], "-csv"),
    (["recommend", THOI_BINH, "-o", "rec.xlsx"], "rec.xlsx"),
    (["evaluate", EVALUATED], "-"),
    (["evaluate", EVALUATED, "--format", "json"], "-json"),
    (["evaluate", EVALUATED, "--format", "csv"], "-csv"),
    (["evaluate", EVALUATED, "-o", "eval.xlsx"], "eval.xlsx"),
    (["evaluate", EVALUATED, "-o", "eval.html"], "eval.html"),
    (["plan", THOI_BINH, *FAST], "-"),
    (["plan", THOI_BINH, "--details", *FAST], "-"),
    (["plan", THOI_BINH, "-o", "plan.json", *FAST], "plan.json"),
    (["plan", THOI_BINH, "-o", "plan.xlsx", *FAST], "plan.xlsx"),
    (["plan", THOI_BINH, "-o", "plan.html", *FAST], "plan.html"),
    (["whatif", MINI, "--budget-scale", "0.5:1:0.5", "--probes", "1", *FAST], "-"),
    (
        ["whatif", MINI, "--budget-scale", "0.5:1:0.5", "--probes", "1", "-o", "w.json", *FAST],
        "w.json",
    ),
    (
        ["whatif", MINI, "--budget-scale", "0.5:1:0.5", "--probes", "1", "-o", "w.xlsx", *FAST],
        "w.xlsx",
    ),
    (
        ["whatif", MINI, "--budget-scale", "0.5:1:0.5", "--probes", "1", "-o", "w.html", *FAST],
        "w.html",
    ),
    (["codes", "positions"], "-"),
    (["generate", "--officials", "20", "--years", "2026", "--seed", "1", "-o", "gen"], "-"),
]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _texts(path: Path | None, stdout: str, kind: str = "-") -> list[str]:
    """The pieces of text a reader reads: cells, JSON strings, HTML text, terminal cells."""
    if kind == "-csv":
        return [cell for row in csv.reader(io.StringIO(stdout)) for cell in row]
    if kind == "-json":
        return _json_strings(json.loads(stdout))
    if path is None:
        return [c.strip() for line in stdout.splitlines() for c in re.split(r"[│┃|]", line)]
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return [
            str(v)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ]
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return parser.parts
    return _json_strings(json.loads(path.read_text(encoding="utf-8")))


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        # `name` keys a what-if variant (its changes are listed under it): data, like an id.
        return [s for k, item in value.items() if k != "name" for s in _json_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


def _sentence(text: str) -> bool:
    return len(text.split()) >= 4


def _problems(texts: list[str]) -> list[str]:
    found: list[str] = []
    for text in dict.fromkeys(texts):
        if KEY_LIKE.fullmatch(text) and text in KEYS:
            found.append(f"key: {text}")
        if not _sentence(text):
            continue
        found.extend(
            f"id {match.group(0)!r} in: {text[:120]}"
            for match in RAW_IDS.finditer(text)
            if not re.search(r"mã(?: nguồn)? $", text[: match.start()])
        )
        found.extend(f"English {m.group(0)!r} in: {text[:120]}" for m in ENGLISH.finditer(text))
    return found


@pytest.mark.parametrize(
    ("args", "writes"), RUNS, ids=[f"{a[0]}-{w}-{i}" for i, (a, w) in enumerate(RUNS)]
)
def test_output_is_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, writes):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(cli, [*args, "--lang", "vi"])
    assert result.exit_code in (0, 1), result.output
    path = None if writes.startswith("-") else tmp_path / writes
    texts = _texts(path, result.stdout, writes) + _texts(None, result.stderr)
    problems = _problems(texts)
    assert problems == [], "\n".join(problems[:30])
