"""The Plan JSON Schema (`planner schema plan`) declares everything the output carries —
`method`, `options`, every key of `totals` — checked against real output (issue 14, item 9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from planner.cli import cli

MINI = Path(__file__).parent / "fixtures" / "cases" / "mini"


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        if key in node:
            objects = [_resolve(schema, n) for n in node[key] if n.get("type") != "null"]
            return objects[0] if len(objects) == 1 else node
    return node


def _undeclared(schema: dict[str, Any], node: dict[str, Any], value: Any, at: str) -> list[str]:
    """Keys of `value` that the schema `node` does not name (maps keyed by ids aside)."""
    node = _resolve(schema, node)
    out: list[str] = []
    if isinstance(value, dict):
        properties = node.get("properties")
        extra = node.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                out += _undeclared(schema, properties[key], item, f"{at}.{key}")
            elif properties is None and isinstance(extra, dict):
                out += _undeclared(schema, extra, item, f"{at}[{key}]")  # a map by id
            else:
                out.append(f"{at}.{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for item in value[:3]:
            out += _undeclared(schema, node["items"], item, f"{at}[]")
    return out


@pytest.mark.parametrize("engine", ["auto", "greedy"])
def test_real_plan_json_is_valid_and_fully_declared(tmp_path, engine):
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(cli, ["plan", str(MINI), "--engine", engine, "-o", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(CliRunner().invoke(cli, ["schema", "plan"]).output)
    jsonschema.validate(plan, schema)
    assert {"method", "options", "totals"} <= set(plan)
    assert plan["method"]["method"] in (
        "cohort",
        "transport",
        "colgen",
        "exact",
        "monolithic",
        "greedy",
    )
    assert plan["options"] == {"weight_by_effectiveness": False}
    assert _undeclared(schema, schema, plan, "plan") == []
    totals = _resolve(schema, schema["properties"]["totals"])["properties"]
    assert set(plan["totals"]) <= set(totals)
    plan["totals"]["surprise"] = 1  # the check does see an undeclared key
    plan["method"]["extra"] = 2
    assert _undeclared(schema, schema, plan, "plan") == [
        "plan.totals.surprise",
        "plan.method.extra",
    ]
