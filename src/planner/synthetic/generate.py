"""Seeded synthetic case generator: a complete case folder (case.yaml, officials.csv, history.csv).

Pure and deterministic: every random draw comes from `random.Random` instances seeded from the
options (string seeds are hashed with SHA-512 by `random`, so the output does not depend on
PYTHONHASHSEED or the platform). The same options give byte-identical files.

The position structure follows the two-level local government of 1 July 2025 (a commune has
about 41 cadres and civil servants, LEGAL_NOTES §8) plus provincial departments (sở). Rows are
streamed to CSV, so 300,000 officials need no more memory than their position plan.

Profiles are synthetic. The distributions below are named constants, each noting its source. A
statistic quoted from a source is marked as such. Every other value is a plausible assumption
for test data and carries no legal weight. Which level a post requires lives in `rules/`; this
module only reads `rules/` to learn the positions, competencies and programmes it may emit.

Two needs modes:
- `individual`: every official's profile is drawn independently (fully individual needs);
- `role`: officials of one position share one of a few profile archetypes, so their needs form
  cohorts of identical needs (what the optimiser aggregates; used by benchmarks).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import json
import logging
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TextIO

from planner.domain.catalog import Catalog, Course
from planner.domain.profile import whole_years_between
from planner.errors import InputError
from planner.io.atomic import write_atomic, write_atomic_with
from planner.io.case import UnitInfo
from planner.law.framework import CompetencyTarget, Framework, Position, ProgrammeTarget
from planner.recommend.eligibility import failed_eligibility
from planner.types import FUNDING_SOURCES, QUALIFICATION_SCALES, qualification_rank

log = logging.getLogger("planner")

NeedsMode = Literal["role", "individual"]
NEEDS_MODES: tuple[str, ...] = ("role", "individual")

# ---------------------------------------------------------------------------------------------
# Statistics and assumptions (synthetic data only; never a legal threshold)

# LEGAL_NOTES §8: 136,261 CBCC in 3,321 communes at 12/2025, 41 per commune on average.
COMMUNE_STAFF_MEAN = 41
# Assumption: Party/Front/mass-organisation staff are about a quarter of a commune's CBCC; CV
# 09/CV-BCĐ (LEGAL_NOTES §8) frames about 32 posts for the commune government itself.
COMMUNE_PARTY_MASS_SHARE = 0.25
# Assumption: staff of one provincial department (sở) in the synthetic structure.
DEPARTMENT_STAFF_MEAN = 70
# Assumption: unit sizes vary by ±25% around the mean.
UNIT_SIZE_JITTER = 0.25
DEFAULT_PROVINCE_SHARE = 0.2
# Assumption: share of communes classified as difficult areas (mountain, border, island, ...).
DEFAULT_DIFFICULT_SHARE = 0.25
# General Statistics Office, 2019 census: ethnic minorities are 14.7% of the population; staff
# share assumed a little lower.
DEFAULT_ETHNIC_SHARE = 0.12
# LEGAL_NOTES §8: 94.6% of commune CBCC hold qualifications matching their job position (12/2025).
EDUCATION_FIELD_MATCH_SHARE = 0.946
# Assumption: archetypes per position in `role` mode (a few distinct profiles per post).
ROLE_ARCHETYPES = 3

# Levels per tier of post. Commune tiers are calibrated so that the default commune structure
# reproduces LEGAL_NOTES §8 (31/12/2024, MOHA): 92.42% đại học or above; LLCT 80.62% trung cấp,
# 7.07% cao cấp/cử nhân, 12.31% sơ cấp or none. Provincial tiers are assumptions.
EDUCATION_MIX: dict[str, dict[str, float]] = {
    "key": {"thac_si": 0.08, "dai_hoc": 0.90, "cao_dang": 0.01, "trung_cap": 0.01},
    "mid": {"thac_si": 0.05, "dai_hoc": 0.89, "cao_dang": 0.03, "trung_cap": 0.03},
    "staff": {"thac_si": 0.03, "dai_hoc": 0.86, "cao_dang": 0.04, "trung_cap": 0.07},
    "tinh_lead": {"tien_si": 0.10, "thac_si": 0.60, "dai_hoc": 0.30},
    "tinh_mid": {"tien_si": 0.03, "thac_si": 0.40, "dai_hoc": 0.57},
    "tinh_staff": {"thac_si": 0.20, "dai_hoc": 0.78, "cao_dang": 0.02},
}
POLITICAL_THEORY_MIX: dict[str, dict[str, float]] = {
    "key": {"so_cap": 0.02, "trung_cap": 0.76, "cao_cap": 0.19, "cu_nhan": 0.03},
    "mid": {"none": 0.01, "so_cap": 0.06, "trung_cap": 0.875, "cao_cap": 0.05, "cu_nhan": 0.005},
    "staff": {"none": 0.05, "so_cap": 0.162, "trung_cap": 0.776, "cao_cap": 0.012},
    "tinh_lead": {"trung_cap": 0.05, "cao_cap": 0.85, "cu_nhan": 0.10},
    "tinh_mid": {"so_cap": 0.05, "trung_cap": 0.60, "cao_cap": 0.33, "cu_nhan": 0.02},
    "tinh_staff": {"none": 0.15, "so_cap": 0.35, "trung_cap": 0.45, "cao_cap": 0.05},
}
STATE_MANAGEMENT_MIX: dict[str, dict[str, float]] = {
    "key": {"none": 0.10, "chuyen_vien": 0.55, "chuyen_vien_chinh": 0.35},
    "mid": {"none": 0.15, "chuyen_vien": 0.65, "chuyen_vien_chinh": 0.20},
    "staff": {"none": 0.30, "chuyen_vien": 0.68, "chuyen_vien_chinh": 0.02},
    "tinh_lead": {"chuyen_vien": 0.05, "chuyen_vien_chinh": 0.55, "chuyen_vien_cao_cap": 0.40},
    "tinh_mid": {"chuyen_vien": 0.30, "chuyen_vien_chinh": 0.65, "chuyen_vien_cao_cap": 0.05},
    "tinh_staff": {"none": 0.20, "chuyen_vien": 0.70, "chuyen_vien_chinh": 0.10},
}
# Grade (ngạch) of civil servants by tier; elected cadres (cán bộ) carry none. `can_su` is the
# grade below chuyên viên held by those without a university degree.
GRADE_MIX: dict[str, dict[str, float]] = {
    "key": {"chuyen_vien": 0.7, "chuyen_vien_chinh": 0.3},
    "mid": {"chuyen_vien": 0.7, "chuyen_vien_chinh": 0.3},
    "staff": {"chuyen_vien": 0.95, "chuyen_vien_chinh": 0.05},
    "tinh_lead": {"chuyen_vien_chinh": 0.4, "chuyen_vien_cao_cap": 0.6},
    "tinh_mid": {"chuyen_vien": 0.25, "chuyen_vien_chinh": 0.75},
    "tinh_staff": {"chuyen_vien": 0.85, "chuyen_vien_chinh": 0.15},
}
# Weight of a tier when exact quotas hand out the higher levels first (presets): key posts are
# likelier to hold the higher qualifications, as in reality.
QUOTA_TIER_WEIGHT = {
    "key": 8.0,
    "mid": 3.0,
    "staff": 1.0,
    "tinh_lead": 8.0,
    "tinh_mid": 3.0,
    "tinh_staff": 1.0,
}
RATING_MIX = {"excellent": 0.15, "good": 0.65, "completed": 0.17, "not_completed": 0.03}
RATING_YEARS = 3
IT_MIX = {"co_ban": 0.78, "nang_cao": 0.12, "": 0.10}
LANGUAGE_MIX = {"tieng_anh_a2": 0.30, "tieng_anh_b1": 0.30, "tieng_anh_b2": 0.05, "": 0.35}
# Competency levels (0-5): a post's own competencies vs the others; `None` = not assessed.
RELEVANT_COMPETENCY_MIX: dict[int | None, float] = {
    None: 0.15,
    0: 0.02,
    1: 0.07,
    2: 0.25,
    3: 0.30,
    4: 0.17,
    5: 0.04,
}
OTHER_COMPETENCY_MIX: dict[int | None, float] = {
    None: 0.60,
    0: 0.04,
    1: 0.10,
    2: 0.14,
    3: 0.08,
    4: 0.03,
    5: 0.01,
}
# Share of officials planned (quy hoạch) for a higher post, by position (assumption).
PLANNING_SHARE = 0.3
LEADER_GROUP_EXPLICIT_SHARE = 0.05
# The 2025 merger re-appointed most commune staff to the new communes on 1 July 2025.
MERGER_DATE = dt.date(2025, 7, 1)
MERGER_REAPPOINTED_SHARE = 0.7
# History: share of officials with a record of each kind of course (assumptions).
HISTORY_PROGRAMME_SHARE = {"ever": 0.5, "term": 0.35, "year": 0.0}
HISTORY_QUALIFICATION_SHARE = 0.3
HISTORY_COMPETENCY_SHARE = 0.3
HISTORY_FAILED_ATTEMPT_SHARE = 0.03
HISTORY_RESULT_MIX = {"passed": 0.85, "failed": 0.08, "dropped": 0.07}
HISTORY_EVALUATED_SHARE = 0.6
FEEDBACK_MIX = {5: 0.30, 4: 0.45, 3: 0.18, 2: 0.05, 1: 0.02}
# Default budget without assessing the case: the estimated cost of closing one official's needs
# (measured on the two examples with the bundled 2026-2030 catalog: 19-20 million VND), of which
# the horizon's budget pays DEFAULT_BUDGET_COVERAGE, spread evenly over its years.
NEED_COST_PER_OFFICIAL = 19_000_000
DEFAULT_BUDGET_COVERAGE = 0.6
# Assumption, following the funding sources the bundled catalog's courses name.
BUDGET_SOURCE_SPLIT = {
    "ngan_sach_trung_uong": 0.02,
    "ngan_sach_tinh": 0.88,
    "co_quan": 0.02,
    "xa_hoi_hoa": 0.08,
}
# Non-state funding (donors) as a share of the budget, beside the sources courses name.
XA_HOI_HOA_SHARE = 0.11
CLASS_SIZE_FALLBACK = 30

FAMILY_NAMES = {
    "Nguyễn": 38.4,
    "Trần": 11.0,
    "Lê": 9.5,
    "Phạm": 7.1,
    "Hoàng": 4.0,
    "Huỳnh": 1.1,
    "Phan": 4.5,
    "Vũ": 2.0,
    "Võ": 1.9,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Lý": 0.5,
    "Đinh": 0.8,
    "Trương": 0.8,
    "Lương": 0.5,
    "Mai": 0.4,
}
MIDDLE_NAMES = {
    "male": ("Văn", "Đức", "Hữu", "Minh", "Quốc", "Thanh", "Công", "Ngọc", "Xuân"),
    "female": ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mỹ"),
}
GIVEN_NAMES = {
    "male": (
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hùng",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Huy",
        "Khánh",
        "Long",
        "Minh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quang",
        "Sơn",
        "Tâm",
        "Thắng",
        "Thành",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Đạt",
        "Đông",
        "Lộc",
        "Tài",
    ),
    "female": (
        "Anh",
        "Châu",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hiền",
        "Hoa",
        "Hương",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quyên",
        "Thảo",
        "Thủy",
        "Trang",
        "Tuyết",
        "Vân",
        "Yến",
        "Xuân",
        "Diệu",
        "Huyền",
    ),
}
COMMUNE_SYLLABLES = (
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thạnh",
    "Long",
    "Phước",
    "Mỹ",
    "Hưng",
    "Thành",
    "Trung",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Lộc",
    "Thuận",
    "Hiệp",
    "Vĩnh",
)
DEPARTMENTS = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Tư pháp",
    "Sở Dân tộc và Tôn giáo",
    "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh",
    "Sở Ngoại vụ",
)
GENERAL_FIELDS = (
    "hanh_chinh",
    "luat",
    "kinh_te",
    "nong_nghiep",
    "su_pham",
    "xay_dung_dang",
    "chinh_tri_hoc",
    "quan_tri_kinh_doanh",
    "cong_nghe_thong_tin",
    "ke_toan",
)

# ---------------------------------------------------------------------------------------------
# Positions: the synthetic profile of each post (ids are the DESIGN §4 contract vocabulary)


@dataclass(frozen=True)
class PostProfile:
    tier: str
    male_share: float  # assumption per post
    ages: tuple[int, int]
    party_share: float
    pool: str | None = None  # the post deputies are planned for


POST_PROFILES: dict[str, PostProfile] = {
    "xa.bi_thu": PostProfile("key", 0.85, (38, 58), 1.0),
    "xa.pho_bi_thu": PostProfile("key", 0.75, (33, 56), 1.0, pool="xa.bi_thu"),
    "xa.chu_tich_hdnd": PostProfile("key", 0.8, (36, 58), 1.0),
    "xa.pho_chu_tich_hdnd": PostProfile("key", 0.65, (32, 56), 1.0, pool="xa.chu_tich_hdnd"),
    "xa.chu_tich_ubnd": PostProfile("key", 0.85, (35, 58), 1.0),
    "xa.pho_chu_tich_ubnd": PostProfile("key", 0.75, (32, 56), 1.0, pool="xa.chu_tich_ubnd"),
    "xa.chu_tich_mttq": PostProfile("key", 0.6, (35, 58), 1.0),
    "xa.chu_tich_hoi": PostProfile("mid", 0.45, (28, 57), 1.0),
    "xa.van_phong_dang_uy": PostProfile("staff", 0.4, (24, 55), 0.9),
    "xa.truong_phong": PostProfile("mid", 0.6, (32, 57), 0.95),
    "xa.pho_truong_phong": PostProfile("mid", 0.55, (29, 56), 0.85, pool="xa.truong_phong"),
    "xa.van_phong_thong_ke": PostProfile("staff", 0.4, (24, 55), 0.6, pool="xa.pho_truong_phong"),
    "xa.dia_chinh_xay_dung": PostProfile("staff", 0.7, (24, 55), 0.6, pool="xa.pho_truong_phong"),
    "xa.tai_chinh_ke_toan": PostProfile("staff", 0.35, (24, 55), 0.6, pool="xa.pho_truong_phong"),
    "xa.tu_phap_ho_tich": PostProfile("staff", 0.5, (24, 55), 0.6, pool="xa.pho_truong_phong"),
    "xa.van_hoa_xa_hoi": PostProfile("staff", 0.5, (24, 55), 0.6, pool="xa.pho_truong_phong"),
    "xa.chi_huy_truong_quan_su": PostProfile("mid", 0.98, (30, 56), 1.0),
    "tinh.giam_doc_so": PostProfile("tinh_lead", 0.8, (45, 59), 1.0),
    "tinh.pho_giam_doc_so": PostProfile("tinh_lead", 0.7, (40, 58), 1.0, pool="tinh.giam_doc_so"),
    "tinh.truong_phong": PostProfile("tinh_mid", 0.6, (36, 58), 1.0, pool="tinh.pho_giam_doc_so"),
    "tinh.pho_truong_phong": PostProfile(
        "tinh_mid", 0.55, (32, 57), 0.95, pool="tinh.truong_phong"
    ),
    "tinh.chuyen_vien_chinh": PostProfile(
        "tinh_staff", 0.5, (32, 58), 0.85, pool="tinh.pho_truong_phong"
    ),
    "tinh.chuyen_vien": PostProfile("tinh_staff", 0.45, (23, 55), 0.6),
}
# Assumption: women retire earlier; keep synthetic women within this age.
FEMALE_MAX_AGE = 57


@dataclass(frozen=True)
class Block:
    """Posts of one part of a unit: `core` posts come first (in order), then `extras` are drawn
    by weight up to their cap, so a unit of any size gets a plausible mix."""

    name: str
    core: tuple[str, ...]
    extras: tuple[tuple[str, float, int | None], ...]  # (position, weight, cap or None)

    def positions(self) -> set[str]:
        return set(self.core) | {p for p, _, _ in self.extras}


# The post-2025 commune: Party committee and Front/mass organisations ...
COMMUNE_PARTY_MASS = Block(
    "party_mass",
    core=(
        "xa.bi_thu",
        "xa.pho_bi_thu",
        "xa.chu_tich_mttq",
        "xa.van_phong_dang_uy",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
        "xa.van_phong_dang_uy",
        "xa.pho_bi_thu",
    ),
    extras=(("xa.van_phong_dang_uy", 2.0, 3), ("xa.chu_tich_hoi", 1.0, 2)),
)
# ... and People's Council, People's Committee, its departments and civil-servant titles.
COMMUNE_STATE = Block(
    "state",
    core=(
        "xa.chu_tich_ubnd",
        "xa.chu_tich_hdnd",
        "xa.pho_chu_tich_ubnd",
        "xa.pho_chu_tich_hdnd",
        "xa.chi_huy_truong_quan_su",
        "xa.van_phong_thong_ke",
        "xa.dia_chinh_xay_dung",
        "xa.tai_chinh_ke_toan",
        "xa.tu_phap_ho_tich",
        "xa.van_hoa_xa_hoi",
        "xa.truong_phong",
        "xa.truong_phong",
        "xa.truong_phong",
        "xa.pho_chu_tich_ubnd",
        "xa.pho_truong_phong",
        "xa.pho_truong_phong",
        "xa.pho_truong_phong",
    ),
    extras=(
        ("xa.truong_phong", 0.5, 1),
        ("xa.pho_truong_phong", 1.5, 4),
        ("xa.van_phong_thong_ke", 2.0, 3),
        ("xa.dia_chinh_xay_dung", 3.0, 4),
        ("xa.tai_chinh_ke_toan", 2.0, 3),
        ("xa.tu_phap_ho_tich", 2.0, 3),
        ("xa.van_hoa_xa_hoi", 2.0, 3),
    ),
)
DEPARTMENT = Block(
    "department",
    core=(
        "tinh.giam_doc_so",
        "tinh.pho_giam_doc_so",
        "tinh.truong_phong",
        "tinh.pho_truong_phong",
        "tinh.chuyen_vien_chinh",
        "tinh.chuyen_vien",
        "tinh.chuyen_vien",
        "tinh.pho_giam_doc_so",
    ),
    extras=(
        ("tinh.pho_giam_doc_so", 0.1, 1),
        ("tinh.truong_phong", 1.0, None),
        ("tinh.pho_truong_phong", 1.5, None),
        ("tinh.chuyen_vien_chinh", 2.5, None),
        ("tinh.chuyen_vien", 5.0, None),
    ),
)

# ---------------------------------------------------------------------------------------------
# Options and presets


@dataclass(frozen=True)
class Quota:
    """Exact counts for one qualification field: groups from the highest level down, each a
    count and the mix of levels within it (e.g. 333 with dai_hoc 0.9, cao_dang 0.1)."""

    field: str
    groups: tuple[tuple[int, Mapping[str, float]], ...]


@dataclass(frozen=True)
class UnitPlan:
    """A fixed unit (presets): its name, whether it is a difficult area, and how far it is from
    the provincial school as a rank into the catalog's distance bands (0 = nearest)."""

    name: str
    difficult_area: bool = False
    distance_rank: int | None = None


