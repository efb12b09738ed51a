"""The service's state and the operations both the API and the pages call: cases created and
changed from uploads, loaded cases cached by version, and the synchronous reports."""

from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from planner.errors import InputError
from planner.server.db import Principal, ServerDB
from planner.server.jobs import JobRunner
from planner.server.security import SessionSigner
from planner.server.uploads import read_raw, row_problems, to_canonical_csv

MAX_CASE_YAML_BYTES = 64 * 1024
MAX_SIDE_TABLE_BYTES = 20 * 1024 * 1024
OFFICIALS_FILE = "officials.csv"
SIDE_TABLES = {"history": "history.csv", "units": "units.csv"}


@cache
def bundled_framework() -> Any:
    from planner.io.loading import bundled_dir, load_rules

    return load_rules(bundled_dir("rules"))


class OfficialsRejected(InputError):
    """The uploaded officials table has bad rows: all of them, each with field and expected."""

    def __init__(self, problems: list[Any], filename: str) -> None:
        first = problems[0]
        super().__init__(
            f"{len(problems)} bad row(s) in the officials table; first: {first.text}",
            path=filename,
            row=first.row,
            field=first.field,
        )
        self.problems = problems


@dataclass
class Service:
    store: Any
    db: ServerDB
    signer: SessionSigner
    runner: JobRunner
    database_url: str
    _cases: OrderedDict[tuple[int, int], Any] = field(default_factory=OrderedDict)
    _assessments: OrderedDict[tuple[int, int], Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # One computation per (case, version) at a time: twenty visitors of a changed case wait for
    # one load instead of making twenty.
    _flights: dict[tuple[str, int, int], threading.Lock] = field(default_factory=dict)

    def _flight(self, kind: str, key: tuple[int, int]) -> threading.Lock:
        with self._lock:
            return self._flights.setdefault((kind, *key), threading.Lock())

    # -- loaded cases -----------------------------------------------------------------------

    def load(self, case_id: int) -> Any:
        """The case as the pipeline loads it, cached per (case, version)."""
        version = self.store.get_case(case_id).version
        key = (case_id, version)
        with self._lock:
            if key in self._cases:
                self._cases.move_to_end(key)
                return self._cases[key]
        with self._flight("case", key):
            with self._lock:
                if key in self._cases:
                    return self._cases[key]
            case = self.store.load(case_id)
            with self._lock:
                self._cases[key] = case
                while len(self._cases) > 16:
                    self._cases.popitem(last=False)
        return case

    def assessment(self, case_id: int) -> Any:
        """The case's assessment on its reference date, cached per (case, version): the case
        page shows it to every visitor."""
        from planner import pipeline

        version = self.store.get_case(case_id).version
        key = (case_id, version)
        with self._lock:
            if key in self._assessments:
                self._assessments.move_to_end(key)
                return self._assessments[key]
        with self._flight("assessment", key):
            with self._lock:
                if key in self._assessments:
                    return self._assessments[key]
            result = pipeline.assess(self.load(case_id))
            with self._lock:
                self._assessments[key] = result
                while len(self._assessments) > 16:
                    self._assessments.popitem(last=False)
        return result

    # -- officials --------------------------------------------------------------------------

    def canonical_officials(
        self, filename: str, content: bytes, province: str | None, mapping: str | None
    ) -> bytes:
        header, rows = read_raw(filename, content)
        headers_map: dict[str, str] = {}
        values_map: dict[str, Any] = {}
        if mapping:
            saved = self.db.mapping(province or "", mapping)
            if saved is None:
                raise InputError(
                    "no saved mapping of that name for this province",
                    field="mapping",
                    found=mapping,
                    expected="a mapping saved under Mappings",
                )
            headers_map, values_map = saved
        return to_canonical_csv(header, rows, headers_map, values_map)

    def officials_problems(self, csv_bytes: bytes, filename: str) -> list[Any]:
        framework = bundled_framework()
        with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
            path = Path(tmp) / OFFICIALS_FILE
            path.write_bytes(csv_bytes)
            return row_problems(
                path, set(framework.positions), set(framework.leader_groups), display=filename
            )

    # -- cases ------------------------------------------------------------------------------

    def create_case(
        self,
        who: Principal,
        case_yaml: bytes,
        officials_csv: bytes,
        officials_name: str,
        side: dict[str, bytes],
        province: str | None,
        commune: str | None,
    ) -> Any:
        province, commune = self.scope_for(who, province, commune)
        problems = self.officials_problems(officials_csv, officials_name)
        if problems:
            raise OfficialsRejected(problems, officials_name)
        settings = parse_case_yaml(case_yaml)
        settings["officials"] = OFFICIALS_FILE
        files = {OFFICIALS_FILE: officials_csv}
        for kind, name in SIDE_TABLES.items():
            settings.pop(kind, None)
            if kind in side:
                settings[kind] = name
                files[name] = side[kind]
        files["case.yaml"] = dump_case_yaml(settings)
        with tempfile.TemporaryDirectory(prefix="planner-new-case-") as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
            info = self.store.import_case(tmp)
        self.db.set_scope(info.id, province, commune, who.account_id)
        return info

    def scope_for(
        self, who: Principal, province: str | None, commune: str | None
    ) -> tuple[str, str | None]:
        """The unit a new case of `who` belongs to: its own, or one inside it."""
        province = (province or "").strip() or who.province
        commune = (commune or "").strip() or who.commune
        if not province:
            raise InputError("the case needs a province", field="province", expected="a province")
        if not who.sees(province, commune):
            raise InputError(
                "that unit is outside your account's unit",
                field="province" if province != who.province else "commune",
                found=commune if province == who.province else province,
                expected=f"{who.province or ''} {who.commune or ''}".strip(),
            )
        return province, commune

    def update_settings(self, case_id: int, version: int, changes: dict[str, Any]) -> Any:
        files = self.store.case_files(case_id)
        settings = parse_case_yaml(files["case.yaml"])
        for key, value in changes.items():
            if key in ("officials", "history", "units", "indicators", "rules", "catalog"):
                raise InputError(
                    "this setting is not changed here",
                    path="case.yaml",
                    field=key,
                    expected="name, reference_date, years, term, budget or limits",
                )
            settings[key] = value
        return self.store.replace_case_files(
            case_id, {"case.yaml": dump_case_yaml(settings)}, expected_version=version
        )

    def replace_officials(self, case_id: int, version: int, officials_csv: bytes, name: str) -> Any:
        problems = self.officials_problems(officials_csv, name)
        if problems:
            raise OfficialsRejected(problems, name)
        files = self.store.case_files(case_id)
        settings = parse_case_yaml(files["case.yaml"])
        remove: list[str] = []
        changed: dict[str, bytes] = {OFFICIALS_FILE: officials_csv}
        if settings.get("officials") != OFFICIALS_FILE:
            remove.append(str(settings.get("officials")))
            settings["officials"] = OFFICIALS_FILE
            changed["case.yaml"] = dump_case_yaml(settings)
        return self.store.replace_case_files(
            case_id, changed, expected_version=version, remove=remove
        )

    def delete_case(self, case_id: int) -> None:
        runs = [r.id for r in self.store.list_runs(case_id)]
        for run_id in runs:
            if run_id in self.runner.active() or run_id in self.runner.queued():
                self.runner.cancel(run_id)
        self.store.delete_case(case_id)
        self.db.forget_case(case_id, runs)


def parse_case_yaml(data: bytes) -> dict[str, Any]:
    """case.yaml's settings as a dict; only bundled rules and catalog (a path would name the
    server's files)."""
    if len(data) > MAX_CASE_YAML_BYTES:
        raise InputError("case.yaml too large", path="case.yaml", expected="at most 64 KB")
    try:
        settings = yaml.safe_load(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            "case.yaml is not valid YAML",
            path="case.yaml",
            line=line + 1 if line is not None else None,
            expected="the settings of case.yaml described in README",
        ) from None
    if not isinstance(settings, dict):
        raise InputError(
            "case.yaml is not a mapping", path="case.yaml", expected="key: value lines"
        )
    for key in ("rules", "catalog"):
        value = settings.get(key, "bundled")
        if value != "bundled":
            raise InputError(
                "the service uses the bundled law and catalog",
                path="case.yaml",
                field=key,
                found=value,
                expected="bundled",
            )
    if "indicators" in settings:
        raise InputError(
            "indicators are not uploaded through the service yet",
            path="case.yaml",
            field="indicators",
        )
    return settings


def dump_case_yaml(settings: dict[str, Any]) -> bytes:
    text = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)
    # A date sent as JSON text goes back as a YAML date (the loader wants a date).
    text = re.sub(r"^(reference_date): '(\d{4}-\d{2}-\d{2})'$", r"\1: \2", text, flags=re.M)
    return text.encode("utf-8")


def side_table(kind: str, filename: str, content: bytes) -> bytes:
    """A history or units table: CSV as is, or an XLSX converted to CSV."""
    if len(content) > MAX_SIDE_TABLE_BYTES:
        raise InputError("file too large", path=filename, expected="at most 20 MB")
    header, rows = read_raw(filename, content)
    return to_canonical_csv(header, rows)
