"""What-if scenarios sent to the service (YAML text or JSON objects, as the CLI's scenario
files): each is written into the job's private folder under a name the service chooses and
read by the CLI's own loader, so errors name the scenario, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from planner.analysis.scenario import Scenario, apply_scenario, load_scenario
from planner.errors import InputError

MAX_SCENARIOS = 12
MAX_SCENARIO_BYTES = 64 * 1024


def scenario_text(item: Any, index: int) -> str:
    if isinstance(item, str):
        text = item
    elif isinstance(item, dict):
        text = yaml.safe_dump(item, allow_unicode=True, sort_keys=False)
    else:
        raise InputError(
            "a scenario is YAML text or an object",
            path=f"scenario-{index + 1}.yaml",
            found=type(item).__name__,
        )
    if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
        raise InputError(
            "scenario too large",
            path=f"scenario-{index + 1}.yaml",
            expected=f"at most {MAX_SCENARIO_BYTES} bytes",
        )
    return text


def load_scenarios(
    case: Any, items: Sequence[Any], folder: Path
) -> list[tuple[Scenario, str | None]]:
    """The scenarios, each checked against `case` (an unknown id is an InputError)."""
    if len(items) > MAX_SCENARIOS:
        raise InputError(
            "too many scenarios", field="scenarios", found=len(items), expected=f"≤ {MAX_SCENARIOS}"
        )
    out: list[tuple[Scenario, str | None]] = []
    for index, item in enumerate(items):
        name = f"scenario-{index + 1}.yaml"
        path = folder / name
        path.write_text(scenario_text(item, index), encoding="utf-8")
        try:
            scenario = load_scenario(path)
            apply_scenario(case, scenario, name)
        except InputError as error:
            raise InputError(
                error.message,
                path=name,
                line=error.line,
                field=error.field,
                found=error.found,
                expected=error.expected,
            ) from None
        out.append((scenario, name))
    return out
