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


def test_plan_output_validates_and_its_schema_names_every_field_it_carries() -> None:
    schema = _json("schema", "plan")
    output = _json("plan", str(MINI), "--engine", "greedy", "--format", "json")
    jsonschema.validate(output, schema)
    assert isinstance(output, dict)
    # The serialiser forbids undeclared keys, so the published schema names each one written.
    assert set(output) <= set(schema["properties"])  # type: ignore[index]
    assert {"method", "options", "years", "mode"} <= set(schema["properties"])  # type: ignore[index]


def test_the_serialiser_refuses_a_key_its_schema_lacks() -> None:
    from pydantic import ValidationError

    from planner.report.schemas import AssessmentOut, to_json

    output = _json("assess", str(MINI), "--format", "json")
    assert isinstance(output, dict)
    assert json.loads(to_json(AssessmentOut, output)) == output  # round trip, same keys and order
    output["needs"][0]["undeclared"] = 1
    with pytest.raises(ValidationError):
        to_json(AssessmentOut, output)


def test_published_schemas_allow_fields_a_later_version_adds() -> None:
    for name in ("assessment", "recommendation", "evaluation", "plan", "whatif"):
        text = json.dumps(_json("schema", name))
        assert '"additionalProperties": false' not in text, name
