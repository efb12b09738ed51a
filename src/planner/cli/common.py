"""Options and helpers shared by the CLI commands: language, format, output, error handling."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from planner.errors import InfeasiblePlanError, InputError, PlannerError
from planner.i18n import LANGUAGES, t

EXIT_OK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lang", type=click.Choice(LANGUAGES), default="vi", show_default=True,
        help="Report language: vi (Vietnamese) or en (English).",
    )(func)


def output_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Write the result to this file (atomically) instead of standard output.",
    )(func)


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[..., Any]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
            help="Output format.",
        )(func)

    return decorate


def case_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("case", type=click.Path(path_type=Path))(func)


def run_guarded(group: click.Group) -> None:
    """Run the CLI so that no traceback reaches a user: bad input → exit 2 with one message."""
    lang = _lang_from_argv(sys.argv[1:])
    try:
        code = group.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT)
    except InfeasiblePlanError as exc:
        click.echo(f"{t(lang, 'cli.error')}: {exc}", err=True)
        sys.exit(EXIT_INFEASIBLE)
    except (InputError, PlannerError) as exc:
        click.echo(f"{t(lang, 'cli.error')}: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, never dump a traceback on a planner
        import logging

        logging.getLogger("planner").debug("internal error", exc_info=True)
        click.echo(t(lang, "cli.internal_error", error=f"{type(exc).__name__}: {exc}"), err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _lang_from_argv(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return "vi"
