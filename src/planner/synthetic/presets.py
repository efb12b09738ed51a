"""The bundled examples (`planner generate --preset thoi-binh|huong-khe`): every option of each is
data (`data/presets.yaml`), its blocks of posts those of `data/posts.yaml`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from planner.synthetic.options import GeneratorOptions, Quota, UnitPlan
from planner.synthetic.profiles import block, data


def preset(name: str) -> GeneratorOptions:
    """The options of the preset `name` as `data/presets.yaml` gives them."""
    raw = data("presets")["presets"][name]
    return GeneratorOptions(
        officials=raw["officials"],
        years=tuple(raw["years"]),
        seed=raw["seed"],
        needs=raw["needs"],
        province_share=raw["province_share"],
        reference_date=raw["reference_date"],
        term=(raw["term"][0], raw["term"][1]),
        name=raw["name"],
        id_prefix=raw["id_prefix"],
        ethnic_share=raw["ethnic_share"],
        commune_names=tuple(UnitPlan(n, hard, rank) for n, hard, rank in raw["units"]),
        blocks=tuple((block(key), total) for key, total in raw["blocks"]),
        quotas=tuple(
            Quota(qfield, tuple((count, dict(mix)) for count, mix in groups))
            for qfield, groups in raw.get("quotas", {}).items()
        ),
        budget=tuple((year, source, amount) for year, source, amount in raw["budget"]),
    )


PRESETS = {name: (lambda name=name: preset(name)) for name in data("presets")["presets"]}


def preset_options(name: str, **overrides: Any) -> GeneratorOptions:
    """The options of a bundled example (`thoi-binh`, `huong-khe`), with fields overridden."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; expected one of {sorted(PRESETS)}")
    return replace(PRESETS[name](), **overrides)
