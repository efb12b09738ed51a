"""Real JSON outputs validate against the schemas `planner schema` publishes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from planner.cli import cli

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


def _json(*args: str) -> object:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("name", "command"), [("assessment", "assess"), ("recommendation", "recommend")]
)
def test_output_validates_against_published_schema(name: str, command: str) -> None:
    schema = _json("schema", name)
    output = _json(command, str(MINI), "--format", "json")
    jsonschema.validate(output, schema)


def test_schema_rejects_a_broken_output() -> None:
    schema = _json("schema", "assessment")
    output = _json("assess", str(MINI), "--format", "json")
    del output["needs"][0]["reference"]  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(output, schema)
