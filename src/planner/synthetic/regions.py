"""Regional campuses of a generated national case: groups of provinces and the classes only
they share.

The provinces are dealt into campus groups (contiguous by number, `data/regions.yaml` says how
many); the catalog is written into the case (`catalog/`) with each session of a regional course
written once per campus (id `<session>-<campus>`, the campus as its location), and case.yaml's
`regions` lists, per campus, its provinces and its sessions. Every other session stays open to
every province (national classes), and the budget lines stay national.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planner.io.atomic import write_atomic
from planner.io.yamlio import read_yaml, yaml_files
from planner.synthetic.profiles import data, plain
from planner.synthetic.units import province_name


@dataclass(frozen=True)
class Campus:
    """One regional campus: its id, title, provinces and (once the catalog is written) sessions."""

    id: str
    title: str
    provinces: tuple[str, ...]
    sessions: tuple[str, ...] = ()


def campuses(provinces: int) -> list[Campus]:
    """The campus groups of `provinces` provinces (none for a one-province case)."""
    spec = data("regions")
    if provinces < 2:
        return []
    per = int(spec["provinces_per_campus"])
    count = max(1, min(int(spec["campuses"]), -(-provinces // per)))
    base, extra = divmod(provinces, count)
    out, first = [], 0
    for g in range(count):
        size = base + (1 if g < extra else 0)
        names = tuple(province_name(i) for i in range(first, first + size))
        first += size
        title = str(spec["title"]).format(number=g + 1)
        out.append(Campus(f"kv{g + 1}", title, names))
    return out


def regional_courses() -> frozenset[str]:
    return frozenset(str(c) for c in data("regions")["courses"])


def write_catalog(source: Path, out: Path, groups: Sequence[Campus]) -> list[Campus]:
    """Copy the catalog at `source` (a folder or one file) into `out`, each session of a
    regional course written once per campus; returns the campuses with their sessions."""
    regional = regional_courses()
    sessions: dict[str, list[str]] = {g.id: [] for g in groups}
    root = source if source.is_dir() else source.parent
    for path in yaml_files(source):
        target = out / path.relative_to(root)
        raw = plain(read_yaml(path))
        courses = raw.get("courses", []) if isinstance(raw, dict) else []
        if not any(c.get("id") in regional for c in courses):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, path.read_text(encoding="utf-8-sig"))
            continue
        for course in courses:
            if course.get("id") in regional:
                course["sessions"] = _per_campus(course.get("sessions", []), groups, sessions)
        target.parent.mkdir(parents=True, exist_ok=True)
        header = f"# Written by `planner generate --provinces`: {path.name} with the regional\n"
        header += "# courses' sessions once per campus (case.yaml `regions`).\n"
        write_atomic(target, header + _dump(raw))
    return [Campus(g.id, g.title, g.provinces, tuple(sessions[g.id])) for g in groups]


def _per_campus(
    sessions: list[dict[str, Any]], groups: Sequence[Campus], out: dict[str, list[str]]
) -> list[dict[str, Any]]:
    copies = []
    for session in sessions:
        for group in groups:
            twin = copy.deepcopy(session)
            twin["id"] = f"{session['id']}-{group.id}"
            twin["location"] = group.title
            copies.append(twin)
            out[group.id].append(twin["id"])
    return copies


def _dump(value: Any) -> str:
    return str(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100))


def regions_yaml(groups: Sequence[Campus]) -> list[str]:
    """case.yaml's `regions` lines (flow lists, one group per item)."""
    if not groups:
        return []

    def flow(items: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"

    lines = ["regions:"]
    for g in groups:
        lines += [
            f"  - id: {g.id}",
            f"    title: {json.dumps(g.title, ensure_ascii=False)}",
            f"    provinces: {flow(g.provinces)}",
            f"    sessions: {flow(g.sessions)}",
        ]
    return lines
