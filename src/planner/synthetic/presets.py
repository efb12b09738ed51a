"""The bundled examples (`planner generate --preset thoi-binh|huong-khe`): their options, with the
units and blocks read from `data/presets.yaml` and `data/posts.yaml`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from planner.synthetic.options import GeneratorOptions, Quota, UnitPlan
from planner.synthetic.profiles import block, data

THOI_BINH_COMMUNES: tuple[str, ...] = tuple(data("presets")["thoi_binh_communes"])
HUONG_KHE_COMMUNES: tuple[str, ...] = tuple(data("presets")["huong_khe_communes"])
HUONG_KHE_REMOTE: frozenset[str] = frozenset(data("presets")["huong_khe_remote"])
COMMUNE_CIVIL_SERVANTS = block("commune_civil_servants")
PRE_MERGER_PARTY_MASS = block("pre_merger_party_mass")
PRE_MERGER_STATE = block("pre_merger_state")


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
