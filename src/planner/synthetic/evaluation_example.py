"""The `examples/danh-gia-2025` case: a commune cluster with a year (2025) of evaluated training.

Seeded and deterministic:
`python -m planner.synthetic.evaluation_example examples/danh-gia-2025` rewrites byte-identical
files (case.yaml, officials.csv, history.csv, indicators.csv). The data are synthetic: names,
levels and indicator values are plausible assumptions for a worked example, not statistics.
Course ids come from the bundled catalog (`catalog: bundled`).

What the example is built to show, so a reader can check the report against it:
- most courses carry feedback, scores and competence measured before/after; two courses
  (knowledge update for group-3 leaders, defence-security) carry none ("no data", not zero);
  the culture-social course has feedback and scores but no competence measurement;
- the land-construction course (`vtvl_dia_chinh_xay_dung`) rarely brings its participants to the
  level it claims (about one in three), so it is flagged; the others mostly do;
- the digital-skills course is online with no session column (grouped by year), the in-person
  courses name their sessions;
- unit indicators for 2024 and 2025: communes whose staff took the digital-skills course see
  their online-filing share rise more than the others (an association the report labels so).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.io.atomic import write_atomic

SEED = 2025
COMMUNES: tuple[str, ...] = (
    "Xã Thới Bình",
    "Xã Biển Bạch",
    "Xã Trí Phải",
    "Xã Tân Lộc",
    "Xã Hồ Thị Kỷ",
    "Xã Tân Phú",
    "Xã Trí Lực",
    "Xã Thới Bình Đông",
)
# One commune's staff in the example (a subset of the ~41 of docs/legal.md §8, enough to show the
# evaluation): position id → how many.
STAFF: tuple[tuple[str, int], ...] = (
    ("xa.bi_thu", 1),
    ("xa.chu_tich_hdnd", 1),
    ("xa.chu_tich_ubnd", 1),
    ("xa.pho_chu_tich_ubnd", 2),
    ("xa.chu_tich_mttq", 1),
    ("xa.truong_phong", 2),
    ("xa.van_phong_thong_ke", 2),
    ("xa.dia_chinh_xay_dung", 2),
    ("xa.tai_chinh_ke_toan", 2),
    ("xa.tu_phap_ho_tich", 2),
    ("xa.van_hoa_xa_hoi", 2),
    ("xa.chi_huy_truong_quan_su", 1),
)
LEADERS = frozenset(
    {
        "xa.bi_thu",
        "xa.chu_tich_hdnd",
        "xa.chu_tich_ubnd",
        "xa.pho_chu_tich_ubnd",
        "xa.chu_tich_mttq",
        "xa.truong_phong",
    }
)


@dataclass(frozen=True)
class Offering:
    """One course held in 2025: who went, when, and how well it worked (the assumption the
    evaluation should find again)."""

    course: str
    positions: frozenset[str]  # empty: every post
    communes: tuple[int, ...]  # indexes into COMMUNES
    sessions: tuple[tuple[str, dt.date], ...]  # (session id or "" for none, completion date)
    competency: str | None  # measured before/after; None: not measured
    target: int  # level the catalog says it delivers
    reach_probability: float  # chance a participant reaches the target
    feedback_mean: float | None  # None: no feedback collected
    scored: bool
    evaluated: bool = True  # False: no evaluation data at all


OFFERINGS: tuple[Offering, ...] = (
    Offering(
        "chinh_quyen_hai_cap_truc_tiep",
        LEADERS,
        (0, 1, 2, 3, 4, 5),
        (("HC2C-2025-01", dt.date(2025, 8, 15)), ("HC2C-2025-02", dt.date(2025, 9, 19))),
        "public_administration",
        3,
        0.8,
        4.3,
        True,
    ),
    Offering(
        "vtvl_van_phong_thong_ke",
        frozenset({"xa.van_phong_thong_ke"}),
        (0, 1, 2, 3, 4),
        (("VPTK-2025-01", dt.date(2025, 10, 10)),),
        "office_statistics",
        3,
        0.85,
        4.4,
        True,
    ),
    Offering(
        "vtvl_dia_chinh_xay_dung",
        frozenset({"xa.dia_chinh_xay_dung"}),
        (0, 1, 2, 3, 4, 5),
        (("DCXD-2025-01", dt.date(2025, 6, 20)), ("DCXD-2025-02", dt.date(2025, 11, 14))),
        "land_construction",
        3,
        0.3,
        3.1,
        True,
    ),
    Offering(
        "vtvl_tai_chinh_ke_toan",
        frozenset({"xa.tai_chinh_ke_toan"}),
        (1, 2, 3, 4, 5, 6),
        (("TCKT-2025-01", dt.date(2025, 9, 26)),),
        "finance_accounting",
        3,
        0.75,
        4.0,
        True,
    ),
    Offering(
        "vtvl_tu_phap_ho_tich",
        frozenset({"xa.tu_phap_ho_tich"}),
        (0, 1, 2, 3),
        (("TPHT-2025-01", dt.date(2025, 7, 25)),),
        "justice_civil_status",
        3,
        0.8,
        3.9,
        True,
    ),
    Offering(
        "vtvl_van_hoa_xa_hoi",
        frozenset({"xa.van_hoa_xa_hoi"}),
        (2, 3, 4, 5, 6, 7),
        (("VHXH-2025-01", dt.date(2025, 10, 24)),),
        None,
        3,
        0.0,
        4.1,
        True,
    ),
    Offering(
        "ky_nang_so_co_ban",
        frozenset(),
        (0, 1, 2, 3, 4),
        (("", dt.date(2025, 5, 30)),),
        "digital_skills",
        2,
        0.9,
        4.5,
        False,
    ),
    Offering(
        "cap_nhat_kien_thuc_nhom_3_xa",
        LEADERS,
        (0, 1, 2, 3, 4, 5, 6, 7),
        (("CNKT3-2025-01", dt.date(2025, 12, 5)),),
        None,
        0,
        0.0,
        None,
        False,
        evaluated=False,
    ),
    Offering(
        "quoc_phong_an_ninh_doi_tuong_4",
        frozenset({"xa.chi_huy_truong_quan_su"}),
        (0, 1, 2, 3, 4, 5, 6, 7),
        (("QPAN4-2025-01", dt.date(2025, 11, 28)),),
        None,
        0,
        0.0,
        None,
        False,
        evaluated=False,
    ),
)
# Share of participants who return the feedback form (assumption).
RESPONSE_RATE = 0.85
# Share of participants measured after training (assumption: the unit head rates most of them).
MEASURED_RATE = 0.9
DROP_RATE = 0.03
FAIL_RATE = 0.05

INDICATORS: tuple[tuple[str, str], ...] = (
    ("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn (%)", "higher"),
    ("Tỷ lệ hồ sơ TTHC nộp trực tuyến (%)", "higher"),
    ("Số đơn thư khiếu nại về đất đai", "lower"),
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE_M = ("Văn", "Minh", "Quốc", "Thanh", "Hữu", "Đức")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ")
GIVEN_M = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Tài",
    "Vinh",
)
GIVEN_F = (
    "Anh",
    "Châu",
    "Diễm",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Thảo",
    "Trang",
    "Yến",
)


@dataclass(frozen=True)
class _Official:
    id: str
    full_name: str
    position: str
    unit: str
    commune: int
    birth_date: dt.date
    gender: str


def _officials(rng: random.Random) -> list[_Official]:
    out = []
    for c, commune in enumerate(COMMUNES):
        number = 0
        for position, count in STAFF:
            for _ in range(count):
                number += 1
                gender = "nữ" if rng.random() < 0.45 else "nam"
                female = gender == "nữ"
                name = " ".join(
                    (
                        rng.choice(FAMILY),
                        rng.choice(MIDDLE_F if female else MIDDLE_M),
                        rng.choice(GIVEN_F if female else GIVEN_M),
                    )
                )
                birth = dt.date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
                out.append(
                    _Official(f"X{c + 1}-{number:02d}", name, position, commune, c, birth, gender)
                )
    return out


def _history(rng: random.Random, officials: Sequence[_Official]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for offering in OFFERINGS:
        attendees = [
            o
            for o in officials
            if o.commune in offering.communes
            and (not offering.positions or o.position in offering.positions)
        ]
        # Exactly round(p × n) attendees are drawn to reach the target (if they pass and are
        # measured), so small courses show the assumed effectiveness rather than sampling noise.
        quota = set(
            rng.sample(range(len(attendees)), round(offering.reach_probability * len(attendees)))
        )
        for index, official in enumerate(attendees):
            session, day = offering.sessions[index % len(offering.sessions)]
            draw = rng.random()
            result = (
                "dropped"
                if draw < DROP_RATE
                else "failed"
                if draw < DROP_RATE + FAIL_RATE
                else "passed"
            )
            row: dict[str, object] = {
                "official_id": official.id,
                "course": offering.course,
                "session": session,
                "completed_on": day.isoformat(),
                "result": result,
            }
            if offering.evaluated and result != "dropped":
                if offering.feedback_mean is not None and rng.random() < RESPONSE_RATE:
                    row["feedback"] = max(1, min(5, round(rng.gauss(offering.feedback_mean, 0.7))))
                if offering.scored:
                    low, high = (35, 49) if result == "failed" else (55, 96)
                    row["score"] = rng.randint(low, high)
                if offering.competency and rng.random() < MEASURED_RATE:
                    before = rng.randint(max(0, offering.target - 2), offering.target - 1)
                    reached = result == "passed" and index in quota
                    after = (
                        min(5, offering.target + (rng.random() < 0.2))
                        if reached
                        else min(offering.target - 1, before + rng.randint(0, 1))
                    )
                    row[f"competency_before:{offering.competency}"] = before
                    row[f"competency_after:{offering.competency}"] = after
            rows.append(row)
    return rows


def _indicators(
    rng: random.Random, history: Sequence[dict[str, object]], officials: Sequence[_Official]
) -> list[dict[str, object]]:
    unit_of = {o.id: o.commune for o in officials}
    digital = {
        unit_of[str(r["official_id"])] for r in history if r["course"] == "ky_nang_so_co_ban"
    }
    rows: list[dict[str, object]] = []
    for c, commune in enumerate(COMMUNES):
        on_time = rng.uniform(78, 90)
        online = rng.uniform(25, 45)
        complaints = rng.randint(8, 24)
        # Assumed 2024 → 2025 change: a common trend for every commune (the two-level
        # government reform), plus a gain in online filing where staff learnt digital skills.
        values = {
            INDICATORS[0][0]: (on_time, min(99.0, on_time + rng.uniform(1.0, 4.0))),
            INDICATORS[1][0]: (
                online,
                online + 8 + (9 if c in digital else 0) + rng.uniform(-2, 2),
            ),
            INDICATORS[2][0]: (complaints, max(0, complaints - rng.randint(-2, 3))),
        }
        for indicator, better in INDICATORS:
            for year, value in zip((2024, 2025), values[indicator], strict=True):
                rows.append(
                    {
                        "unit": commune,
                        "year": year,
                        "indicator": indicator,
                        "value": round(value, 1) if isinstance(value, float) else value,
                        "better": better,
                    }
                )
    return rows


CASE_YAML = """\
# Worked example of `planner evaluate` (issue #8): a commune cluster with 2025 training history.
# Written by `python -m planner.synthetic.evaluation_example examples/danh-gia-2025` (seeded); synthetic data.
name: Cụm 8 xã — đánh giá đào tạo 2025
reference_date: 2026-01-15
years: [2026]
term: {start: 2026, end: 2030}
officials: officials.csv
history: history.csv
indicators: indicators.csv
rules: bundled
catalog: bundled
budget:
  - {year: 2026, source: ngan_sach_tinh, amount: 900000000}
