"""The officials template workbook: Vietnamese (or English) headers the loader reads, and
drop-down lists (data validation) for positions, gender, degrees, LLCT and QLNN levels and
units, drawn from the rules in force and the case's units."""

from __future__ import annotations

import io
from collections.abc import Sequence

from planner.i18n import t
from planner.io.cells import parse_qualification
from planner.server.text import tr
from planner.types import QUALIFICATION_SCALES

# The columns of the template, in order: the DESIGN §4 fields a planner fills in by hand.
TEMPLATE_FIELDS: tuple[str, ...] = (
    "id",
    "full_name",
    "position",
    "unit",
    "birth_date",
    "gender",
    "ethnic_minority",
    "party_member",
    "appointed_on",
    "grade",
    "education",
    "education_field",
    "political_theory",
    "state_management",
    "ratings",
    "leader_group",
)


def qualification_choices(field: str, lang: str) -> list[str]:
    """What the drop-down offers for a qualification: the level's name in `lang` where the
    loader reads it back as the code, else the code itself."""
    parse = parse_qualification(field)
    out = []
    for code in QUALIFICATION_SCALES[field]:
        label = t(lang, f"level.{field}.{code}")
        try:
            out.append(label if parse(label) == code else code)
        except ValueError:
            out.append(code)
    return out


def header(field: str, lang: str) -> str:
    return tr(lang, f"web.field.{field}")


def officials_template(
    lang: str, positions: Sequence[str], units: Sequence[str], leader_groups: Sequence[int]
) -> bytes:
    """The template workbook's bytes: sheet 1 the table (one example row), sheet 2 the lists."""
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr(lang, "web.template.sheet")
    lists = book.create_sheet(tr(lang, "web.template.lists"))
    yes_no = [tr(lang, "web.template.yes"), tr(lang, "web.template.no")]
    choices: dict[str, list[str]] = {
        "position": list(positions),
        "unit": list(units),
        "gender": [tr(lang, "web.template.male"), tr(lang, "web.template.female")],
        "ethnic_minority": yes_no,
        "party_member": yes_no,
        "leader_group": [str(g) for g in leader_groups],
        **{field: qualification_choices(field, lang) for field in QUALIFICATION_SCALES},
    }
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    for column, field in enumerate(TEMPLATE_FIELDS, start=1):
        cell = sheet.cell(row=1, column=column, value=header(field, lang))
        cell.font, cell.fill = bold, fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(str(cell.value)) + 4)
        values = choices.get(field)
        if not values:
            continue
        list_column = len([f for f in TEMPLATE_FIELDS[:column] if choices.get(f)])
        list_letter = lists.cell(row=1, column=list_column).column_letter
        lists.cell(row=1, column=list_column, value=header(field, lang)).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${list_letter}$2:${list_letter}${len(values) + 1}",
            allow_blank=field not in ("position", "unit", "gender"),
            showErrorMessage=True,
            errorTitle=tr(lang, "web.template.error_title"),
            error=tr(lang, "web.template.error", field=header(field, lang)),
        )
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
