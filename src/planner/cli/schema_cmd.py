"""`planner schema NAME`: print the JSON Schema of a published JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import click

from planner.cli.common import output_option
from planner.io.atomic import write_atomic
from planner.report.schemas import SCHEMAS, schema


@click.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
@output_option
def command(name: str, output: Path | None) -> int:
    """In JSON Schema của đầu ra JSON / print the JSON Schema of an output."""
    text = json.dumps(schema(name), ensure_ascii=False, indent=2) + "\n"
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    return 0
