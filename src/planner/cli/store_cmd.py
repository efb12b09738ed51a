"""`planner store …`: the database of cases, runs and adopted plans (planner.store).

`--database URL` or PLANNER_DATABASE_URL picks the database; without either it is the SQLite file
`~/.local/share/planner/planner.db` (`$XDG_DATA_HOME/planner/planner.db`). PostgreSQL:
`--database postgresql://user:password@host/dbname`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from planner.cli import common
from planner.errors import InfeasiblePlanError, InputError
from planner.i18n import t

KINDS = ("assessment", "recommendation", "plan", "whatif", "evaluation")


def database_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--database",
        "database",
        envvar="PLANNER_DATABASE_URL",
        default=None,
        metavar="URL",
        help="SQLAlchemy URL (sqlite:///FILE or postgresql://…); default PLANNER_DATABASE_URL, "
        "else ~/.local/share/planner/planner.db.",
    )(func)


def _open(database: str | None) -> Any:
    from planner.store import open_store

    return open_store(database)


@click.group("store")
def command() -> None:
    """Kho dữ liệu hồ sơ, lần chạy và kế hoạch đã thông qua / the case database."""


@command.command("init")
@database_option
@common.lang_option
def init(database: str | None, lang: str) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu / create or upgrade the database (alembic upgrade head)."""
    from planner.store import migrate

    with _open(database) as store, store.engine.connect() as connection:
        revision = migrate.current(connection)
        click.echo(t(lang, "store.initialised", url=store.url, revision=revision))


@command.command("import")
@click.argument("case_dir", type=click.Path(path_type=Path))
@database_option
@common.lang_option
def import_(case_dir: Path, database: str | None, lang: str) -> None:
    """Nhập một thư mục hồ sơ / import a case folder (validated first)."""
    with _open(database) as store:
        info = store.import_case(case_dir)
    click.echo(
        t(
            lang,
            "store.imported",
            name=info.name,
            id=info.id,
            officials=info.officials,
            history=info.history,
            files=len(info.files),
        )
    )


@command.command("export")
@click.argument("case_id", type=int)
@click.argument("folder", type=click.Path(path_type=Path))
@database_option
@common.lang_option
def export(case_id: int, folder: Path, database: str | None, lang: str) -> None:
    """Xuất hồ sơ ra thư mục mới / export a case into a new folder, byte for byte."""
    with _open(database) as store:
        written = store.export_case(case_id, folder)
    click.echo(t(lang, "store.exported", id=case_id, path=folder, files=len(written)))


@command.command("list")
@database_option
@common.lang_option
def list_(database: str | None, lang: str) -> None:
    """Liệt kê các hồ sơ / list the cases."""
    from rich.console import Console
    from rich.table import Table

    with _open(database) as store:
        cases = store.list_cases()
        if not cases:
            click.echo(t(lang, "store.empty"))
            return
        table = Table(title=t(lang, "store.title", url=store.url))
        for column in ("id", "name", "reference_date", "years", "version", "officials", "runs"):
            table.add_column(t(lang, f"store.col.{column}"))
        table.add_column(t(lang, "store.col.adopted"))
        for case in cases:
            runs = store.list_runs(case.id)
            adopted = [str(r.id) for r in runs if r.adopted_at is not None]
            table.add_row(
                str(case.id),
                case.name,
                case.reference_date.isoformat(),
                ", ".join(map(str, case.years)),
                str(case.version),
                str(case.officials),
                str(len(runs)),
                ", ".join(adopted) or "-",
            )
    Console().print(table)


