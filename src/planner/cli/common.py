"""Options and helpers shared by the CLI commands: language, format, output, error handling."""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
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


def scheduler_option(help_text: str) -> Callable[..., Any]:
    """`--scheduler tcp://HOST:PORT|local` (or PLANNER_SCHEDULER): a Dask scheduler to run on."""
    return click.option(
        "--scheduler",
        envvar="PLANNER_SCHEDULER",
        default=None,
        metavar="tcp://HOST:PORT|local",
        help=help_text,
    )


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[..., Any]:
    """`--format`; without it, `-o FILE` picks the format from the file's extension, and an
    extension that contradicts an explicit `--format` is refused (exit 2)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def inferred(*args: Any, **kwargs: Any) -> Any:
            if "fmt" in kwargs and "output" in kwargs:
                kwargs["fmt"] = resolve_format(kwargs["fmt"], kwargs["output"], choices)
            return func(*args, **kwargs)

        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format (default: from the extension of -o, else " + default + ").",
        )(inferred)

    return decorate


# The format a file's extension names.
FORMAT_OF_SUFFIX = {
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
    ".pdf": "pdf",
    ".txt": "table",
}


def resolve_format(fmt: str, output: Path | None, choices: Sequence[str]) -> str:
    """The output format: `--format` when given (refused when `-o`'s extension names another),
    else the one the extension of `-o` names, else the default."""
    suffix = Path(output).suffix.lower() if output is not None else ""
    named = FORMAT_OF_SUFFIX.get(suffix)
    if named is None:
        return fmt
    ctx = click.get_current_context(silent=True)
    explicit = ctx is not None and ctx.get_parameter_source("fmt") not in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
        None,
    )
    lang = _lang(ctx) if ctx is not None else "vi"
    if explicit:
        if named != fmt:  # a text table must never land in a .xlsx
            raise click.UsageError(
                t(lang, "cli.format_mismatch", path=output, fmt=fmt, named=named)
            )
        return fmt
    if named not in choices:
        raise click.UsageError(
            t(lang, "cli.format_unknown", path=output, choices=", ".join(choices))
        )
    return named


def case_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("case", type=click.Path(path_type=Path))(func)


# The ranges every numeric option is checked against where it is parsed; the message states
# the range. Years and dates: a planning horizon or a reference date a case can mean.
YEAR_MIN, YEAR_MAX = 1900, 2200
MAX_YEARS = 50  # one --years range (a term is 5 years; 50 covers any long-range plan)
SEED_MAX = 2**31 - 1  # CP-SAT's random_seed is a 32-bit integer
TIME_LIMIT_MAX = 7 * 24 * 3600.0  # a week of solver time
JOBS_MAX = 1024


class FiniteFloat(click.ParamType):
    """A float in [low, high]: `nan` and `inf` are refused (click's FloatRange lets nan by)."""

    name = "float"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not self.low <= number <= self.high:  # False for nan
            self.fail(f"{value!r} is not in the range {self.low:g} to {self.high:g}", param, ctx)
        return number


def year_range(param: str = "--years") -> Callable[[str], list[int]]:
    """A parser of `Y` or `Y1-Y2` with both years in the allowed range and at most MAX_YEARS."""

    def parse(text: str) -> list[int]:
        first, _, last = text.strip().partition("-")
        try:
            start, stop = int(first), int(last or first)
        except ValueError:
            raise click.BadParameter(
                f"{text!r}: expected a year or a range such as 2026-2030", param_hint=param
            ) from None
        for year in (start, stop):
            if not YEAR_MIN <= year <= YEAR_MAX:
                raise click.BadParameter(
                    f"{text!r}: year {year} outside {YEAR_MIN}-{YEAR_MAX}", param_hint=param
                )
        if stop < start:
            raise click.BadParameter(f"{text!r}: the range ends before it starts", param_hint=param)
        if stop - start + 1 > MAX_YEARS:
            raise click.BadParameter(
                f"{text!r}: {stop - start + 1} years, at most {MAX_YEARS}", param_hint=param
            )
        return list(range(start, stop + 1))

    return parse


def _on_date(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise click.BadParameter(
            f"{value.date()}: outside {YEAR_MIN}-01-01 to {YEAR_MAX}-12-31", param_hint="--on"
        )
    return value


def on_option(help: str) -> Callable[..., Any]:
    """`--on YYYY-MM-DD`: the date a command looks from instead of the case's reference_date."""
    return click.option(
        "--on",
        "on",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        callback=_on_date,
        help=help,
    )


def engine_option(help: str | None = None) -> Callable[..., Any]:
    from planner.optimise.solve import ENGINES

    return click.option(
        "--engine", type=click.Choice(ENGINES), default="auto", show_default=True, help=help
    )


def time_limit_option(help: str) -> Callable[..., Any]:
    return click.option(
        "--time-limit",
        type=FiniteFloat(0.1, TIME_LIMIT_MAX),
        default=10.0,
        show_default=True,
        help=help,
    )


def seed_option(help: str | None = None) -> Callable[..., Any]:
    return click.option(
        "--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True, help=help
    )


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so every atomic write removes its temporary file."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Terminated


class GuardedGroup(click.Group):
    """A click group that turns planner's errors into exit codes and one message, so no
    traceback reaches a user (in the console script and under click's test runner alike).

    An input error (PlannerError, or the operating system refusing a path) is exit 2. Anything
    else is a bug: one line asks to report it and names the log file holding the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # Each command runs in a context of its own: what it sets for wording (the case's
        # names, planner.report.names) ends with it.
        return contextvars.copy_context().run(self._invoke, ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        previous = _install_sigterm()
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # Click's own frame ("Usage: …", "Error: …") is English; say it in the report
            # language, with the command's help as the hint.
            lang = _lang(ctx)
            command = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            click.echo(f"{t(lang, 'cli.error')}: {exc.format_message()}", err=True)
            click.echo(t(lang, "cli.usage_hint", command=command), err=True)
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except InfeasiblePlanError as exc:
            click.echo(f"{t(_lang(ctx), 'cli.error')}: {exc}", err=True)
            ctx.exit(EXIT_INFEASIBLE)
        except PlannerError as exc:
            from planner.report.text import error_text  # words the error in the report language

            click.echo(f"{t(_lang(ctx), 'cli.error')}: {error_text(exc, _lang(ctx))}", err=True)
            ctx.exit(EXIT_INPUT)
        except OSError as exc:  # a path the system refuses (read-only, full, too long…)
            from planner.io.boundary import output_error

            where = exc.filename if exc.filename is not None else "<input>"
            click.echo(f"{t(_lang(ctx), 'cli.error')}: {output_error(exc, where)}", err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo(t(_lang(ctx), "cli.interrupted"), err=True)
            ctx.exit(130)
        except Terminated:
            click.echo(t(_lang(ctx), "cli.interrupted"), err=True)
            ctx.exit(143)
        except Exception as exc:  # a bug: say so plainly, never dump a traceback on a planner
            logging.getLogger("planner").debug("internal error", exc_info=True)
            log = _write_crash_log(exc)
            click.echo(
                t(
                    _lang(ctx),
                    "cli.internal_error_log",
                    error=f"{type(exc).__name__}: {str(exc)[:200]}",
                    log=log,
                ),
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)
        finally:
            _restore_sigterm(previous)


def _install_sigterm() -> object:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _on_sigterm)


def _restore_sigterm(previous: object) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def _write_crash_log(exc: BaseException) -> str:
    """The traceback of `exc` in a log file (PLANNER_LOG_DIR, else the temp folder); its path."""
    import os
    import tempfile
    import time
    import traceback

    folder = Path(os.environ.get("PLANNER_LOG_DIR") or tempfile.gettempdir())
    name = f"planner-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(f"planner {' '.join(sys.argv[1:])}\n{text}", encoding="utf-8")
        return str(path)
    except OSError:
        return "(the log could not be written)"


def current_lang() -> str:
    """The report language of the command running (its --lang, else the command line's)."""
    ctx = click.get_current_context(silent=True)
    return _lang(ctx) if ctx is not None else _lang_from_argv(sys.argv[1:])


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
        raise click.UsageError(t(_lang(click.get_current_context()), "cli.needs_output", fmt=fmt))
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
