"""The `planner` command: a thin click layer that parses, calls the library and prints.

Exit codes: 0 success, 1 infeasible plan, 2 bad input (one clear message, no traceback),
3 internal error (a bug: the message asks the user to report it).
"""

from __future__ import annotations

import logging
import sys

import click

from planner.cli import common
from planner.cli.common import GuardedGroup


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="planner")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Lập kế hoạch đào tạo, bồi dưỡng cán bộ, công chức / training-needs planner."""
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Worded("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    from planner.io.limits import malformed

    for name, value, default in malformed():  # said once, before any file is read
        lang = common.current_lang()
        click.echo(
            f"{common.t(lang, 'cli.warning')}: "
            f"{common.t(lang, 'cli.limit_malformed', name=name, value=value, default=default)}",
            err=True,
        )


class _Worded(logging.Formatter):
    """Log records that carry a `planner_message` (a Message: the loader's note of a cell read
    in another form than written) are worded as a warning in the report language, like the
    warnings `validate` prints; every other record keeps the log format."""

    def format(self, record: logging.LogRecord) -> str:
        from planner.domain.message import Message

        message = getattr(record, "planner_message", None)
        if not isinstance(message, Message):
            return super().format(record)
        from planner.i18n import t
        from planner.report.text import render

        lang = common.current_lang()
        return f"{t(lang, 'cli.warning')}: {render(message, lang)}"


def _register() -> None:
    # One module per command; each exposes `command`.
    from planner.cli import assess_cmd, recommend_cmd, schema_cmd, validate_cmd

    for module in (validate_cmd, assess_cmd, recommend_cmd, schema_cmd):
        cli.add_command(module.command)
    from planner.cli import generate_cmd

    cli.add_command(generate_cmd.command)
    from planner.cli import evaluate_cmd

    cli.add_command(evaluate_cmd.command)
    from planner.cli import check_cmd, plan_cmd  # noqa: E402 - optimiser commands

    cli.add_command(plan_cmd.command)
    cli.add_command(check_cmd.command)
    from planner.cli import whatif_cmd

    cli.add_command(whatif_cmd.command)
    from planner.cli import rules_cmd

    cli.add_command(rules_cmd.command)
    from planner.cli import store_cmd  # the database (planner.store, the `store` extra)

    cli.add_command(store_cmd.command)
    from planner.cli import moodle_cmd  # the competency framework as Moodle CSV

    cli.add_command(moodle_cmd.command)
    from planner.cli import serve_cmd  # the web service (planner.server, the `serve` extra)

    cli.add_command(serve_cmd.command)
    from planner.cli import codes_cmd, template_cmd

    cli.add_command(codes_cmd.command)
    cli.add_command(template_cmd.command)
    from planner.cli import report_cmd

    cli.add_command(report_cmd.command)


_register()


def main() -> None:
    # Click's own usage errors exit 2 already; GuardedGroup maps planner's errors.
    common.started_as_command()  # the time limit counts from the process start
    cli(prog_name="planner")
