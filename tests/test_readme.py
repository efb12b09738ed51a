"""The README's examples run as written (issue 14, item 9): every `planner` command of its
bash blocks (installation blocks aside: CI runs those in `.ci/run`), its scenario example (a
shipped file) and its library example.

Solving commands run as written with a shorter `--time-limit` (and `--probes 1` for what-if)
appended — click takes the last value — because the time limit changes only how good the plan
is, not whether the command works; the suite must stay fast. The one long solve, the budget
sweep over the five-year Hương Khê case (five variants and probes), is left out here; its code
path is the one `tests/test_whatif.py` covers. Also left out: commands that need something the
reader brings — a running server or cluster (`planner serve`, `--scheduler tcp://…`) and their own
results table (`planner store attendance … results.csv`); the store commands run against a
SQLite file of the test's own (PLANNER_DATABASE_URL), never the user's database.
"""

from __future__ import annotations

import re
import shlex
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from planner import pipeline
from planner.analysis.scenario import apply_scenario, load_scenario
from planner.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)
SHORTER = {"plan": ["--time-limit", "2"], "whatif": ["--time-limit", "1", "--probes", "1"]}


def _long(command: str) -> bool:
    return (
        command.startswith("planner whatif")
        and "--budget-scale" in command
        and "--scheduler" not in command
    )


def _needs_the_readers_own(command: str) -> bool:
    """A server or cluster running, or a file only the reader has."""
    return (
        command.startswith(("planner serve", "planner store attendance"))
        or "--scheduler tcp://" in command
    )


def _commands() -> list[str]:
    commands = []
    for language, body in BLOCKS:
        if language != "bash" or "pip install" in body:
            continue
        for line in body.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line.startswith("planner ") and not _long(line) and not _needs_the_readers_own(line):
                commands.append(line)
    return commands


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'planner.db'}")
    return tmp_path


def test_the_readme_has_commands_to_run():
    assert len(_commands()) >= 5
    assert sum(_long(c) for _, body in BLOCKS for c in body.splitlines()) == 1


def test_every_readme_command_runs(workdir: Path):
    for command in _commands():
        args = shlex.split(command)[1:]
        args += SHORTER.get(args[0], [])
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (command, result.output)
        if "-o" in args:
            written = workdir / args[args.index("-o") + 1]
            assert written.stat().st_size > 0, command
            if written.suffix == ".xlsx":
                assert zipfile.is_zipfile(written), command  # a workbook, not text


def test_the_readme_scenario_is_the_shipped_file_and_runs(workdir: Path):
    shipped = ROOT / "examples" / "thoi-binh" / "scenarios" / "example.yaml"
    block = next(body for lang, body in BLOCKS if lang == "yaml" and "exclude_courses" in body)
    assert yaml.safe_load(block) == yaml.safe_load(shipped.read_text(encoding="utf-8"))
    # Every id it names exists in the example (an unknown one would be an input error).
    case = pipeline.load("examples/thoi-binh")
    changed = apply_scenario(case, load_scenario(shipped))
    assert "kns-2026-extra" in {s.id for s in changed.catalog.courses["ky_nang_so_co_ban"].sessions}
    assert "dai_hoc_vua_lam_vua_hoc" not in changed.catalog.courses
    assert changed.config.years == [2026, 2027]


def test_the_library_example_runs(workdir: Path, capsys: pytest.CaptureFixture[str]):
    code = next(body for lang, body in BLOCKS if lang == "python" and "scheduler" not in body)
    exec(compile(code.replace("time_limit=20", "time_limit=2"), "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6  # five needs, then the plan's status line
    assert lines[-1].split()[0] in ("optimal", "feasible")
