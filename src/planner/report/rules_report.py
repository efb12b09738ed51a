"""`planner rules`: the law of `rules/` in force on a date as JSON, tables or one HTML page, and
the generated part of the legal changelog (rules/CHANGELOG.md)."""

from __future__ import annotations

import json
from typing import Any

from planner.i18n import format_date, t
from planner.law.framework import CONFIDENCE_DESCRIPTION, Framework, RuleVersion
from planner.law.inforce import LawOnDate, RequirementVersion, all_versions
from planner.report.html import Card, Page, Section, render_page
from planner.report.tabular import Column, Sheet


def law_dict(law: LawOnDate, lang: str) -> dict[str, Any]:
    """The JSON of `planner rules --format json` (names in `lang`, codes as in rules/)."""
    return {
        "on": law.on.isoformat(),
        "rules_source": law.source,
        "confidence_tags": CONFIDENCE_DESCRIPTION,
        "requirements": [_requirement(r, lang) for r in law.requirements],
        "parameters": [
            {
                "id": p.parameter.id,
                "description": p.parameter.description.in_lang(lang),
                "value": p.value.value,
                "effective_from": p.value.effective_from.isoformat(),
                "effective_to": _iso(p.value.effective_to),
                "reference": p.value.reference.model_dump(),
                "confidence": p.parameter.confidence,
                "comment": p.parameter.comment,
            }
            for p in law.parameters
        ],
        "texts": [
            {
                "id": text.id,
                "title": text.title,
                "name": text.name.in_lang(lang),
                "issued": _iso(text.issued),
                "effective_from": text.effective_from.isoformat(),
                "effective_to": _iso(text.effective_to),
                "confidence": text.confidence,
                "source": text.source,
                "href": text.href,
                "replaces": list(text.replaces),
                "note": text.note.in_lang(lang) if text.note else "",
            }
            for text in law.texts
        ],
        "not_in_force": list(law.not_in_force),
    }


def law_json(law: LawOnDate, lang: str) -> str:
    return json.dumps(law_dict(law, lang), ensure_ascii=False, indent=2) + "\n"


def _requirement(item: RequirementVersion, lang: str) -> dict[str, Any]:
    rule, version = item.rule, item.version
    return {
        "rule": rule.id,
        "title": rule.title.in_lang(lang),
        "kind": rule.kind,
        "applies_to": item.applies_to(),
        "effective_from": version.effective_from.isoformat(),
        "effective_to": _iso(version.effective_to),
        "reference": version.reference.model_dump(),
        "confidence": version.confidence,
        "target": item.target,
        "priority": version.priority,
        "deadline": version.deadline.model_dump(mode="json", exclude_none=True),
    }


def law_sheets(law: LawOnDate, lang: str) -> list[Sheet]:
    """Requirements, parameters and legal texts in force, one sheet each."""
    requirements = Sheet(
        t(lang, "rules.requirements"),
        [
            Column(t(lang, "rules.col.rule")),
            Column(t(lang, "rules.col.kind")),
            Column(t(lang, "rules.col.target")),
            Column(t(lang, "rules.col.from"), "date"),
            Column(t(lang, "rules.col.to"), "date"),
            Column(t(lang, "rules.col.reference")),
            Column(t(lang, "rules.col.confidence")),
        ],
        [
            [
                f"{r.rule.title.in_lang(lang)} ({r.rule.id})",
                t(lang, f"kind.{r.rule.kind}"),
                _target_text(r.target),
                r.version.effective_from,
                r.version.effective_to,
                r.version.reference.cite(),
                r.version.confidence or "?",
            ]
            for r in law.requirements
        ],
    )
    parameters = Sheet(
        t(lang, "rules.parameters"),
        [
            Column(t(lang, "rules.col.parameter")),
            Column(t(lang, "rules.col.value")),
            Column(t(lang, "rules.col.from"), "date"),
            Column(t(lang, "rules.col.reference")),
            Column(t(lang, "rules.col.confidence")),
        ],
        [
            [
                f"{p.parameter.description.in_lang(lang)} ({p.parameter.id})",
                str(p.value.value),
                p.value.effective_from,
                p.value.reference.cite(),
                p.parameter.confidence,
            ]
            for p in law.parameters
        ],
    )
    texts = Sheet(
        t(lang, "rules.texts"),
        [
            Column(t(lang, "rules.col.text")),
            Column(t(lang, "rules.col.from"), "date"),
            Column(t(lang, "rules.col.to"), "date"),
            Column(t(lang, "rules.col.confidence")),
            Column(t(lang, "rules.col.source")),
        ],
        [
            [
                f"{text.title}: {text.name.in_lang(lang)}",
                text.effective_from,
                text.effective_to,
                text.confidence,
                text.source + (f" — {text.note.in_lang(lang)}" if text.note else ""),
            ]
            for text in law.texts
        ],
    )
    return [requirements, parameters, texts]


