"""Input errors reach the user in the report language (issue 14, item 6): every fixed message
and expectation the loaders can raise has a Vietnamese text, and the CLI uses it under the
default `--lang vi` (English with `--lang en`)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.i18n import has
from planner.report.text import error_text

SRC = Path(__file__).resolve().parents[1] / "src" / "planner"
# Callables whose string arguments are user-facing error messages or expectations.
MESSAGE_CALLS = {"InputError": (0,), "row_error": (3, 5), "check_known": (5, 6)}


def _literals() -> tuple[set[str], set[str]]:
    messages: set[str] = set()
    expected: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "CellError" and node.args and isinstance(node.args[0], ast.Constant):
                expected.add(node.args[0].value)
            if name not in MESSAGE_CALLS:
                continue
            positions = MESSAGE_CALLS[name]
            for index, arg in enumerate(node.args):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    target = messages if index == positions[0] else expected
                    if index in positions:
                        target.add(arg.value)
            for keyword in node.keywords:
                value = keyword.value
                constant = isinstance(value, ast.Constant) and isinstance(value.value, str)
                if keyword.arg == "expected" and constant:
                    expected.add(value.value)  # type: ignore[attr-defined]
    return messages, expected


def test_every_fixed_error_message_and_expectation_has_a_vietnamese_text():
    messages, expected = _literals()
    assert len(messages) > 20 and len(expected) > 15  # the scan found the loaders' texts
    missing = [m for m in sorted(messages) if not has("vi", f"error.msg.{m}")]
    missing += [e for e in sorted(expected) if not has("vi", f"error.expected.{e}")]
    assert missing == []


def test_messages_with_details_are_worded_by_pattern():
    error = InputError("not valid JSON: Expecting value", path="plan.json", line=1)
    assert error_text(error, "vi") == "plan.json:1: không phải JSON hợp lệ: Expecting value"
    assert error_text(error, "en") == str(error)
    error = InputError(
        "unknown position id",
        path="officials.csv",
        row=3,
        column="Chức danh",
        field="position",
        found="giam doc",
        expected="one of a, b",
    )
    assert error_text(error, "vi") == (
        "officials.csv: dòng 3, cột 'Chức danh': mã chức danh không xác định; trường «chức danh»"
        " (position); giá trị 'giam doc'; cần một trong a, b"
    )
    assert error_text(error, "en") == str(error)


def test_a_broken_plan_file_is_reported_in_vietnamese(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text("{not json", encoding="utf-8")
    case = Path(__file__).parent / "fixtures" / "cases" / "mini"
    result = CliRunner().invoke(cli, ["check", str(case), str(plan)])
    assert result.exit_code == 2
    assert "không phải JSON hợp lệ" in result.output and "not valid JSON" not in result.output
    english = CliRunner().invoke(cli, ["check", str(case), str(plan), "--lang", "en"])
    assert "not valid JSON" in english.output


def test_locale_files_have_the_same_keys():
    root = SRC / "locales"
    vi = json.loads((root / "vi.json").read_text(encoding="utf-8"))
    en = json.loads((root / "en.json").read_text(encoding="utf-8"))
    assert sorted(set(vi) ^ set(en)) == []