@dataclass(frozen=True)
class GeneratorOptions:
    officials: int
    years: tuple[int, ...]
    seed: int = 1
    needs: NeedsMode = "individual"
    units: int | None = None  # communes; default: officials / COMMUNE_STAFF_MEAN
    province_share: float = DEFAULT_PROVINCE_SHARE
    reference_date: dt.date | None = None  # default: 15 January of the first year
    term: tuple[int, int] | None = None  # default: the years, or a 5-year term from the first
    name: str | None = None
    budget_level: float = 1.0  # multiplies the budget
    # Size the budget to this share of the estimated cost of closing every need (assesses the
    # generated case, so meant for small cases); None: NEED_COST_PER_OFFICIAL per official.
    budget_share: float | None = None
    budget: tuple[tuple[int, str, int], ...] | None = None  # fixed (year, source, amount) lines
    education_mix: Mapping[str, float] | None = None  # overrides the tier mixes for everyone
    political_theory_mix: Mapping[str, float] | None = None
    difficult_share: float = DEFAULT_DIFFICULT_SHARE
    ethnic_share: float = DEFAULT_ETHNIC_SHARE
    id_prefix: str = "CB"
    catalog: Path | None = None  # where history course ids come from; None: the bundled catalog
    rules: Path | None = None  # None: the bundled rules
    # Presets: fixed communes, blocks with exact totals, exact qualification quotas.
    commune_names: tuple[UnitPlan, ...] = ()
    blocks: tuple[tuple[Block, int], ...] = ()
    quotas: tuple[Quota, ...] = ()

    def __post_init__(self) -> None:
        if self.officials < 1:
            raise ValueError("officials must be at least 1")
        if not self.years or list(self.years) != sorted(set(self.years)):
            raise ValueError("years must be increasing and distinct")
        if self.needs not in NEEDS_MODES:
            raise ValueError(f"needs must be one of {NEEDS_MODES}")
        if not 0 <= self.province_share <= 1:
            raise ValueError("province share must be between 0 and 1")
        if self.units is not None and self.units < 1:
            raise ValueError("units must be at least 1")
        if self.budget_level < 0:
            raise ValueError("budget level must not be negative")
        if self.budget_share is not None and self.budget_share < 0:
            raise ValueError("budget share must not be negative")
        for quota in self.quotas:
            total = sum(count for count, _ in quota.groups)
            if total != self.officials:
                raise ValueError(f"quota on {quota.field} counts {total}, not {self.officials}")
        if self.blocks and sum(size for _, size in self.blocks) != self.officials:
            raise ValueError("preset blocks do not add up to the number of officials")

    @property
    def on(self) -> dt.date:
        return self.reference_date or dt.date(self.years[0], 1, 15)

    @property
    def term_span(self) -> tuple[int, int]:
        if self.term is not None:
            return self.term
        if len(self.years) > 1:
            return self.years[0], self.years[-1]
        return self.years[0], self.years[0] + 4  # a congress term lasts five years


