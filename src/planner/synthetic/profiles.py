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


def _mix(value: Any) -> dict[Any, float]:
    return dict(value)


def _tiers(value: Any) -> dict[str, dict[str, float]]:
    return {tier: dict(mix) for tier, mix in value.items()}


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


_P = data("profiles")
_N = data("names")

COMMUNE_STAFF_MEAN: int = _P["commune_staff_mean"]
COMMUNE_PARTY_MASS_SHARE: float = _P["commune_party_mass_share"]
DEPARTMENT_STAFF_MEAN: int = _P["department_staff_mean"]
UNIT_SIZE_JITTER: float = _P["unit_size_jitter"]
DEFAULT_PROVINCE_SHARE: float = _P["default_province_share"]
DEFAULT_DIFFICULT_SHARE: float = _P["default_difficult_share"]
DEFAULT_ETHNIC_SHARE: float = _P["default_ethnic_share"]
EDUCATION_FIELD_MATCH_SHARE: float = _P["education_field_match_share"]
ROLE_ARCHETYPES: int = _P["role_archetypes"]

EDUCATION_MIX = _tiers(_P["education_mix"])
POLITICAL_THEORY_MIX = _tiers(_P["political_theory_mix"])
STATE_MANAGEMENT_MIX = _tiers(_P["state_management_mix"])
GRADE_MIX = _tiers(_P["grade_mix"])
QUOTA_TIER_WEIGHT: dict[str, float] = _mix(_P["quota_tier_weight"])
RATING_MIX: dict[str, float] = _mix(_P["rating_mix"])
RATING_YEARS: int = _P["rating_years"]
IT_MIX: dict[str, float] = _mix(_P["it_mix"])
LANGUAGE_MIX: dict[str, float] = _mix(_P["language_mix"])
RELEVANT_COMPETENCY_MIX: dict[int | None, float] = _mix(_P["relevant_competency_mix"])
OTHER_COMPETENCY_MIX: dict[int | None, float] = _mix(_P["other_competency_mix"])
PLANNING_SHARE: float = _P["planning_share"]
LEADER_GROUP_EXPLICIT_SHARE: float = _P["leader_group_explicit_share"]
MERGER_DATE: dt.date = _P["merger_date"]
MERGER_REAPPOINTED_SHARE: float = _P["merger_reappointed_share"]
HISTORY_PROGRAMME_SHARE: dict[str, float] = _mix(_P["history_programme_share"])
HISTORY_QUALIFICATION_SHARE: float = _P["history_qualification_share"]
HISTORY_COMPETENCY_SHARE: float = _P["history_competency_share"]
HISTORY_FAILED_ATTEMPT_SHARE: float = _P["history_failed_attempt_share"]
HISTORY_RESULT_MIX: dict[str, float] = _mix(_P["history_result_mix"])
HISTORY_EVALUATED_SHARE: float = _P["history_evaluated_share"]
FEEDBACK_MIX: dict[int, float] = _mix(_P["feedback_mix"])
NEED_COST_PER_OFFICIAL: int = _P["need_cost_per_official"]
DEFAULT_BUDGET_COVERAGE: float = _P["default_budget_coverage"]
BUDGET_SOURCE_SPLIT: dict[str, float] = _mix(_P["budget_source_split"])
XA_HOI_HOA_SHARE: float = _P["xa_hoi_hoa_share"]
CLASS_SIZE_FALLBACK: int = _P["class_size_fallback"]
FEMALE_MAX_AGE: int = _P["female_max_age"]

FAMILY_NAMES: dict[str, float] = _mix(_N["family_names"])
MIDDLE_NAMES: dict[str, tuple[str, ...]] = {g: tuple(v) for g, v in _N["middle_names"].items()}
GIVEN_NAMES: dict[str, tuple[str, ...]] = {g: tuple(v) for g, v in _N["given_names"].items()}
COMMUNE_SYLLABLES: tuple[str, ...] = tuple(_N["commune_syllables"])
DEPARTMENTS: tuple[str, ...] = tuple(_N["departments"])
GENERAL_FIELDS: tuple[str, ...] = tuple(_N["general_fields"])

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