"""  # noqa: E501 (the header comment of the written case.yaml, kept byte-identical)


def _csv(header: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in header})
    return buffer.getvalue()


def build(seed: int = SEED) -> dict[str, str]:
    """File name → content of the example case."""
    rng = random.Random(seed)
    officials = _officials(rng)
    history = _history(rng, officials)
    indicators = _indicators(rng, history, officials)
    competencies = sorted({o.competency for o in OFFERINGS if o.competency})
    history_header = [
        "official_id",
        "course",
        "session",
        "completed_on",
        "result",
        "feedback",
        "score",
    ]
    for competency in competencies:
        history_header += [f"competency_before:{competency}", f"competency_after:{competency}"]
    official_rows: list[dict[str, object]] = [
        {
            "id": o.id,
            "full_name": o.full_name,
            "position": o.position,
            "unit": o.unit,
            "birth_date": o.birth_date.isoformat(),
            "gender": o.gender,
            "education": "dai_hoc",
            "political_theory": "trung_cap" if o.position in LEADERS else "so_cap",
        }
        for o in officials
    ]
    return {
        "case.yaml": CASE_YAML,
        "officials.csv": _csv(
            [
                "id",
                "full_name",
                "position",
                "unit",
                "birth_date",
                "gender",
                "education",
                "political_theory",
            ],
            official_rows,
        ),
        "history.csv": _csv(history_header, history),
        "indicators.csv": _csv(["unit", "year", "indicator", "value", "better"], indicators),
    }


def write(folder: Path, seed: int = SEED) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in build(seed).items():
        write_atomic(folder / name, content)
        written.append(folder / name)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for path in write(args.folder, args.seed):
        print(path)


if __name__ == "__main__":
    main()