def parse_years(text: str) -> tuple[int, ...]:
    """'2026-2030' → (2026, ..., 2030); '2026' → (2026,); '2026,2028' → (2026, 2028)."""
    text = text.strip()
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            if last < first:
                raise ValueError
            return tuple(range(first, last + 1))
        return tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise ValueError(f"years {text!r}: expected YYYY, YYYY-YYYY or YYYY,YYYY") from None


THOI_BINH_COMMUNES = (
    "Thị trấn Thới Bình",
    "Xã Biển Bạch",
    "Xã Biển Bạch Đông",
    "Xã Hồ Thị Kỷ",
    "Xã Tân Bằng",
    "Xã Tân Lộc",
    "Xã Tân Lộc Bắc",
    "Xã Tân Lộc Đông",
    "Xã Tân Phú",
    "Xã Thới Bình",
    "Xã Trí Lực",
    "Xã Trí Phải",
)
# Hương Khê after merging Phương Điền and Phương Mỹ into Điền Mỹ (seed 003): 21 units, since
# 13 communes meeting the new-rural standard are "61.9%" (13/21).
HUONG_KHE_COMMUNES = (
    "Thị trấn Hương Khê",
    "Xã Điền Mỹ",
    "Xã Gia Phố",
    "Xã Hà Linh",
    "Xã Hòa Hải",
    "Xã Hương Bình",
    "Xã Hương Đô",
    "Xã Hương Giang",
    "Xã Hương Lâm",
    "Xã Hương Liên",
    "Xã Hương Long",
    "Xã Hương Thủy",
    "Xã Hương Trà",
    "Xã Hương Trạch",
    "Xã Hương Vĩnh",
    "Xã Hương Xuân",
    "Xã Lộc Yên",
    "Xã Phú Gia",
    "Xã Phú Phong",
    "Xã Phúc Đồng",
    "Xã Phúc Trạch",
)
HUONG_KHE_REMOTE = frozenset(
    {"Xã Hương Liên", "Xã Hương Lâm", "Xã Hương Vĩnh", "Xã Phú Gia", "Xã Hòa Hải"}
)
# Thới Bình (seed 001) counts commune civil servants only: the civil-servant titles of each
# commune (before the 2025 merger, about nine per commune).
COMMUNE_CIVIL_SERVANTS = Block(
    "cong_chuc",
    core=(
        "xa.chi_huy_truong_quan_su",
        "xa.van_phong_thong_ke",
        "xa.dia_chinh_xay_dung",
        "xa.tai_chinh_ke_toan",
        "xa.tu_phap_ho_tich",
        "xa.van_hoa_xa_hoi",
        "xa.van_phong_thong_ke",
        "xa.dia_chinh_xay_dung",
        "xa.van_hoa_xa_hoi",
    ),
    extras=(
        ("xa.tu_phap_ho_tich", 1.0, 1),
        ("xa.tai_chinh_ke_toan", 1.0, 1),
        ("xa.van_phong_dang_uy", 0.5, 1),
    ),
)
# Hương Khê (seed 003): Party and mass organisations vs state administration of a commune before
# the merger (no departments yet).
PRE_MERGER_PARTY_MASS = Block(
    "party_mass",
    core=(
        "xa.bi_thu",
        "xa.pho_bi_thu",
        "xa.chu_tich_mttq",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
        "xa.chu_tich_hoi",
    ),
    extras=(
        ("xa.van_phong_dang_uy", 1.0, 1),
        ("xa.pho_bi_thu", 0.3, 1),
        ("xa.chu_tich_hoi", 0.3, 1),
    ),
)
PRE_MERGER_STATE = Block(
    "state",
    core=(
        "xa.chu_tich_hdnd",
        "xa.pho_chu_tich_hdnd",
        "xa.chu_tich_ubnd",
        "xa.pho_chu_tich_ubnd",
        "xa.chi_huy_truong_quan_su",
        "xa.van_phong_thong_ke",
        "xa.dia_chinh_xay_dung",
        "xa.tai_chinh_ke_toan",
        "xa.tu_phap_ho_tich",
        "xa.van_hoa_xa_hoi",
    ),
    extras=(
        ("xa.pho_chu_tich_ubnd", 1.0, 1),
        ("xa.van_phong_thong_ke", 1.0, 1),
        ("xa.dia_chinh_xay_dung", 1.0, 1),
        ("xa.tai_chinh_ke_toan", 0.6, 1),
        ("xa.tu_phap_ho_tich", 0.8, 1),
        ("xa.van_hoa_xa_hoi", 1.0, 1),
    ),
)


