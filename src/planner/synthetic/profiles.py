"""The statistics, names, posts and blocks the generator draws from, read from the YAML data
files beside this module (`data/profiles.yaml`, `names.yaml`, `posts.yaml`, `presets.yaml`).

Synthetic data only, never a legal threshold: each value notes its source in its file. Which level
a post requires lives in `rules/`; these only shape the profiles drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from planner.io.yamlio import read_yaml

DATA = Path(__file__).resolve().parent / "data"


@cache
def data(name: str) -> dict[str, Any]:
    """One data file (`profiles`, `names`, `posts`, `presets`), read once."""
    loaded = read_yaml(DATA / f"{name}.yaml")
    if not isinstance(loaded, dict):
        raise ValueError(f"{DATA / name}.yaml: expected a mapping")
    return loaded


def plain(value: Any) -> Any:
    """A YAML value as plain dicts and lists (the strict reader's line-aware types dropped)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class PostProfile:
    tier: str
    male_share: float  # assumption per post
    ages: tuple[int, int]
    party_share: float
    pool: str | None = None  # the post deputies are planned for


@dataclass(frozen=True)
class Block:
    """Posts of one part of a unit: `core` posts come first (in order), then `extras` are drawn
    by weight up to their cap, so a unit of any size gets a plausible mix."""

    name: str
    core: tuple[str, ...]
    extras: tuple[tuple[str, float, int | None], ...]  # (position, weight, cap or None)

    def positions(self) -> set[str]:
        return set(self.core) | {p for p, _, _ in self.extras}


def block(key: str) -> Block:
    """A block of `posts.yaml` by its key."""
    raw = data("posts")["blocks"][key]
    return Block(
        raw["name"],
        tuple(raw["core"]),
        tuple((str(p), float(w), None if cap is None else int(cap)) for p, w, cap in raw["extras"]),
    )


@dataclass(frozen=True)
class Statistics:
    """`data/profiles.yaml`, one field per key (its comments give each value's source)."""

    commune_staff_mean: int
    commune_party_mass_share: float
    department_staff_mean: int
    unit_size_jitter: float
    default_province_share: float
    default_difficult_share: float
    default_ethnic_share: float
    education_field_match_share: float
    role_archetypes: int
    education_mix: dict[str, dict[str, float]]
    political_theory_mix: dict[str, dict[str, float]]
    state_management_mix: dict[str, dict[str, float]]
    grade_mix: dict[str, dict[str, float]]
    quota_tier_weight: dict[str, float]
    rating_mix: dict[str, float]
    rating_years: int
    it_mix: dict[str, float]
    language_mix: dict[str, float]
    relevant_competency_mix: dict[int | None, float]
    other_competency_mix: dict[int | None, float]
    planning_share: float
    leader_group_explicit_share: float
    merger_date: dt.date
    merger_reappointed_share: float
    history_programme_share: dict[str, float]
    history_qualification_share: float
    history_competency_share: float
    history_failed_attempt_share: float
    history_result_mix: dict[str, float]
    history_evaluated_share: float
    feedback_mix: dict[int, float]
    need_cost_per_official: int
    default_budget_coverage: float
    budget_source_split: dict[str, float]
    xa_hoi_hoa_share: float
    class_size_fallback: int
    female_max_age: int
    service_start_age: list[int]
    min_service_days: int
    representative_start_age: int
    appointment_window_years: int
    term_years: int
    history_window_years: dict[str, int]
    qualification_gap_days: int
    passed_score: list[int]
    failed_score: list[int]
    after_level_change: list[int]
    level_gain: list[int]
    failed_level_gap: int


@dataclass(frozen=True)
class Names:
    """`data/names.yaml`: people's and units' names."""

    family_names: dict[str, float]
    middle_names: dict[str, list[str]]
    given_names: dict[str, list[str]]
    commune_syllables: list[str]
    departments: list[str]
    general_fields: list[str]


STATS = Statistics(**plain(data("profiles")))
NAMES = Names(**plain(data("names")))

POST_PROFILES: dict[str, PostProfile] = {
    post: PostProfile(
        raw["tier"],
        raw["male_share"],
        (int(raw["ages"][0]), int(raw["ages"][1])),
        raw["party_share"],
        raw.get("pool"),
    )
    for post, raw in data("posts")["post_profiles"].items()
}
# The default structure: a post-2025 commune (Party and mass organisations, then the state
# administration) and a provincial department.
COMMUNE_PARTY_MASS = block("commune_party_mass")
COMMUNE_STATE = block("commune_state")
DEPARTMENT = block("department")
