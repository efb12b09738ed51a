"""Options and helpers shared by the CLI commands: language, format, output, error handling."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.errors import InfeasiblePlanError, PlannerError
from planner.i18n import LANGUAGES, format_date, t

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from planner.report.tabular import Sheet

EXIT_OK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default="vi",
        show_default=True,
        is_eager=True,
        callback=_remember_lang,
        help="Report language: vi (Vietnamese) or en (English).",
    )(func)


def output_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the result to this file (atomically) instead of standard output.",
    )(func)


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[..., Any]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def case_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("case", type=click.Path(path_type=Path))(func)


def on_option(help: str) -> Callable[..., Any]:
    """`--on YYYY-MM-DD`: the date a command looks from instead of the case's reference_date."""
    return click.option(
        "--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help=help
    )


def engine_option(help: str | None = None) -> Callable[..., Any]:
    from planner.optimise.solve import ENGINES

    return click.option(
        "--engine", type=click.Choice(ENGINES), default="auto", show_default=True, help=help
    )


def time_limit_option(help: str) -> Callable[..., Any]:
    return click.option(
        "--time-limit", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help=help
    )


def seed_option(help: str | None = None) -> Callable[..., Any]:
    return click.option("--seed", type=int, default=0, show_default=True, help=help)


class GuardedGroup(click.Group):
    """A click group that turns planner's errors into exit codes and one message, so no
    traceback reaches a user (in the console script and under click's test runner alike)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except InfeasiblePlanError as exc:
            click.echo(f"{t(_lang(ctx), 'cli.error')}: {exc}", err=True)
            ctx.exit(EXIT_INFEASIBLE)
        except PlannerError as exc:
            click.echo(f"{t(_lang(ctx), 'cli.error')}: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: say so plainly, never dump a traceback on a planner
            logging.getLogger("planner").debug("internal error", exc_info=True)
            click.echo(
                t(_lang(ctx), "cli.internal_error", error=f"{type(exc).__name__}: {exc}"), err=True
            )
            ctx.exit(EXIT_INTERNAL)


def _lang(ctx: click.Context) -> str:
    return str(ctx.meta.get("planner.lang") or _lang_from_argv(sys.argv[1:]))


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta["planner.lang"] = value
    return value


def _lang_from_argv(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return "vi"


def require_output(output: Path | None, fmt: str) -> Path:
    """Binary and page formats go to a file, never to the terminal."""
    if output is None:
        raise click.UsageError(f"--format {fmt} needs -o FILE.{fmt}")
    return output


def say_written(output: Path, lang: str) -> None:
    """Tell the user on stderr where the result went."""
    click.echo(t(lang, "cli.written", path=output), err=True)


def emit(text: str, output: Path | None, lang: str) -> None:
    """Write `text` to `output` atomically (and say so on stderr), or print it."""
    from planner.io.atomic import write_atomic

    if output:
        write_atomic(output, text)
        say_written(output, lang)
    else:
        click.echo(text, nl=False)


def emit_csv(sheet: Any, output: Path | None, lang: str) -> None:
    """One sheet as CSV: a file with a BOM (for Excel), or plain text on stdout."""
    from planner.report.tabular import to_csv, write_csv

    if output:
        write_csv(output, sheet)
        say_written(output, lang)
    else:
        click.echo(to_csv(sheet), nl=False)


def emit_workbook(sheets: Sequence[Sheet], output: Path | None, lang: str) -> None:
    """Sheets as an Excel workbook, to the file `-o` names (a workbook never goes to stdout)."""
    from planner.report.tabular import write_xlsx

    output = require_output(output, "xlsx")
    write_xlsx(output, sheets)
    say_written(output, lang)


def table_console(output: Path | None, width: int) -> Console:
    """The console a table goes to: the terminal, or a recording `width` wide for `-o FILE`."""
    from rich.console import Console

    return Console(record=output is not None, width=width if output else None)


def case_table(lang: str, key: str, case_name: str, on: dt.date) -> Table:
    """A rich table titled with the case's name and the date it looks from."""
    from rich.table import Table

    return Table(title=t(lang, key, name=case_name, date=format_date(on, lang)))


def save_console(console: Console, output: Path | None, lang: str) -> None:
    """With `-o FILE`, write what `table_console` recorded to the file."""
    from planner.io.atomic import write_atomic

    if output:
        write_atomic(output, console.export_text())
        say_written(output, lang)


def sheet_table(sheet: Sheet, lang: str, keep: Sequence[int] | None = None) -> Table:
    """A rich table of the `keep` columns of `sheet` (all by default), cells as the HTML shows
    them, numbers right-aligned, long text folded."""
    from rich.table import Table

    from planner.report.html import format_cell

    table = Table(title=sheet.title)
    keep = range(len(sheet.columns)) if keep is None else keep
    for index in keep:
        column = sheet.columns[index]
        numeric = column.kind in ("int", "float", "vnd")
        table.add_column(column.header, justify="right" if numeric else "left", overflow="fold")
    for row in sheet.rows:
        table.add_row(*[format_cell(row[i], sheet.columns[i], lang)[0] for i in keep])
    return table


# When `planner` runs as a command (not under a test runner or another program): the monotonic
# time its process started, so a time limit counts interpreter start-up and imports too.
_PROCESS_STARTED: float | None = None


def started_as_command() -> None:
    global _PROCESS_STARTED
    from planner.pipeline import process_age

    age = process_age()
    _PROCESS_STARTED = time.monotonic() - age if age is not None else None


def command_started() -> float:
    """When the user's command started: the process start for the `planner` command, else now."""
    return _PROCESS_STARTED if _PROCESS_STARTED is not None else time.monotonic()