def law_html(law: LawOnDate, lang: str) -> str:
    """One self-contained page of what is in force on the date."""
    sheets = law_sheets(law, lang)
    kinds: dict[str, int] = {}
    for item in law.requirements:
        kinds[item.rule.kind] = kinds.get(item.rule.kind, 0) + 1
    cards = [Card(t(lang, f"kind.{kind}"), str(n)) for kind, n in sorted(kinds.items())]
    unsure = sum(1 for r in law.requirements if r.version.confidence in ("R", None))
    cards.append(Card(t(lang, "rules.unconfirmed"), str(unsure), tone="warn" if unsure else "good"))
    page = Page(
        title=t(lang, "rules.title", date=format_date(law.on, lang)),
        lang=lang,
        subtitle=t(lang, "rules.confidence_legend"),
        cards=cards,
        sections=[Section(sheet.title, table=sheet) for sheet in sheets],
        notes=[t(lang, "rules.not_in_force", rules=", ".join(law.not_in_force) or "—")],
    )
    return render_page(page)


def _target_text(target: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v['param'] if isinstance(v, dict) and 'param' in v else v}"
        for k, v in target.items()
    )


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


# -- the generated part of rules/CHANGELOG.md ------------------------------------------------

CHANGELOG_BEGIN = "<!-- BEGIN generated: planner.report.rules_report.changelog_markdown -->"
CHANGELOG_END = "<!-- END generated -->"


def changelog_markdown(framework: Framework) -> str:
    """Every requirement with all its versions, dates, references and confidence, then every
    parameter and legal text: the part of rules/CHANGELOG.md a test keeps in step with rules/."""
    lines = [CHANGELOG_BEGIN, "", "### Requirements", ""]
    for rule, versions in all_versions(framework):
        lines.append(f"#### `{rule.id}` — {rule.title.vi} ({rule.kind})")
        lines.append("")
        lines.append("| from | to | reference | confidence | target | priority | deadline |")
        lines.append("| --- | --- | --- | --- | --- | --- | --- |")
        lines.extend(_version_row(v) for v in versions)
        lines.append("")
    lines += ["### Parameters", ""]
    for pid, parameter in sorted(framework.parameters.items()):
        lines.append(f"#### `{pid}` — {parameter.description.vi} ({parameter.confidence})")
        lines.append("")
        lines.append("| from | to | value | reference |")
        lines.append("| --- | --- | --- | --- |")
        for value in sorted(parameter.values, key=lambda v: v.effective_from):
            lines.append(
                f"| {value.effective_from} | {value.effective_to or '…'} | {value.value} "
                f"| {_cell(value.reference.cite())} |"
            )
        lines.append("")
    lines += ["### Legal texts", ""]
    lines.append("| text | issued | in force | confidence | source |")
    lines.append("| --- | --- | --- | --- | --- |")
    for _, text in sorted(framework.texts.items(), key=lambda kv: kv[1].effective_from):
        lines.append(
            f"| {_cell(text.title)} | {text.issued or '?'} | {text.effective_from} – "
            f"{text.effective_to or '…'} | {text.confidence} | {_cell(text.source)} |"
        )
    lines += ["", CHANGELOG_END]
    return "\n".join(lines) + "\n"


def _version_row(version: RuleVersion) -> str:
    target = _target_text(version.target.model_dump(exclude_none=True))
    deadline = version.deadline.by + (f" {version.deadline.date}" if version.deadline.date else "")
    return (
        f"| {version.effective_from} | {version.effective_to or '…'} "
        f"| {_cell(version.reference.cite())} | {version.confidence or '?'} | {target} "
        f"| {version.priority} | {deadline} |"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


__all__ = ["changelog_markdown", "law_dict", "law_html", "law_json", "law_sheets"]
