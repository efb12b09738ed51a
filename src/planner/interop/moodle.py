"""The competency framework as Moodle `tool_lpimportcsv` CSV, both ways.

Moodle's competency-framework import/export (Site administration → Competencies → Import /
Export competency framework) reads and writes one CSV: a header row, then one row for the
framework (`Is framework` = 1, with the scale and the taxonomy of each tree level) and one row
per competency, parents named by id number. The fourteen columns, in Moodle's order, are
`MOODLE_HEADERS`. Moodle writes it with PHP's `fputcsv` (a field is quoted only when it holds a
comma, quote, space, tab or line break), which `write_moodle_csv` follows so that a file read
and written back is byte-identical.

planner → Moodle (`framework_to_moodle`): each competency of `rules/` becomes a top-level
competency, id number = planner's id, short name in the chosen language, both languages in the
description as Moodle multilang spans (`<span lang="vi" class="multilang">`), the scale = the
competency levels 0-5, proficient from the lowest level a rule in force requires of it.
Moodle → planner (`moodle_to_competencies`): the leaves of the tree (the competencies a person
is rated on) with their names in Vietnamese and English and the lowest proficient level.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError
from planner.law.framework import CompetencyTarget, Framework
from planner.law.reference import LocalizedText
from planner.types import COMPETENCY_LEVELS

MOODLE_HEADERS: tuple[str, ...] = (
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
)
FORMAT_HTML = 1  # Moodle's FORMAT_HTML: the description is HTML (multilang spans)
LANGS = ("vi", "en")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_SPAN = re.compile(
    r'<span\s+lang="(?P<lang>[a-z_]+)"\s+class="multilang">(?P<text>.*?)</span>', re.S
)


@dataclass(frozen=True)
class MoodleRow:
    """One row of the CSV, the framework or a competency, fields as Moodle means them."""

    idnumber: str
    shortname: str
    parent: str = ""
    description: str = ""
    description_format: str = "1"
    scale_values: str = ""
    scale_configuration: str = ""
    rule_type: str = ""
    rule_outcome: str = ""
    rule_config: str = ""
    related: tuple[str, ...] = ()
    exported_id: str = ""
    is_framework: bool = False
    taxonomy: tuple[str, ...] = ()
    row: int | None = field(default=None, compare=False)  # line of the CSV record, for messages

    def cells(self) -> list[str]:
        return [
            self.parent,
            self.idnumber,
            self.shortname,
            self.description,
            self.description_format,
            self.scale_values,
            self.scale_configuration,
            self.rule_type,
            self.rule_outcome,
            self.rule_config,
            ",".join(r.replace(",", "%2C") for r in self.related),
            self.exported_id,
            "1" if self.is_framework else "",
            ",".join(self.taxonomy),
        ]


@dataclass(frozen=True)
class MoodleFramework:
    framework: MoodleRow
    competencies: tuple[MoodleRow, ...]

    def children(self, parent: str) -> list[MoodleRow]:
        return [c for c in self.competencies if c.parent == parent]

    def leaves(self) -> list[MoodleRow]:
        parents = {c.parent for c in self.competencies}
        return [c for c in self.competencies if c.idnumber not in parents]


@dataclass(frozen=True)
class MoodleCompetency:
    """A competency read from Moodle, as planner's vocabulary holds it."""

    id: str
    name: LocalizedText
    description: LocalizedText | None
    proficient_from: int | None  # the lowest level Moodle marks proficient (None: not given)


# -- the CSV -----------------------------------------------------------------------------------


