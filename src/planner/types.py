"""Shared vocabulary of the data contracts (DESIGN §4): ids, ordered qualification scales, money.

These are the fixed code lists of the contracts, not law: which level a post requires lives in
`rules/`, never here.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BeforeValidator, Field

# A plausibility bound, not law: ten trillion đồng is far above any training budget, and an
# amount above it is a typing error (or an overflow attack) that must not reach the optimiser.
MAX_VND: Final = 10**13
MAX_SEATS: Final = 100_000  # seats of one session: far above any class a venue can hold


def _not_bool(value: object) -> object:
    # YAML reads `true` as a bool and pydantic would take it as 1: say so instead.
    if isinstance(value, bool):
        raise ValueError("a whole number is expected, not true/false")
    return value


Money = Annotated[int, BeforeValidator(_not_bool), Field(le=MAX_VND)]
"""An amount in integer VND (the contracts forbid floats for money), at most MAX_VND."""
Seats = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=MAX_SEATS)]

OfficialId = str
PositionId = str
CourseId = str
SessionId = str
CompetencyId = str
ProgrammeId = str

Gender = Literal["male", "female"]
Rating = Literal["excellent", "good", "completed", "not_completed"]
TrainingResult = Literal["passed", "failed", "dropped"]
FundingSource = Literal[
    "ngan_sach_trung_uong", "ngan_sach_tinh", "ngan_sach_xa", "co_quan", "ca_nhan", "xa_hoi_hoa"
]
FUNDING_SOURCES: Final[tuple[str, ...]] = (
    "ngan_sach_trung_uong",
    "ngan_sach_tinh",
    "ngan_sach_xa",
    "co_quan",
    "ca_nhan",
    "xa_hoi_hoa",
)
CourseKind = Literal[
    "llct",
    "qlnn",
    "leadership",
    "knowledge_update",
    "job_position",
    "digital",
    "defence_security",
    "degree",
]
NeedKind = Literal["standard", "qualification", "competency", "mandatory"]

QualificationField = Literal["education", "political_theory", "state_management"]

# Ordered low → high, exactly as DESIGN §4 lists them.
QUALIFICATION_SCALES: Final[dict[str, tuple[str, ...]]] = {
    "education": ("thcs", "thpt", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"),
    "political_theory": ("none", "so_cap", "trung_cap", "cao_cap", "cu_nhan"),
    "state_management": ("none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
}

COMPETENCY_LEVELS: Final[range] = range(6)


def qualification_rank(field: str, level: str | None) -> int:
    """Position of `level` on the scale of `field`; a missing level ranks below the lowest (-1)."""
    if level is None:
        return -1
    return QUALIFICATION_SCALES[field].index(level)


def meets_qualification(field: str, held: str | None, required: str) -> bool:
    return qualification_rank(field, held) >= qualification_rank(field, required)
