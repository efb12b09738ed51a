"""The store on real databases: migrations from empty, byte-identical round trips of the
bundled examples, the parsed rows, runs' life cycle, edits with a version, and the CLI."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect
from tests.store_support import BACKENDS, fresh_database

from planner import pipeline
from planner.cli import cli
from planner.errors import InputError
from planner.store import (
    NotFoundError,
    RunStateError,
    StaleCaseError,
    Store,
    StoreError,
    core,
    create_store_engine,
    migrate,
    open_store,
    read_folder,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["thoi-binh", "huong-khe", "danh-gia-2025"]
TABLES = {
    "cases",
    "case_files",
    "law_snapshots",
    "law_files",
    "officials",
    "units",
    "history",
    "budget_lines",
    "runs",
    "attendance",
    "alembic_version",
}


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as opened:
        yield opened


def test_migrations_upgrade_an_empty_database_and_back(url: str) -> None:
    engine = create_store_engine(url)
    with engine.connect() as connection:
        assert migrate.current(connection) is None
        assert set(inspect(connection).get_table_names()) == set()
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current(connection) == migrate.head() == "0001"
        assert set(inspect(connection).get_table_names()) == TABLES
    migrate.upgrade(engine)  # idempotent at head
    migrate.downgrade(engine, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    engine.dispose()
    with pytest.raises(StoreError, match="planner store init"):
        open_store(url, upgrade=False)


@pytest.mark.parametrize("example", EXAMPLES)
def test_import_then_export_is_byte_identical(store: Store, example: str, tmp_path: Path) -> None:
    source = ROOT / "examples" / example
    info = store.import_case(source)
    out = tmp_path / "exported"
    store.export_case(info.id, out)
    original = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    exported = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert exported == original
    for name in original:
        assert (out / name).read_bytes() == (source / name).read_bytes(), name


def test_import_stores_the_parsed_rows_and_the_law_in_force(store: Store) -> None:
    source = ROOT / "examples" / "thoi-binh"
    case = pipeline.load(source)
    info = store.import_case(source)
    assert info.officials == len(case.officials) == 111
    assert info.history == len(case.history)
    assert info.budget == tuple(sorted((b.year, b.source, b.amount) for b in case.config.budget))
    assert info.limits["max_share_away"] == 0.3
    assert info.files == (
        "README.md",
        "case.yaml",
        "history.csv",
        "officials.csv",
        "scenarios/cut.yaml",
        "scenarios/example.yaml",
        "scenarios/more-seats.yaml",
        "units.csv",
    )
    rules = store.law_files(info.rules_hash)
    assert rules["positions.yaml"] == (ROOT / "rules" / "positions.yaml").read_bytes()
    assert set(rules) == {
        p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*.yaml")
    }
    catalog = store.law_files(info.catalog_hash)
    assert len(catalog) == len(list((ROOT / "catalogs").rglob("*.yaml")))
    # a second case under the same law shares the snapshot
    other = store.import_case(ROOT / "examples" / "huong-khe")
    assert (other.rules_hash, other.catalog_hash) == (info.rules_hash, info.catalog_hash)
    assert store.load(info.id).officials == case.officials


def test_a_bad_case_is_refused_with_its_file_and_row(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, data in read_folder(ROOT / "examples" / "thoi-binh").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    text = (folder / "officials.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("xa.", "nowhere.", 1)
    (folder / "officials.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="officials.csv"):
        store.import_case(folder)
    assert store.list_cases() == []
    with pytest.raises(NotFoundError):
        store.get_case(1)


def test_run_life_cycle(store: Store) -> None:
    case = store.import_case(ROOT / "examples" / "thoi-binh")
    run = store.save_run(case.id, "plan", settings={"seed": 3, "engine": "greedy"})
    assert (run.status, run.progress, run.case_version) == ("queued", 0.0, case.version)
    assert run.inputs_hash == store.inputs_hash(case.id, "plan", {"engine": "greedy", "seed": 3})
    assert run.inputs_hash != store.inputs_hash(case.id, "plan", {"engine": "greedy", "seed": 4})
    assert store.start_run(run.id).status == "running"
    assert store.update_run_progress(run.id, 0.4, "solving") is True
    assert store.request_cancel(run.id).cancel_requested
    assert store.update_run_progress(run.id, 0.6) is False  # the job is told to stop
    done = store.finish_run(run.id, status="cancelled")
    assert done.status == "cancelled" and done.time_s is not None and done.time_s >= 0
    with pytest.raises(RunStateError):
        store.update_run_progress(run.id, 0.7)
    with pytest.raises(RunStateError):
        store.finish_run(run.id, output={})
    other = store.save_run(case.id, "assessment")
    assert store.request_cancel(other.id).status == "cancelled"  # queued: cancelled at once
    output = {"reference_date": "2026-01-15", "officials": 111, "needs": [{"need": "x"}]}
    third = store.save_run(case.id, "assessment", status="finished", output=output)
    assert store.get_run(third.id).output == output
    assert store.find_run(third.inputs_hash) == store.get_run(third.id)
    assert [r.id for r in store.list_runs(case.id)] == [third.id, other.id, run.id]
    assert [r.id for r in store.list_runs(case.id, kind="plan")] == [run.id]
    assert store.list_runs(case.id)[0].output is None  # listing leaves the outputs out
    with pytest.raises(StoreError, match="kind"):
        store.save_run(case.id, "guess")


def test_replacing_a_file_needs_the_version_it_read(store: Store) -> None:
    source = ROOT / "examples" / "thoi-binh"
    case = store.import_case(source)
    lines = (source / "officials.csv").read_bytes().splitlines(keepends=True)
    fewer = b"".join(line for line in lines if b"TB000007" not in line)
    history = b"".join(
        line
        for line in (source / "history.csv").read_bytes().splitlines(keepends=True)
        if b"TB000007" not in line
    )
    before = store.inputs_hash(case.id, "plan", {})
    changed = store.replace_case_files(
        case.id, {"officials.csv": fewer, "history.csv": history}, expected_version=case.version
    )
    assert changed.version == case.version + 1
    assert changed.officials == case.officials - 1
    assert store.case_files(case.id)["officials.csv"] == fewer
    assert store.inputs_hash(case.id, "plan", {}) != before
    with pytest.raises(StaleCaseError):  # a writer that read version 1 overwrites nothing
        store.replace_case_files(
            case.id, {"officials.csv": b"".join(lines)}, expected_version=case.version
        )
    assert store.get_case(case.id).officials == case.officials - 1
    # a file that breaks the case is refused, named as the stored file, and nothing changes
    with pytest.raises(InputError, match=f"case {case.id}/officials.csv: row 2"):
        store.replace_case_files(
            case.id, {"officials.csv": lines[0]}, expected_version=changed.version
        )
    assert store.get_case(case.id).version == changed.version


def test_store_cli_init_import_list_export(url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--database", url]
    result = runner.invoke(cli, ["store", "init", *db, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "revision 0001" in result.output
    result = runner.invoke(cli, ["store", "import", str(ROOT / "examples" / "thoi-binh"), *db])
    assert result.exit_code == 0, result.output
    assert "111 cán bộ" in result.output  # Vietnamese by default
    result = runner.invoke(cli, ["store", "list", *db, "--lang", "en"])
    assert result.exit_code == 0 and "Thới Bình" in result.output
    out = tmp_path / "out"
    result = runner.invoke(cli, ["store", "export", "1", str(out), *db, "--lang", "en"])
    assert result.exit_code == 0, result.output
    digest = {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
    source = ROOT / "examples" / "thoi-binh"
    assert digest == {
        p.relative_to(source).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(source.rglob("*"))
        if p.is_file()
    }
    result = runner.invoke(cli, ["store", "export", "1", str(out), *db, "--lang", "en"])
    assert result.exit_code == 2 and "not empty" in result.output
    result = runner.invoke(cli, ["store", "export", "9", str(tmp_path / "x"), *db])
    assert result.exit_code == 2 and "no case 9" in result.output
    result = runner.invoke(cli, ["store", "import", str(tmp_path / "missing"), *db])
    assert result.exit_code == 2 and "không tìm thấy thư mục hồ sơ" in result.output


def test_a_case_naming_files_outside_its_folder_is_refused(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    for name, data in read_folder(ROOT / "examples" / "thoi-binh").items():
        if name != "history.csv":
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    (tmp_path / "history.csv").write_bytes((ROOT / "examples/thoi-binh/history.csv").read_bytes())
    config = (folder / "case.yaml").read_text(encoding="utf-8")
    config = config.replace("history: history.csv", "history: ../history.csv")
    (folder / "case.yaml").write_text(config, encoding="utf-8")
    with pytest.raises(InputError, match="outside the folder") as caught:
        store.import_case(folder)
    assert caught.value.field == "history" and caught.value.found == "../history.csv"
    assert store.list_cases() == []


def test_inputs_hash_follows_the_installed_law(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = store.import_case(ROOT / "examples" / "thoi-binh")
    before = store.inputs_hash(case.id, "assessment", {})
    assert store.get_run(store.save_run(case.id, "assessment").id).created_at.tzinfo is not None
    newer = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", newer)
    text = (newer / "parameters.yaml").read_text(encoding="utf-8")
    (newer / "parameters.yaml").write_text(text + "\n# a later release\n", encoding="utf-8")
    monkeypatch.setattr(core, "bundled_dir", lambda name: newer if name == "rules" else ROOT / name)
    assert store.inputs_hash(case.id, "assessment", {}) != before  # no stale cache after upgrade
    assert store.get_case(case.id).rules_hash == case.rules_hash  # the snapshot stays as stored