def _preset_thoi_binh() -> GeneratorOptions:
    # Seed 001: 12 commune-level units, 111 commune civil servants. Cà Mau delta: few communes
    # count as difficult; Khmer minority small (assumptions).
    return GeneratorOptions(
        officials=111,
        years=(2026,),
        seed=1,
        needs="individual",
        province_share=0.0,
        reference_date=dt.date(2026, 1, 15),
        term=(2026, 2030),
        name="Thới Bình 2026",
        id_prefix="TB",
        ethnic_share=0.03,
        # About 20-60 km from the provincial school in Cà Mau city (rank 1, or 2 for the far
        # west of the district).
        commune_names=tuple(
            UnitPlan(
                n,
                n in ("Xã Biển Bạch Đông", "Xã Tân Bằng"),
                2 if n.startswith("Xã Biển Bạch") else 1,
            )
            for n in THOI_BINH_COMMUNES
        ),
        blocks=((COMMUNE_CIVIL_SERVANTS, 111),),
        # Roughly 55-60% of the estimated cost of all needs with the bundled catalog (README).
        budget=(
            (2026, "ngan_sach_trung_uong", 10_000_000),
            (2026, "ngan_sach_tinh", 1_200_000_000),
            (2026, "xa_hoi_hoa", 150_000_000),
        ),
    )


def _preset_huong_khe() -> GeneratorOptions:
    # Seed 003: 435 commune CBCC, 149 Party/mass organisations and 286 state administration;
    # education 0.2% postgraduate, 76.6% university/college, 23.2% intermediate; LLCT 2.3%
    # advanced/bachelor, 68.9% intermediate. Mountainous district: many difficult communes.
    years = (2026, 2027, 2028, 2029, 2030)
    # Roughly 55-60% of the estimated cost of all needs over the term with the bundled catalog.
    budget = tuple(
        line
        for year in years
        for line in (
            (year, "ngan_sach_trung_uong", 10_000_000),
            (year, "ngan_sach_tinh", 1_800_000_000),
            (year, "xa_hoi_hoa", 200_000_000),
        )
    )
    return GeneratorOptions(
        officials=435,
        years=years,
        seed=3,
        needs="individual",
        province_share=0.0,
        reference_date=dt.date(2026, 1, 15),
        term=(2026, 2030),
        name="Hương Khê 2026-2030",
        id_prefix="HK",
        ethnic_share=0.01,
        # 60-110 km from Hà Tĩnh city: rank 2, or 3 for the remote mountain communes.
        commune_names=tuple(
            UnitPlan(n, i % 5 in (1, 2, 4), 3 if n in HUONG_KHE_REMOTE else 2)
            for i, n in enumerate(HUONG_KHE_COMMUNES)
        ),
        blocks=((PRE_MERGER_PARTY_MASS, 149), (PRE_MERGER_STATE, 286)),
        quotas=(
            Quota(
                "education",
                (
                    (1, {"thac_si": 1.0}),
                    (333, {"dai_hoc": 0.9, "cao_dang": 0.1}),
                    (101, {"trung_cap": 1.0}),
                ),
            ),
            Quota(
                "political_theory",
                (
                    (10, {"cao_cap": 0.8, "cu_nhan": 0.2}),
                    (300, {"trung_cap": 1.0}),
                    (125, {"so_cap": 0.8, "none": 0.2}),
                ),
            ),
        ),
        budget=budget,
    )


PRESETS = {"thoi-binh": _preset_thoi_binh, "huong-khe": _preset_huong_khe}


def preset_options(name: str, **overrides: Any) -> GeneratorOptions:
    """The options of a bundled example (`thoi-binh`, `huong-khe`), with fields overridden."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {sorted(PRESETS)}")
    return replace(PRESETS[name](), **overrides)


# ---------------------------------------------------------------------------------------------
# Small deterministic helpers


class Picker:
    """Weighted choice by bisecting cumulative weights: one `random()` per draw, and faster than
    `random.choices` for millions of draws."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, weights: Mapping[Any, float]) -> None:
        items = [(value, weight) for value, weight in weights.items() if weight > 0]
        if not items:
            raise ValueError("a weighted choice needs a positive weight")
        self.values = [value for value, _ in items]
        self.cumulative: list[float] = []
        total = 0.0
        for _, weight in items:
            total += weight
            self.cumulative.append(total)
        self.total = total
        # The last bound is infinite so float rounding can never index past the end.
        self.cumulative[-1] = float("inf")

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def pick_one(rng: random.Random, items: Sequence[Any]) -> Any:
    """Uniform choice from one `random()` (cheaper than `Random.choice` for millions of rows)."""
    return items[int(rng.random() * len(items))]


