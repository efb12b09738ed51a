"""Loading `rules/`: every YAML file below a folder, merged by section and cross-checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.errors import InputError
from planner.io.yamlio import duplicate_id, item_line, parsed_files
from planner.law.framework import CompetencyTarget, Framework, ParamRef, ProgrammeTarget, RulesFile


def load_rules(folder: Path) -> Framework:
    """Load every YAML file below `folder` and cross-check the ids they name."""
    sections: dict[str, dict[str, Any]] = {
        "parameters": {},
        "texts": {},
        "leader_groups": {},
        "competencies": {},
        "programmes": {},
        "positions": {},
        "rules": {},
    }
    where: dict[tuple[str, str], tuple[Path, int | None]] = {}
    for path, raw, parsed in parsed_files(folder, RulesFile):
        for section, items in sections.items():
            for index, item in enumerate(getattr(parsed, section)):
                line = item_line(raw, section, index)
                if item.id in items:
                    first = where[(section, item.id)]
                    raise duplicate_id(section[:-1], item.id, first, path, line)
                items[item.id] = item
                where[(section, item.id)] = (path, line)
    framework = Framework(**sections, source=str(folder))
    _cross_check_rules(framework, where)
    return framework


def _cross_check_rules(
    fw: Framework, where: dict[tuple[str, str], tuple[Path, int | None]]
) -> None:
    groups = {g for p in fw.positions.values() for g in p.groups}
    for text in fw.texts.values():
        for old in text.replaces:
            if old not in fw.texts:
                path, line = where[("texts", text.id)]
                raise InputError(
                    f"legal text {text.id}: replaces an unknown text",
                    path=path,
                    line=line,
                    field="replaces",
                    found=old,
                    expected="the id of a text in rules/",
                )

    def fail(
        section: str, item_id: str, message: str, field: str, found: str, expected: str
    ) -> None:
        path, line = where[(section, item_id)]
        raise InputError(message, path=path, line=line, field=field, found=found, expected=expected)

    for position in fw.positions.values():
        if position.leader_group is not None and position.leader_group not in fw.leader_groups:
            fail(
                "positions",
                position.id,
                f"position {position.id}: unknown leader group",
                "leader_group",
                str(position.leader_group),
                f"one of {sorted(fw.leader_groups)} (leader_groups in rules/)",
            )
    for rule in fw.rules.values():
        for pos in rule.applies_to.positions:
            if pos not in fw.positions:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown position id",
                    "applies_to.positions",
                    pos,
                    "a position defined in rules/",
                )
        for group in rule.applies_to.groups:
            if group not in groups:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: no position is in this group",
                    "applies_to.groups",
                    group,
                    f"one of {sorted(groups)}",
                )
        for version in rule.versions:
            target = version.target
            refs = [
                v
                for v in (
                    getattr(target, "count", None),
                    getattr(target, "periods", None),
                    getattr(target, "min_days", None),
                    version.deadline.months,
                )
                if isinstance(v, ParamRef)
            ]
            for ref in refs:
                if ref.param not in fw.parameters:
                    fail(
                        "rules",
                        rule.id,
                        f"rule {rule.id}: unknown parameter",
                        "param",
                        ref.param,
                        "a parameter defined in rules/",
                    )
                param = fw.parameters[ref.param]
                if param.value_on(version.effective_from) is None:
                    fail(
                        "rules",
                        rule.id,
                        f"rule {rule.id}: parameter {ref.param} has no value on "
                        f"{version.effective_from}",
                        "param",
                        ref.param,
                        "a parameter value covering the rule version",
                    )
            if isinstance(target, CompetencyTarget) and target.competency not in fw.competencies:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown competency",
                    "target.competency",
                    target.competency,
                    "a competency defined in rules/",
                )
            if isinstance(target, ProgrammeTarget) and target.programme not in fw.programmes:
                fail(
                    "rules",
                    rule.id,
                    f"rule {rule.id}: unknown programme",
                    "target.programme",
                    target.programme,
                    "a programme defined in rules/",
                )