@command.command("record")
@click.argument("case_id", type=int)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("output_json", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@database_option
@common.lang_option
def record(case_id: int, kind: str, output_json: Path, database: str | None, lang: str) -> None:
    """Lưu kết quả JSON của một lệnh / store a JSON output (e.g. `planner plan --format json`)
    as a finished run of the case."""
    try:
        from planner.io.boundary import read_text
        from planner.io.limits import limits

        output = json.loads(read_text(output_json, limits().json_bytes, "JSON file"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(
            t(lang, "store.bad_json"), path=output_json, line=getattr(exc, "lineno", None)
        ) from None
    with _open(database) as store:
        run = store.save_run(
            case_id,
            kind,
            settings={"recorded_from": output_json.name},
            status="finished",
            output=output,
            time_s=output.get("time_s") if isinstance(output, dict) else None,
        )
    click.echo(t(lang, "store.recorded", kind=kind, run=run.id, case=case_id))


@command.command("plan")
@click.argument("case_id", type=int)
@common.engine_option("auto, cpsat, highs, greedy, … as `planner plan`.")
@common.time_limit_option("Seconds for the solver.")
@common.seed_option("Random seed (same seed, same plan).")
@database_option
@common.lang_option
def plan(
    case_id: int, engine: str, time_limit: float, seed: int, database: str | None, lang: str
) -> None:
    """Lập kế hoạch cho hồ sơ trong kho và lưu kết quả / plan a stored case as a run."""
    from planner import pipeline
    from planner.optimise.solve import SolveConfig
    from planner.report.plan import infeasible_dict, plan_json

    settings = {"engine": engine, "time_limit": time_limit, "seed": seed}
    with _open(database) as store:
        run = store.save_run(case_id, "plan", settings=settings)
        with store.holding_case(case_id, run.id):
            store.start_run(run.id)
            started = time.monotonic()
            prepared = pipeline.prepare(store.load(case_id))
            store.update_run_progress(run.id, 0.1, "prepared")
            config = SolveConfig(engine=engine, time_limit=time_limit, seed=seed)

            def progress(best: float | None, bound: float | None, elapsed: float) -> None:
                store.update_run_progress(run.id, min(0.1 + 0.9 * elapsed / time_limit, 0.99))

            try:
                output = json.loads(plan_json(pipeline.plan(prepared, config, progress), lang))
            except InfeasiblePlanError as error:
                output = infeasible_dict(
                    error,
                    lang,
                    engine=engine,
                    seed=seed,
                    mode="coverage",
                    time_s=round(time.monotonic() - started, 3),
                )
            done = store.finish_run(run.id, output=output)
    click.echo(t(lang, "store.planned", case=case_id, run=run.id, status=output.get("status")))
    if done.output and done.output.get("status") == "infeasible":
        raise click.exceptions.Exit(1)


@command.command("adopt")
@click.argument("run_id", type=int)
@database_option
@common.lang_option
def adopt(run_id: int, database: str | None, lang: str) -> None:
    """Thông qua một kế hoạch đã lập xong / adopt a finished plan: its assignments become
    attendance, next year's history."""
    with _open(database) as store:
        attended = store.adopt_plan(run_id)
        case_id = store.get_run(run_id, with_output=False).case_id
    click.echo(t(lang, "store.adopted", run=run_id, case=case_id, count=len(attended)))


@command.command("attendance")
@click.argument("run_id", type=int)
@click.argument("table", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@database_option
@common.lang_option
def attendance(run_id: int, table: Path, database: str | None, lang: str) -> None:
    """Ghi kết quả học và đánh giá sau đào tạo / record what happened in an adopted plan: a
    table in the history format (official_id, course, session, completed_on, result, feedback,
    score, competency_before:<id>, competency_after:<id>; CSV or XLSX)."""
    from planner.io.history import load_history

    with _open(database) as store:
        run = store.get_run(run_id, with_output=False)
        case = store.load(run.case_id)
        records = load_history(table, {o.id for o in case.officials}, set(case.catalog.courses))
        count = store.record_attendance(
            run_id,
            [
                {
                    "official_id": r.official_id,
                    "course": r.course,
                    "session": r.session,
                    "result": r.result,
                    "completed_on": r.completed_on,
                    "feedback": r.feedback,
                    "score": r.score,
                    "competency_before": dict(r.competency_before) or None,
                    "competency_after": dict(r.competency_after) or None,
                    "row": r.row,
                }
                for r in records
            ],
            source=str(table),
        )
    click.echo(t(lang, "store.attendance", count=count, run=run_id))


@command.command("next-year")
@click.argument("case_id", type=int)
@click.option(
    "--name", default=None, help="Name of the new case (default: its name with the year moved on)."
)
@database_option
@common.lang_option
def next_year(case_id: int, name: str | None, database: str | None, lang: str) -> None:
    """Tạo hồ sơ năm sau từ kế hoạch đã thông qua / next year's case: history grown by the
    adopted plan's attendance."""
    with _open(database) as store:
        info = store.start_next_year(case_id, name=name)
    click.echo(
        t(
            lang,
            "store.next_year",
            id=info.id,
            name=info.name,
            previous=case_id,
            history=info.history,
        )
    )