def pick_int(rng: random.Random, low: int, high: int) -> int:
    """Uniform integer in [low, high] from one `random()`."""
    return low + int(rng.random() * (high - low + 1))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` by `weights` into integers summing exactly to `total` (largest remainder)."""
    mass = sum(weights)
    raw = [total * w / mass for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - sizes[i]), i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def fill_block(block: Block, size: int, rng: random.Random) -> list[str]:
    """`size` posts: the core in order, then extras by weight while under their caps; when every
    cap is reached the uncapped extras (or the core again) take the rest."""
    posts = list(block.core[:size])
    counts: dict[str, int] = {}
    while len(posts) < size:
        open_extras = {p: w for p, w, cap in block.extras if cap is None or counts.get(p, 0) < cap}
        if not open_extras:
            posts.append(block.core[(len(posts) - len(block.core)) % len(block.core)])
            continue
        post = Picker(open_extras)(rng)
        counts[post] = counts.get(post, 0) + 1
        posts.append(post)
    return posts


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return dt.date.fromordinal(
        start.toordinal() + int(rng.random() * (end.toordinal() - start.toordinal()))
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------------------------------------
# Position plan: which post each official holds, in which unit


@dataclass(frozen=True)
class Unit:
    name: str
    difficult_area: bool
    level: str  # xa | tinh
    distance_rank: int | None = None


def plan_units(options: GeneratorOptions, rng: random.Random) -> list[tuple[Unit, list[str]]]:
    """The units and, for each, the ordered list of posts it holds."""
    if options.blocks:
        return _plan_preset(options, rng)
    n_province = round(options.officials * options.province_share)
    n_commune = options.officials - n_province
    out: list[tuple[Unit, list[str]]] = []
    if n_commune:
        communes = options.units or max(1, round(n_commune / COMMUNE_STAFF_MEAN))
        communes = min(communes, n_commune)
        sizes = apportion(
            n_commune,
            [1 - UNIT_SIZE_JITTER + 2 * UNIT_SIZE_JITTER * rng.random() for _ in range(communes)],
        )
        names = _commune_names(communes, rng)
        for name, size in zip(names, sizes):
            party = round(size * COMMUNE_PARTY_MASS_SHARE)
            posts = fill_block(COMMUNE_PARTY_MASS, party, rng) + fill_block(
                COMMUNE_STATE, size - party, rng
            )
            out.append((Unit(name, rng.random() < options.difficult_share, "xa"), posts))
    if n_province:
        departments = max(1, round(n_province / DEPARTMENT_STAFF_MEAN))
        sizes = apportion(
            n_province,
            [
                1 - UNIT_SIZE_JITTER + 2 * UNIT_SIZE_JITTER * rng.random()
                for _ in range(departments)
            ],
        )
        for index, size in enumerate(sizes):
            base = DEPARTMENTS[index % len(DEPARTMENTS)]
            round_ = index // len(DEPARTMENTS)
            name = base if round_ == 0 else f"{base} (tỉnh {round_ + 1})"
            out.append((Unit(name, False, "tinh"), fill_block(DEPARTMENT, size, rng)))
    return out


def _plan_preset(options: GeneratorOptions, rng: random.Random) -> list[tuple[Unit, list[str]]]:
    units = [Unit(u.name, u.difficult_area, "xa", u.distance_rank) for u in options.commune_names]
    if not units:
        raise ValueError("a preset with blocks needs commune names")
    posts: list[list[str]] = [[] for _ in units]
    for block, total in options.blocks:
        weights = [1 - UNIT_SIZE_JITTER + 2 * UNIT_SIZE_JITTER * rng.random() for _ in units]
        for index, size in enumerate(apportion(total, weights)):
            posts[index].extend(fill_block(block, size, rng))
    return list(zip(units, posts))


def _commune_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for _ in range(count):
        base = f"Xã {pick_one(rng, COMMUNE_SYLLABLES)} {pick_one(rng, COMMUNE_SYLLABLES)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} {seen[base]}")
    return names


# ---------------------------------------------------------------------------------------------
# What rules/ and the catalog offer


@dataclass
class CourseIndex:
    """Catalog courses by what they deliver (sorted by id, so a choice among them is stable)."""

    by_programme: dict[str, list[Course]] = field(default_factory=dict)
    by_competency: dict[str, list[tuple[Course, int]]] = field(default_factory=dict)
    by_qualification: dict[tuple[str, str], list[Course]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog | None) -> CourseIndex:
        index = cls()
        if catalog is None:
            return index
        for course_id in sorted(catalog.courses):
            course = catalog.courses[course_id]
            delivers = course.delivers
            for programme in delivers.programmes:
                index.by_programme.setdefault(programme, []).append(course)
            for competency, level in delivers.competencies.items():
                index.by_competency.setdefault(competency, []).append((course, level))
            for qfield, level in delivers.qualifications.items():
                index.by_qualification.setdefault((qfield, level), []).append(course)
        return index

    def evaluated_competencies(self) -> list[str]:
        return sorted(self.by_competency)


def for_audience(courses: Sequence[Course], post: Position) -> list[Course]:
    """Courses designed for the post's groups (a course without audience is for anyone)."""
    return [c for c in courses if not c.audience or not set(c.audience).isdisjoint(post.groups)]


def eligible(courses: Sequence[Course], attrs: Any, on: dt.date) -> list[Course]:
    """Courses whose eligibility in force on `on` holds for `attrs`."""
    return [c for c in courses if not c.eligibility or not failed_eligibility(c, attrs, on)]


@dataclass(frozen=True)
class PostRules:
    """What rules in force ask of one post: its competencies and its programmes."""

    competencies: frozenset[str]
    programmes: tuple[tuple[str, str, Any, dt.date], ...]  # (programme, window, condition, from)


def post_rules(framework: Framework, position: Position, on: dt.date) -> PostRules:
    competencies: set[str] = set()
    programmes: list[tuple[str, str, Any, dt.date]] = []
    for rule in framework.rules.values():
        version = rule.version_on(on)
        if version is None or not rule.applies_to.matches(position):
            continue
        target = version.target
        if isinstance(target, CompetencyTarget):
            competencies.add(target.competency)
        elif isinstance(target, ProgrammeTarget) and target.periods is None:
            conditions = [c for c in (rule.when, version.when) if c is not None]
            programmes.append((target.programme, target.window, conditions, version.effective_from))
    return PostRules(frozenset(competencies), tuple(sorted(programmes, key=lambda p: p[0])))


def _load_framework(path: Path | None) -> Framework:
    from planner.io.loading import bundled_dir, load_rules

    return load_rules(path or bundled_dir("rules"))


def load_catalog_or_none(path: Path | None, framework: Framework) -> Catalog | None:
    """The catalog history course ids come from; None when there is none yet (no history)."""
    from planner.io.loading import bundled_dir, load_catalog

    try:
        return load_catalog(path or bundled_dir("catalogs"), framework)
    except InputError as exc:
        if path is not None:
            raise
        log.warning("no bundled catalog (%s): the synthetic history stays empty", exc)
        return None


# ---------------------------------------------------------------------------------------------
# Profiles


OFFICIAL_COLUMNS = (
    "id",
    "full_name",
    "position",
    "unit",
    "birth_date",
    "gender",
    "ethnic_minority",
    "party_member",
    "appointed_on",
    "started_service_on",
    "grade",
    "education",
    "education_field",
    "political_theory",
    "state_management",
    "it",
    "language",
    "planning_pool",
    "ratings",
    "difficult_area",
    "leader_group",
)


@dataclass(frozen=True)
class HistoryRow:
    course: str
    completed_on: dt.date
    result: str
    feedback: int | None = None
    score: int | None = None
    before: Mapping[str, int] = field(default_factory=dict)
    after: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Profile:
    """What an official's needs depend on (shared by a cohort in `role` mode)."""

    ethnic_minority: bool
    party_member: bool
    grade: str
    education: str
    education_field: str
    political_theory: str
    state_management: str
    it: str
    language: str
    planning_pool: str
    ratings: str
    leader_group: str
    competencies: dict[str, int | None]
    history: list[HistoryRow]


class _Pickers:
    """Every weighted choice, built once."""

    def __init__(self, options: GeneratorOptions) -> None:
        def tiers(
            mixes: Mapping[str, Mapping[str, float]], override: Mapping[str, float] | None
        ) -> dict[str, Picker]:
            return {tier: Picker(override or mix) for tier, mix in mixes.items()}

        self.education = tiers(EDUCATION_MIX, options.education_mix)
        self.political_theory = tiers(POLITICAL_THEORY_MIX, options.political_theory_mix)
        self.state_management = tiers(STATE_MANAGEMENT_MIX, None)
        self.grade = tiers(GRADE_MIX, None)
        self.rating = Picker(RATING_MIX)
        self.it = Picker(IT_MIX)
        self.language = Picker(LANGUAGE_MIX)
        self.relevant = Picker(RELEVANT_COMPETENCY_MIX)
        self.other = Picker(OTHER_COMPETENCY_MIX)
        self.family = Picker(FAMILY_NAMES)
        self.result = Picker(HISTORY_RESULT_MIX)
        self.feedback = Picker(FEEDBACK_MIX)


class ProfileFactory:
    """Draws profiles and histories for posts, given the rules and catalog in use."""

    def __init__(self, options: GeneratorOptions, framework: Framework, catalog: Catalog | None):
        self.options = options
        self.framework = framework
        self.catalog = catalog
        self.courses = CourseIndex.of(catalog)
        self.pick = _Pickers(options)
        self.on = options.on
        self.competency_ids = sorted(framework.competencies)
        self._post_rules: dict[str, PostRules] = {}
        self._pickers_by_post: dict[str, list[tuple[str, Picker]]] = {}
        self._audience: dict[tuple[tuple[str, ...], str], list[Course]] = {}

    def _competency_pickers(self, position: str) -> list[tuple[str, Picker]]:
        if position not in self._pickers_by_post:
            relevant = self.rules_of(position).competencies
            self._pickers_by_post[position] = [
                (c, self.pick.relevant if c in relevant else self.pick.other)
                for c in self.competency_ids
            ]
        return self._pickers_by_post[position]

    def _for_post(self, courses: Sequence[Course] | None, post: Position) -> list[Course]:
        if not courses:
            return []
        key = (tuple(c.id for c in courses), post.id)
        if key not in self._audience:
            self._audience[key] = for_audience(courses, post)
        return self._audience[key]

    def rules_of(self, position: str) -> PostRules:
        if position not in self._post_rules:
            self._post_rules[position] = post_rules(
                self.framework, self.framework.positions[position], self.on
            )
        return self._post_rules[position]

    def draw(
        self,
        rng: random.Random,
        position: str,
        unit: Unit,
        person: Person,
        fixed: Mapping[str, str],
    ) -> Profile:
        """A profile for `position`; `fixed` holds quota-assigned qualification levels."""
        spec = POST_PROFILES[position]
        post = self.framework.positions[position]
        tier = spec.tier
        education = fixed.get("education") or self.pick.education[tier](rng)
        political_theory = fixed.get("political_theory") or self.pick.political_theory[tier](rng)
        party_member = rng.random() < spec.party_share or political_theory in ("cao_cap", "cu_nhan")
        grade = ""
        if post.category == "cong_chuc":
            grade = self.pick.grade[tier](rng)
            if position == "tinh.chuyen_vien_chinh":
                grade = "chuyen_vien_chinh"
            elif position == "tinh.chuyen_vien":
                grade = "chuyen_vien"
            if qualification_rank("education", education) < qualification_rank(
                "education", "dai_hoc"
            ):
                grade = "can_su"  # the grade below chuyên viên, for those without a degree
        state_management = self.pick.state_management[tier](rng)
        fields = post.education_fields
        if qualification_rank("education", education) < qualification_rank(
            "education", "trung_cap"
        ):
            education_field = ""
        elif fields and rng.random() < EDUCATION_FIELD_MATCH_SHARE:
            education_field = pick_one(rng, fields)
        else:
            education_field = pick_one(rng, [f for f in GENERAL_FIELDS if f not in fields])
        pool = ""
        if spec.pool and spec.pool in self.framework.positions and rng.random() < PLANNING_SHARE:
            pool = spec.pool
        leader_group = ""
        if post.leader_group is not None and rng.random() < LEADER_GROUP_EXPLICIT_SHARE:
            leader_group = str(post.leader_group)  # written out, same as the post's default
        relevant = self.rules_of(position).competencies
        competencies = {c: picker(rng) for c, picker in self._competency_pickers(position)}
        profile = Profile(
            ethnic_minority=rng.random() < self.options.ethnic_share,
            party_member=party_member,
            grade=grade,
            education=education,
            education_field=education_field,
            political_theory=political_theory,
            state_management=state_management,
            it=self.pick.it(rng),
            language=self.pick.language(rng),
            planning_pool=pool,
            ratings=";".join(self.pick.rating(rng) for _ in range(RATING_YEARS)),
            leader_group=leader_group,
            competencies=competencies,
            history=[],
        )
        profile.history = self._history(rng, post, profile, unit, person)
        return profile

    # -- history: chosen by what the catalog's courses deliver, never by hard-coded ids -------

    def _history(
        self, rng: random.Random, post: Position, profile: Profile, unit: Unit, person: Person
    ) -> list[HistoryRow]:
        if self.catalog is None:
            return []
        rows: list[HistoryRow] = []
        on = self.on
        started = person.started_on
        attrs = _draft_attributes(profile, post, unit, person)

        def choose(
            courses: Sequence[Course] | None,
            earliest: dt.date,
            latest: dt.date,
            result: str = "passed",
        ) -> None:
            courses = self._for_post(courses, post)
            if not courses:
                return
            day = _random_date(rng, earliest, latest)
            offered = eligible(courses, attrs(day), day)
            if offered:
                rows.append(HistoryRow(pick_one(rng, offered).id, day, result))

        for programme, window, conditions, effective_from in self.rules_of(post.id).programmes:
            if rng.random() >= HISTORY_PROGRAMME_SHARE.get(window, 0.0):
                continue
            if all(condition.holds(attrs(on)) for condition in conditions):
                choose(
                    self.courses.by_programme.get(programme),
                    max(effective_from, started, _years_before(on, 5)),
                    on,
                )
        for qfield in ("political_theory", "state_management"):
            held = getattr(profile, qfield)
            scale = QUALIFICATION_SCALES[qfield]
            if held != "none" and rng.random() < HISTORY_QUALIFICATION_SHARE:
                choose(
                    self.courses.by_qualification.get((qfield, held)),
                    max(started, _years_before(on, 10)),
                    on - dt.timedelta(days=30),
                )
            rank = scale.index(held)
            if rank + 1 < len(scale) and rng.random() < HISTORY_FAILED_ATTEMPT_SHARE:
                choose(
                    self.courses.by_qualification.get((qfield, scale[rank + 1])),
                    max(started, _years_before(on, 5)),
                    on,
                    pick_one(rng, ("failed", "dropped")),
                )
        for competency in sorted(self.rules_of(post.id).competencies):
            offers = self.courses.by_competency.get(competency)
            if not offers or rng.random() >= HISTORY_COMPETENCY_SHARE:
                continue
            day = _random_date(rng, max(started, _years_before(on, 3)), on)
            levels = {c.id: level for c, level in offers}
            offered = eligible(self._for_post([c for c, _ in offers], post), attrs(day), day)
            if offered:
                course = pick_one(rng, offered)
                rows.append(
                    self._competency_row(
                        rng, course.id, competency, levels[course.id], profile, day
                    )
                )
        rows.sort(key=lambda r: (r.completed_on, r.course))
        return rows

    def _competency_row(
        self,
        rng: random.Random,
        course: str,
        competency: str,
        delivered: int,
        profile: Profile,
        day: dt.date,
    ) -> HistoryRow:
        result = self.pick.result(rng)
        if result == "dropped" or rng.random() >= HISTORY_EVALUATED_SHARE:
            return HistoryRow(course, day, result)
        current = profile.competencies.get(competency)
        if result == "passed":
            # The measurement after the course is today's level where one was assessed.
            after = (
                current if current is not None else min(5, delivered + pick_one(rng, (-1, 0, 0, 1)))
            )
            before = max(0, after - pick_one(rng, (0, 1, 1, 2)))
            score = pick_int(rng, 55, 100)
        else:
            before = current if current is not None else max(0, delivered - 2)
            after = before
            score = pick_int(rng, 20, 49)
        return HistoryRow(
            course,
            day,
            result,
            feedback=self.pick.feedback(rng),
            score=score,
            before={competency: before},
            after={competency: after},
        )


@dataclass(frozen=True)
class Person:
    """What differs between members of a cohort: dates and gender."""

    birth: dt.date
    gender: str
    appointed_on: dt.date
    started_on: dt.date


def _draft_attributes(profile: Profile, post: Position, unit: Unit, person: Person) -> Any:
    """Attribute lookup (on a date) for rule conditions and eligibility on a profile being drawn."""
    values = {
        "position": post.id,
        "unit": unit.name,
        "gender": person.gender,
        "party_member": profile.party_member,
        "ethnic_minority": profile.ethnic_minority,
        "difficult_area": unit.difficult_area,
        "grade": profile.grade or None,
        "education": profile.education,
        "education_field": profile.education_field or None,
        "political_theory": profile.political_theory,
        "state_management": profile.state_management,
        "it": profile.it or None,
        "language": profile.language or None,
        "leader_group": int(profile.leader_group) if profile.leader_group else post.leader_group,
        "position_level": post.level,
        "position_category": post.category,
        "position_groups": post.groups,
        "planning_pool": profile.planning_pool or None,
        "education_field_matches": not post.education_fields
        or profile.education_field in post.education_fields,
    }
    ratings = profile.ratings.split(";")
    good = 0
    for rating in reversed(ratings):
        if rating not in ("good", "excellent"):
            break
        good += 1
    values["good_ratings_in_a_row"] = good

    since = {
        "age": person.birth,
        "years_of_service": person.started_on,
        "years_in_position": person.appointed_on,
    }

    def on(day: dt.date) -> Any:
        def lookup(name: str) -> Any:
            start = since.get(name)
            return values.get(name) if start is None else whole_years_between(start, day)

        return lookup

    return on


# ---------------------------------------------------------------------------------------------
# Quotas (presets): exact counts per level, higher levels more likely on key posts


def assign_quotas(
    quotas: Sequence[Quota], posts: Sequence[str], rng: random.Random
) -> list[dict[str, str]]:
    fixed: list[dict[str, str]] = [{} for _ in posts]
    for quota in quotas:
        # Weighted random order (Efraimidis-Spirakis keys): the heavier the tier, the earlier.
        keys = []
        for index, position in enumerate(posts):
            weight = QUOTA_TIER_WEIGHT[POST_PROFILES[position].tier]
            keys.append((-(rng.random() ** (1 / weight)), index))
        order = [index for _, index in sorted(keys)]
        start = 0
        for count, mix in quota.groups:
            picker = Picker(mix)
            for index in order[start : start + count]:
                fixed[index][quota.field] = picker(rng)
            start += count
    return fixed


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class GeneratedCase:
    folder: Path
    officials: int
    history_rows: int
    units: int
    budget: tuple[tuple[int, str, int], ...]


def generate_case(options: GeneratorOptions, out: Path | str) -> GeneratedCase:
    """Write case.yaml, officials.csv and history.csv (each atomically) into `out`."""
    out = Path(out)
    framework = _load_framework(options.rules)
    blocks = [b for b, _ in options.blocks] or [COMMUNE_PARTY_MASS, COMMUNE_STATE, DEPARTMENT]
    unknown = sorted({p for b in blocks for p in b.positions()} - set(framework.positions))
    if unknown:
        raise ValueError(f"positions not defined in rules/: {', '.join(unknown)}")
    catalog = load_catalog_or_none(options.catalog, framework)
    factory = ProfileFactory(options, framework, catalog)
    plan = plan_units(options, random.Random(f"{options.seed}:plan"))
    out.mkdir(parents=True, exist_ok=True)
    counts = {"officials": 0, "history": 0}

    def write_tables(officials_tmp: Path, history_tmp: Path) -> None:
        with (
            officials_tmp.open("w", encoding="utf-8", newline="") as o_handle,
            history_tmp.open("w", encoding="utf-8", newline="") as h_handle,
        ):
            counts["officials"], counts["history"] = _write_rows(
                options, factory, plan, o_handle, h_handle
            )

    write_atomic_with(
        out / "officials.csv",
        lambda o_tmp: write_atomic_with(
            out / "history.csv", lambda h_tmp: write_tables(o_tmp, h_tmp)
        ),
    )
    bands = distance_bands(catalog, options.on)
    if bands:
        write_atomic(
            out / "units.csv", units_table(plan, bands, random.Random(f"{options.seed}:units"))
        )
    budget = options.budget
    if budget is None:
        if options.budget_share is not None and catalog is not None:
            # Sizing assesses the case, which needs a case.yaml to load: write one without budget.
            write_atomic(out / "case.yaml", case_yaml(options, (), bool(bands)))
        budget = _budget_lines(options, catalog, out)
    write_atomic(out / "case.yaml", case_yaml(options, budget, bool(bands)))
    log.info(
        "generated %d officials, %d history rows in %s", counts["officials"], counts["history"], out
    )
    return GeneratedCase(out, counts["officials"], counts["history"], len(plan), budget)


def _write_rows(
    options: GeneratorOptions,
    factory: ProfileFactory,
    plan: list[tuple[Unit, list[str]]],
    o_handle: TextIO,
    h_handle: TextIO,
) -> tuple[int, int]:
    competencies = factory.competency_ids
    evaluated = factory.courses.evaluated_competencies()
    officials = csv.writer(o_handle, lineterminator="\n")
    history = csv.writer(h_handle, lineterminator="\n")
    officials.writerow(OFFICIAL_COLUMNS + tuple(f"competency:{c}" for c in competencies))
    history.writerow(
        ("official_id", "course", "completed_on", "result", "feedback", "score")
        + tuple(f"competency_before:{c}" for c in evaluated)
        + tuple(f"competency_after:{c}" for c in evaluated)
    )
    rng = random.Random(f"{options.seed}:officials")
    role_rng = random.Random(f"{options.seed}:roles")
    quota_rng = random.Random(f"{options.seed}:quotas")
    all_posts = [p for _, posts in plan for p in posts]
    fixed_levels = assign_quotas(options.quotas, all_posts, quota_rng) if options.quotas else None
    archetypes: dict[tuple[str, bool, int], Profile] = {}
    width = max(6, len(str(options.officials)))
    blank = ("",) * (2 * len(evaluated))
    number = history_rows = 0
    on = options.on
    for unit, posts in plan:
        for position in posts:
            number += 1
            spec = POST_PROFILES[position]
            gender = "male" if rng.random() < spec.male_share else "female"
            low, high = spec.ages
            if gender == "female":
                high = min(high, FEMALE_MAX_AGE)
            age = pick_int(rng, low, high)
            birth = _random_date(
                rng, _years_before(on, age + 1) + dt.timedelta(days=1), _years_before(on, age)
            )
            started = min(_years_before(birth, -pick_int(rng, 21, 28)), on - dt.timedelta(days=30))
            appointed = _appointment(rng, factory.framework.positions[position], unit, on, started)
            fixed = fixed_levels[number - 1] if fixed_levels is not None else {}
            person = Person(birth, gender, appointed, started)
            if options.needs == "role" and not fixed:
                # Archetypes are drawn from their own stream, with a representative member, so a
                # cohort's profile does not depend on where its first member falls in the file.
                key = (position, unit.difficult_area, pick_int(rng, 0, ROLE_ARCHETYPES - 1))
                if key not in archetypes:
                    archetypes[key] = factory.draw(
                        random.Random(f"{options.seed}:{key}"),
                        position,
                        unit,
                        _representative(spec, on),
                        {},
                    )
                profile = archetypes[key]
            else:
                profile = factory.draw(rng, position, unit, person, fixed)
            official_id = f"{options.id_prefix}{number:0{width}d}"
            officials.writerow(
                (
                    official_id,
                    _full_name(rng, factory.pick, gender),
                    position,
                    unit.name,
                    birth.isoformat(),
                    gender,
                    _bool(profile.ethnic_minority),
                    _bool(profile.party_member),
                    appointed.isoformat(),
                    started.isoformat(),
                    profile.grade,
                    profile.education,
                    profile.education_field,
                    profile.political_theory,
                    profile.state_management,
                    profile.it,
                    profile.language,
                    profile.planning_pool,
                    profile.ratings,
                    _bool(unit.difficult_area),
                    profile.leader_group,
                )
                + tuple(
                    "" if profile.competencies[c] is None else profile.competencies[c]
                    for c in competencies
                )
            )
            for row in profile.history:
                history.writerow(
                    (
                        official_id,
                        row.course,
                        row.completed_on.isoformat(),
                        row.result,
                        "" if row.feedback is None else row.feedback,
                        "" if row.score is None else row.score,
                    )
                    + (
                        tuple(
                            [row.before.get(c, "") for c in evaluated]
                            + [row.after.get(c, "") for c in evaluated]
                        )
                        if row.before
                        else blank
                    )
                )
                history_rows += 1
    return number, history_rows


def distance_bands(catalog: Catalog | None, on: dt.date) -> list[str]:
    """The TT 36/2018 distance bands of the norms in force, as the catalog lists them."""
    norms = catalog.norms_on(on) if catalog is not None else None
    return [band.band for band in norms.bands] if norms is not None else []


def units_table(
    plan: Sequence[tuple[Unit, list[str]]], bands: Sequence[str], rng: random.Random
) -> str:
    """units.csv: each unit's distance band to the provincial school and difficult-area flag.
    Provincial departments sit in the provincial capital (the first, nearest band, assuming the
    catalog lists bands near to far); communes are spread over the other bands."""
    lines = ["unit,distance_band,difficult_area"]
    far = list(bands[1:]) or list(bands)
    for unit, _ in plan:
        if unit.distance_rank is not None:
            band = bands[min(unit.distance_rank, len(bands) - 1)]
        else:
            band = bands[0] if unit.level == "tinh" else pick_one(rng, far)
        lines.append(f"{_csv_cell(unit.name)},{band},{_bool(unit.difficult_area)}")
    return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


def _representative(spec: PostProfile, on: dt.date) -> Person:
    age = (spec.ages[0] + spec.ages[1]) // 2
    started = _years_before(on, age - 23)
    return Person(
        _years_before(on, age),
        "male" if spec.male_share >= 0.5 else "female",
        max(MERGER_DATE, started) if on >= MERGER_DATE else started,
        started,
    )


def _appointment(
    rng: random.Random, post: Position, unit: Unit, on: dt.date, started: dt.date
) -> dt.date:
    if post.effective_from is not None:
        return _random_date(rng, max(post.effective_from, started), on)
    if unit.level == "xa" and on >= MERGER_DATE and rng.random() < MERGER_REAPPOINTED_SHARE:
        return max(MERGER_DATE, started)
    return _random_date(rng, max(started, _years_before(on, 12)), on)


def _full_name(rng: random.Random, pick: _Pickers, gender: str) -> str:
    return f"{pick.family(rng)} {pick_one(rng, MIDDLE_NAMES[gender])} {pick_one(rng, GIVEN_NAMES[gender])}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def case_yaml(
    options: GeneratorOptions, budget: Iterable[tuple[int, str, int]], with_units: bool = False
) -> str:
    """The case.yaml text (DESIGN §4), written by hand so its layout stays readable."""
    start, end = options.term_span
    name = options.name or f"Synthetic case, {options.officials} officials, seed {options.seed}"
    catalog = "bundled" if options.catalog is None else str(options.catalog.resolve())
    rules = "bundled" if options.rules is None else str(options.rules.resolve())
    lines = [
        f"name: {json.dumps(name, ensure_ascii=False)}",
        f"reference_date: {options.on.isoformat()}",
        f"years: [{', '.join(str(y) for y in options.years)}]",
        f"term: {{start: {start}, end: {end}}}",
        "officials: officials.csv",
        "history: history.csv",
        *(["units: units.csv"] if with_units else []),
        f"rules: {json.dumps(rules, ensure_ascii=False)}",
        f"catalog: {json.dumps(catalog, ensure_ascii=False)}",
    ]
    budget_lines = [
        f"  - {{year: {year}, source: {source}, amount: {amount}}}"
        for year, source, amount in budget
    ]
    lines += ["budget:", *budget_lines] if budget_lines else ["budget: []"]
    lines += ["limits:", "  max_days_away_per_year: 30", "  max_share_away: 0.3"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Budget


def _budget_lines(
    options: GeneratorOptions, catalog: Catalog | None, folder: Path
) -> tuple[tuple[int, str, int], ...]:
    """Per year and source: sized against the catalog when there is one, else per official."""
    per_year: dict[str, float]
    estimate = None
    if catalog is not None and options.budget_share is not None:
        estimate = estimate_need_costs(folder)
    if (
        estimate is not None
        and options.budget_share is not None
        and estimate.total_per_year(len(options.years)) > 0
    ):
        yearly = (
            estimate.total_per_year(len(options.years))
            * options.budget_share
            * options.budget_level
        )
        state = yearly * (1 - XA_HOI_HOA_SHARE)
        by_source = estimate.by_source or {"ngan_sach_tinh": 1}
        mass = sum(by_source.values())
        per_year = {s: state * c / mass for s, c in by_source.items()}
        per_year["xa_hoi_hoa"] = per_year.get("xa_hoi_hoa", 0) + yearly * XA_HOI_HOA_SHARE
    else:
        yearly = (
            options.officials
            * NEED_COST_PER_OFFICIAL
            * DEFAULT_BUDGET_COVERAGE
            * options.budget_level
            / len(options.years)
        )
        per_year = {s: yearly * share for s, share in BUDGET_SOURCE_SPLIT.items()}
    return tuple(
        (year, source, _round_money(per_year[source]))
        for year in options.years
        for source in FUNDING_SOURCES
        if per_year.get(source)
    )


def _round_money(amount: float) -> int:
    """Budgets are set in millions of VND."""
    return max(1_000_000, int(round(amount / 1_000_000)) * 1_000_000)


@dataclass(frozen=True)
class PricedNeed:
    official_id: str
    need: str
    priority: int
    recurring: bool  # a yearly target (annual training): needed again each year
    cost: int
    source: str


@dataclass(frozen=True)
class NeedCostEstimate:
    """Each need priced at its cheapest delivering course: tuition, TT 36/2018 support from a
    unit in the default distance band, and a share of the class's fixed cost."""

    priced: tuple[PricedNeed, ...]
    needs: int  # all needs, including those no course closes

    @property
    def by_source(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for need in self.priced:
            out[need.source] = out.get(need.source, 0) + need.cost
        return out

    def total_per_year(self, years: int) -> float:
        one_off = sum(n.cost for n in self.priced if not n.recurring)
        return one_off / max(1, years) + sum(n.cost for n in self.priced if n.recurring)

    def total(self, years: int) -> int:
        """Cost of closing every priced need over a horizon of `years`."""
        return sum(n.cost * years if n.recurring else n.cost for n in self.priced)

    def coverage(self, budget: int, years: int = 1) -> float:
        """Share of the cost of all needs a budget (over the horizon) would pay for: a rough
        check that a case's budget is tight but not hopeless."""
        total = self.total(years)
        return min(1.0, budget / total) if total else 1.0


def course_unit_cost(
    course: Course, catalog: Catalog, unit: UnitInfo | None = None, difficult_area: bool = False
) -> int:
    """One participant's cost from `unit` (None: the norms' default band) plus their share of
    the class's fixed cost at the median class size."""
    from planner.recommend.cost import breakdown

    sessions = sorted(course.sessions, key=lambda s: (s.start, s.id))
    if not sessions:
        return course.cost.tuition
    seats = sorted(s.seats for s in sessions if s.seats > 0)
    class_size = seats[len(seats) // 2] if seats else CLASS_SIZE_FALLBACK
    participant = breakdown(course, sessions[-1], unit, difficult_area, catalog).total
    return participant + course.cost.per_class // class_size


def cheapest_courses(catalog: Catalog) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(need id, level) → [(cost, course id)] sorted, for every level a course delivers."""
    offers: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for course in catalog.courses.values():
        cost = course_unit_cost(course, catalog)
        for qfield, level in course.delivers.qualifications.items():
            offers.setdefault((f"qualification:{qfield}", level), []).append((cost, course.id))
        for competency, level in course.delivers.competencies.items():
            offers.setdefault((f"competency:{competency}", str(level)), []).append(
                (cost, course.id)
            )
        for programme in course.delivers.programmes:
            offers.setdefault((f"programme:{programme}", ""), []).append((cost, course.id))
    for value in offers.values():
        value.sort()
    return offers


def estimate_need_costs(folder: Path) -> NeedCostEstimate | None:
    """Assess the case in `folder` and price each need at its cheapest delivering course
    (eligibility and seats are the optimiser's business; this only sizes a budget)."""
    from planner.assess.needs import assess_case
    from planner.io.loading import load_case

    try:
        case = load_case(folder)
    except InputError as exc:
        log.warning("cannot size the budget against the catalog: %s", exc)
        return None
    offers = cheapest_courses(case.catalog)
    officials = {o.id: o for o in case.officials}
    priced = []
    assessment = assess_case(case)
    for need in assessment.needs:
        target = need.target.to_dict()
        if "periods" in target:
            best = _cheapest_periods(case, target, int(need.current or 0))
        else:
            best = _cheapest_for(need.need, target, offers)
        if best is not None:
            nominal, course_id = best
            official = officials[need.official_id]
            unit = case.units.get(official.unit)
            cost = course_unit_cost(
                case.catalog.courses[course_id],
                case.catalog,
                unit,
                official.difficult_area or bool(unit and unit.difficult_area),
            )
            if "periods" in target:
                cost = nominal  # repeats of a course: already priced in total
            priced.append(
                PricedNeed(
                    need.official_id,
                    need.need,
                    need.priority,
                    target.get("window") == "year",
                    cost,
                    case.catalog.courses[course_id].funding_source,
                )
            )
    return NeedCostEstimate(tuple(priced), len(assessment.needs))


def _cheapest_periods(case: Any, target: Mapping[str, Any], done: int) -> tuple[int, str] | None:
    """Cheapest way to add the missing tiết with repeats of one course of a counted kind."""
    from planner.assess.needs import course_periods

    programme = case.framework.programmes[target["programme"]]
    missing = max(0, int(target["periods"]) - done)
    found = []
    for course in case.catalog.courses.values():
        if course.kind in programme.counts_course_kinds:
            periods = course_periods(course, case.framework, case.reference_date)
            repeats = -(-missing // periods) if periods else 0
            if repeats:
                found.append((course_unit_cost(course, case.catalog) * repeats, course.id))
    return min(found) if found else None


def _cheapest_for(
    need: str, target: Mapping[str, Any], offers: Mapping[tuple[str, str], list[tuple[int, str]]]
) -> tuple[int, str] | None:
    if "field" in target:
        scale = QUALIFICATION_SCALES[target["field"]]
        levels = scale[scale.index(target["level"]) :]
        found = [offers[(need, lv)][0] for lv in levels if (need, lv) in offers]
    elif "competency" in target:
        found = [
            offers[(need, str(lv))][0]
            for lv in range(int(target["level"]), 6)
            if (need, str(lv)) in offers
        ]
    else:
        found = offers.get((need, ""), [])[:1]
    return min(found) if found else None


# ---------------------------------------------------------------------------------------------
# Inspection helpers (tests, benchmarks)


def need_signatures(needs: Iterable[Any]) -> dict[str, frozenset[tuple[str, str]]]:
    """Per official, the set of (need id, target) it has: equal sets form a cohort."""
    signatures: dict[str, set[tuple[str, str]]] = {}
    for need in needs:
        signatures.setdefault(need.official_id, set()).add(
            (need.need, json.dumps(need.target.to_dict(), sort_keys=True))
        )
    return {official: frozenset(items) for official, items in signatures.items()}