def _php_field(value: str) -> str:
    """A field as PHP's fputcsv writes it (delimiter `,`, enclosure `"`)."""
    if any(ch in value for ch in ',"\n\r\t \\'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_moodle_csv(framework: MoodleFramework) -> bytes:
    """The CSV Moodle's tool_lpimportcsv imports (and exports): UTF-8, `\\n` line ends."""
    rows = [list(MOODLE_HEADERS), framework.framework.cells()]
    rows += [c.cells() for c in framework.competencies]
    text = "".join(",".join(_php_field(cell) for cell in row) + "\n" for row in rows)
    return text.encode("utf-8")


def read_moodle_csv(data: bytes, source: str | Path = "<moodle csv>") -> MoodleFramework:
    """Parse a tool_lpimportcsv CSV; a bad file is an InputError naming the row (the CSV
    record, header = 1, as a spreadsheet counts them) and the column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "the file is not UTF-8 text", path=source, expected="a UTF-8 CSV file"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty", path=source, expected="Moodle's header") from None
    if len(header) < len(MOODLE_HEADERS):
        raise InputError(
            "the header has too few columns for a Moodle competency framework",
            path=source,
            row=1,
            found=len(header),
            expected=f"{len(MOODLE_HEADERS)} columns: {', '.join(MOODLE_HEADERS)}",
        )
    frameworks: list[MoodleRow] = []
    competencies: list[MoodleRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(MOODLE_HEADERS) - len(cells))
        item = MoodleRow(
            parent=cells[0],
            idnumber=cells[1],
            shortname=cells[2],
            description=cells[3],
            description_format=cells[4],
            scale_values=cells[5],
            scale_configuration=cells[6],
            rule_type=cells[7],
            rule_outcome=cells[8],
            rule_config=cells[9],
            related=tuple(r.replace("%2C", ",") for r in cells[10].split(",")) if cells[10] else (),
            exported_id=cells[11],
            is_framework=bool(cells[12].strip()) and cells[12].strip() != "0",
            taxonomy=tuple(cells[13].split(",")) if cells[13] else (),
            row=number,
        )
        if not item.idnumber.strip():
            raise InputError("a row without an id number", path=source, row=number,
                             column=MOODLE_HEADERS[1])  # fmt: skip
        if item.is_framework:
            frameworks.append(item)
            continue
        if item.idnumber in seen:
            raise InputError(
                f"id number appears twice (first on row {seen[item.idnumber]})",
                path=source,
                row=number,
                column=MOODLE_HEADERS[1],
                found=item.idnumber,
            )
        seen[item.idnumber] = number
        competencies.append(item)
    if len(frameworks) != 1:
        raise InputError(
            "a Moodle competency framework file has exactly one framework row",
            path=source,
            column=MOODLE_HEADERS[12],
            found=len(frameworks),
            expected="one row with Is framework = 1",
        )
    for item in competencies:
        if item.parent and item.parent not in seen:
            raise InputError(
                "the parent id number is not a competency of this file",
                path=source,
                row=item.row,
                column=MOODLE_HEADERS[0],
                found=item.parent,
            )
    return MoodleFramework(frameworks[0], tuple(competencies))


# -- planner ↔ Moodle --------------------------------------------------------------------------

_LEVELS = list(COMPETENCY_LEVELS)


def _scale_values() -> str:
    return ",".join(str(level) for level in _LEVELS)


def _scale_configuration(proficient_from: int) -> str:
    # Moodle's shape: [{"scaleid": id}, {"id": item (1-based), "scaledefault": 0|1,
    # "proficient": 0|1}, ...]; the importer replaces scaleid with the scale it finds or makes.
    items: list[dict[str, Any]] = [{"scaleid": "0"}]
    for index, level in enumerate(_LEVELS, start=1):
        items.append(
            {
                "id": index,
                "scaledefault": 1 if level == _LEVELS[0] else 0,
                "proficient": 1 if level >= proficient_from else 0,
            }
        )
    return json.dumps(items, separators=(",", ":"))


def _paragraph(text: LocalizedText) -> str:
    """One paragraph with the text in both languages as Moodle multilang spans."""
    spans = "".join(
        f'<span lang="{lang}" class="multilang">{html.escape(getattr(text, lang), quote=False)}'
        "</span>"
        for lang in LANGS
    )
    return f"<p>{spans}</p>"


def required_levels(framework: Framework, on: dt.date) -> dict[str, int]:
    """Per competency, the lowest level a rule in force on `on` requires (the proficient mark)."""
    levels: dict[str, int] = {}
    for rule in framework.rules.values():
        version = rule.version_on(on)
        if version is not None and isinstance(version.target, CompetencyTarget):
            target = version.target
            levels[target.competency] = min(levels.get(target.competency, 99), target.level)
    return levels


def framework_to_moodle(
    framework: Framework,
    on: dt.date,
    *,
    idnumber: str = "planner-cbcc",
    shortname: LocalizedText | None = None,
    lang: str = "vi",
) -> MoodleFramework:
    """planner's competencies (rules/) as a Moodle framework, proficiency as in force on `on`."""
    required = required_levels(framework, on)
    top = _LEVELS[-1]
    # The framework's scale marks proficient from the level most competencies require; a
    # competency that requires another level carries its own scale configuration.
    counts = Counter(required.values())
    default = min(counts, key=lambda level: (-counts[level], level)) if counts else top
    title = shortname or LocalizedText(
        vi="Khung năng lực cán bộ, công chức",
        en="Competency framework of cadres and civil servants",
    )
    head = MoodleRow(
        idnumber=idnumber,
        shortname=title.in_lang(lang),
        description=_paragraph(title),
        description_format=str(FORMAT_HTML),
        scale_values=_scale_values(),
        scale_configuration=_scale_configuration(default),
        is_framework=True,
        taxonomy=("competency",),
    )
    rows = []
    for competency in sorted(framework.competencies.values(), key=lambda c: c.id):
        description = _paragraph(competency.name)
        if competency.description is not None:
            description += _paragraph(competency.description)
        own = required.get(competency.id, default)
        rows.append(
            MoodleRow(
                idnumber=competency.id,
                shortname=competency.name.in_lang(lang),
                description=description,
                description_format=str(FORMAT_HTML),
                # a competency whose proficient level differs from the framework's has its own
                scale_values=_scale_values() if own != default else "",
                scale_configuration=_scale_configuration(own) if own != default else "",
                rule_outcome="0",
                rule_config="null",
            )
        )
    return MoodleFramework(head, tuple(rows))


def _proficient_from(configuration: str, values: str, where: MoodleRow, source: str) -> int | None:
    if not configuration:
        return None
    try:
        items = json.loads(configuration)
        marked = [int(i["id"]) for i in items[1:] if int(i.get("proficient", 0)) == 1]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise InputError(
            "the scale configuration is not Moodle's JSON",
            path=source,
            row=where.row,
            column=MOODLE_HEADERS[6],
            found=configuration,
            expected='[{"scaleid":…},{"id":1,"scaledefault":1,"proficient":0},…]',
        ) from None
    if not marked:
        return None
    names = values.split(",")
    first = min(marked)
    # planner's levels are the numbers 0-5; a Moodle scale of other words maps by position.
    label = names[first - 1].strip() if 0 < first <= len(names) else ""
    return int(label) if label.isdigit() else first - 1


def _texts(item: MoodleRow) -> tuple[LocalizedText, LocalizedText | None]:
    """The name and description in both languages: from multilang paragraphs if the
    description has them (planner's export), else the short name and the plain description."""
    paragraphs = []
    for paragraph in _PARAGRAPH.findall(item.description):
        spans = {m.group("lang"): html.unescape(m.group("text")) for m in _SPAN.finditer(paragraph)}
        if spans:
            paragraphs.append(spans)
    if paragraphs:
        first = paragraphs[0]
        name = LocalizedText(vi=first.get("vi", item.shortname), en=first.get("en", item.shortname))
        if len(paragraphs) < 2:
            return name, None
        second = paragraphs[1]
        vi = second.get("vi", "")
        return name, LocalizedText(vi=vi, en=second.get("en", vi))
    name = LocalizedText(vi=item.shortname, en=item.shortname)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", item.description))
    plain = " ".join(plain.split())
    return name, LocalizedText(vi=plain, en=plain) if plain else None


def moodle_to_competencies(
    framework: MoodleFramework, source: str | Path = "<moodle csv>"
) -> list[MoodleCompetency]:
    """The leaves of a Moodle framework as planner competencies, in the file's order."""
    source = str(source)
    head = framework.framework
    default = _proficient_from(head.scale_configuration, head.scale_values, head, source)
    result = []
    for item in framework.leaves():
        own = _proficient_from(
            item.scale_configuration, item.scale_values or head.scale_values, item, source
        )
        name, description = _texts(item)
        result.append(
            MoodleCompetency(
                id=item.idnumber,
                name=name,
                description=description,
                proficient_from=own if own is not None else default,
            )
        )
    return result


def competencies_yaml(competencies: Sequence[MoodleCompetency]) -> str:
    """The `competencies:` list of rules/vocabulary.yaml for these competencies."""
    import yaml

    items: list[dict[str, Any]] = []
    for c in competencies:
        item: dict[str, Any] = {"id": c.id, "name": {"vi": c.name.vi, "en": c.name.en}}
        if c.description is not None:
            item["description"] = {"vi": c.description.vi, "en": c.description.en}
        items.append(item)
    text: str = yaml.safe_dump(
        {"competencies": items}, sort_keys=False, allow_unicode=True, width=100
    )
    return text
