"""The HTTP API (`/api/v1`): the CLI's JSON contracts (DESIGN §4) over stored cases, plus
cases, uploads, background runs, mappings and accounts. Every input error is a 4xx with the
file/row/field message (`ErrorOut`); the OpenAPI document is at /openapi.json."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from planner.analysis.evaluate import Evaluation
from planner.errors import InputError
from planner.report.schemas import AssessmentOut, PlanOut, RecommendationsOut, WhatIfOut
from planner.server.auth import admin_role, check_case, planner_role, state, viewer
from planner.server.db import Principal
from planner.server.reports import (
    MEDIA_TYPES,
    assessment_file,
    evaluation_file,
    recommendation_file,
)
from planner.server.schemas import (
    AccountIn,
    AccountOut,
    AttendanceOut,
    BudgetLineOut,
    CaseOut,
    CaseSettingsIn,
    CheckOut,
    ErrorOut,
    MappingIn,
    MappingOut,
    PlanIn,
    ProblemsOut,
    RunOut,
    TokenIn,
    TokenOut,
    ValidationOut,
    WhatIfIn,
)
from planner.server.uploads import MAX_UPLOAD_BYTES

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 422)
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)
Viewer = Annotated[Principal, Depends(viewer)]
Planner = Annotated[Principal, Depends(planner_role)]
Admin = Annotated[Principal, Depends(admin_role)]
CaseId = Annotated[int, Query(ge=1, le=2**31 - 1)]
Lang = Annotated[Literal["vi", "en"], Query()]


def _file_response(content: bytes, fmt: str, stem: str) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def _file_doc(*formats: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "content": {
                MEDIA_TYPES[f].split(";")[0]: {"schema": {"type": "string"}} for f in formats
            }
        }
    }


def _json(text: str | bytes) -> Response:
    return Response(text, media_type="application/json")


async def read_upload(upload: UploadFile, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The upload's bytes, refused past `limit` without reading further."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            "file too large", path=upload.filename or "upload", expected=f"at most {limit} bytes"
        )
    return data


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time with its zone (SQLite gives them back naive; they are UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


def case_out(request: Request, info: Any) -> CaseOut:
    scope = state(request).db.scope(info.id) or ("", None)
    return CaseOut(
        id=info.id,
        name=info.name,
        province=scope[0],
        commune=scope[1],
        reference_date=info.reference_date,
        years=list(info.years),
        term=list(info.term),
        version=info.version,
        officials=info.officials,
        history=info.history,
        budget=[BudgetLineOut(year=y, source=s, amount=a) for y, s, a in info.budget],
        files=list(info.files),
        updated_at=_utc(info.updated_at) or info.updated_at,
    )


def run_out(request: Request, run: Any) -> RunOut:
    error = run.error
    if error and "trace" in error:  # the trace is for the log, not for the client
        error = {k: v for k, v in error.items() if k != "trace"}
    return RunOut(
        id=run.id,
        case_id=run.case_id,
        case_version=run.case_version,
        kind=run.kind,
        status=run.status,
        progress=run.progress,
        message=run.message,
        settings=run.settings,
        created_at=_utc(run.created_at) or run.created_at,
        started_at=_utc(run.started_at),
        finished_at=_utc(run.finished_at),
        time_s=run.time_s,
        adopted_at=_utc(run.adopted_at),
        error=error,
        files=state(request).db.run_file_names(run.id),
    )


def _run_for(request: Request, who: Principal, run_id: int, with_output: bool = False) -> Any:
    from planner.store import NotFoundError

    app = state(request)
    try:
        run = app.store.get_run(run_id, with_output=with_output)
    except NotFoundError:
        raise InputError(f"no run {run_id}", field="run_id") from None
    check_case(request, who, run.case_id)
    return run


# -- who am I, accounts, tokens ----------------------------------------------------------------


@router.get("/me", response_model=AccountOut, tags=["accounts"])
def me(who: Viewer) -> AccountOut:
    return AccountOut(**who.as_dict())


@router.post("/accounts", response_model=AccountOut, status_code=201, tags=["accounts"])
def create_account(request: Request, body: AccountIn, who: Admin) -> AccountOut:
    """An account inside the admin's own unit."""
    province = body.province or who.province
    commune = body.commune or (who.commune if province == who.province else None)
    if not who.sees(province or "", commune) or (who.province is not None and not province):
        raise InputError(
            "that unit is outside your account's unit", field="province", found=province
        )
    made = state(request).db.create_account(
        body.username, body.password, body.role, province, commune
    )
    return AccountOut(**made.as_dict())


@router.post("/tokens", response_model=TokenOut, status_code=201, tags=["accounts"])
def create_token(request: Request, body: TokenIn, who: Planner) -> TokenOut:
    """An API token for a system acting as this account (shown once)."""
    return TokenOut(token=state(request).db.create_token(who.account_id, body.name), name=body.name)


# -- cases -------------------------------------------------------------------------------------


@router.get("/cases", response_model=list[CaseOut], tags=["cases"])
def list_cases(request: Request, who: Viewer) -> list[CaseOut]:
    app = state(request)
    scopes = app.db.scopes()
    out = []
    for info in app.store.list_cases():
        scope = scopes.get(info.id)
        visible = who.province is None if scope is None else who.sees(*scope)
        if visible:
            out.append(case_out(request, info))
    return out


@router.post("/cases", response_model=CaseOut, status_code=201, tags=["cases"])
async def create_case(
    request: Request,
    who: Planner,
    case_yaml: Annotated[UploadFile, File(description="case.yaml (the case settings)")],
    officials: Annotated[UploadFile, File(description="officials table, .csv or .xlsx")],
    history: Annotated[UploadFile | None, File()] = None,
    units: Annotated[UploadFile | None, File()] = None,
    province: Annotated[str | None, Form(max_length=200)] = None,
    commune: Annotated[str | None, Form(max_length=200)] = None,
    mapping: Annotated[str | None, Form(max_length=200)] = None,
) -> CaseOut:
    """A new case from case.yaml and its tables; every bad officials row is reported (422)."""
    from planner.server.service import side_table

    app = state(request)
    settings = await read_upload(case_yaml, 64 * 1024)
    raw = await read_upload(officials)
    name = officials.filename or "officials"
    side: dict[str, bytes] = {}
    for kind, upload in (("history", history), ("units", units)):
        if upload is not None and upload.filename:
            side[kind] = side_table(kind, upload.filename, await read_upload(upload))
    unit = app.scope_for(who, province, commune)
    csv_bytes = await run_in_threadpool(app.canonical_officials, name, raw, unit[0], mapping)
    info = await run_in_threadpool(
        app.create_case, who, settings, csv_bytes, name, side, unit[0], unit[1]
    )
    return case_out(request, info)


@router.get("/cases/{case_id}", response_model=CaseOut, tags=["cases"])
def get_case(request: Request, case_id: int, who: Viewer) -> CaseOut:
    check_case(request, who, case_id)
    return case_out(request, state(request).store.get_case(case_id))


@router.delete("/cases/{case_id}", status_code=204, tags=["cases"])
def delete_case(request: Request, case_id: int, who: Planner) -> Response:
    check_case(request, who, case_id)
    state(request).delete_case(case_id)
    return Response(status_code=204)


@router.patch("/cases/{case_id}", response_model=CaseOut, tags=["cases"])
def update_case(request: Request, case_id: int, body: CaseSettingsIn, who: Planner) -> CaseOut:
    """Change case.yaml's settings (name, dates, years, term, budget, limits)."""
    check_case(request, who, case_id)
    changes = body.model_dump(exclude_none=True, mode="json")
    version = changes.pop("version")
    return case_out(request, state(request).update_settings(case_id, version, changes))


@router.put("/cases/{case_id}/officials", response_model=CaseOut, tags=["cases"])
async def replace_officials(
    request: Request,
    case_id: int,
    who: Planner,
    file: Annotated[UploadFile, File(description="officials table, .csv or .xlsx")],
    version: Annotated[int, Form(ge=1)],
    mapping: Annotated[str | None, Form(max_length=200)] = None,
) -> CaseOut:
    """A new officials table for the case (422 with every bad row; 409 if the case changed)."""
    province, _ = check_case(request, who, case_id)
    app = state(request)
    raw = await read_upload(file)
    name = file.filename or "officials"
    csv_bytes = await run_in_threadpool(app.canonical_officials, name, raw, province, mapping)
    info = await run_in_threadpool(app.replace_officials, case_id, version, csv_bytes, name)
    return case_out(request, info)


@router.post("/officials/check", response_model=ProblemsOut, tags=["cases"])
async def check_officials(
    request: Request,
    who: Viewer,
    file: Annotated[UploadFile, File(description="officials table, .csv or .xlsx")],
    mapping: Annotated[str | None, Form(max_length=200)] = None,
) -> ProblemsOut:
    """Every bad row of an officials table, without storing it."""
    app = state(request)
    raw = await read_upload(file)
    name = file.filename or "officials"
    csv_bytes = await run_in_threadpool(
        app.canonical_officials, name, raw, who.province or "", mapping
    )
    problems = await run_in_threadpool(app.officials_problems, csv_bytes, name)
    rows = max(csv_bytes.count(b"\n") - 1, 0)
    return ProblemsOut(rows=rows, problems=[p.as_dict() for p in problems])


@router.get("/templates/officials.xlsx", responses=_file_doc("xlsx"), tags=["cases"])
def officials_template(
    request: Request, who: Viewer, lang: Lang = "vi", case_id: CaseId | None = None
) -> Response:
    """The officials template workbook with drop-down lists (positions, degrees, LLCT…)."""
    from planner.server.service import bundled_framework
    from planner.server.template import officials_template as make

    units: list[str] = []
    if case_id is not None:
        check_case(request, who, case_id)
        case = state(request).load(case_id)
        units = sorted({o.unit for o in case.officials} | set(case.units))
    framework = bundled_framework()
    content = make(lang, sorted(framework.positions), units, sorted(framework.leader_groups))
    return _file_response(content, "xlsx", "mau-can-bo" if lang == "vi" else "officials-template")


# -- the pipeline, synchronously ---------------------------------------------------------------


@router.get("/cases/{case_id}/validation", response_model=ValidationOut, tags=["pipeline"])
def validate(request: Request, case_id: int, who: Viewer, lang: Lang = "vi") -> ValidationOut:
    """`planner validate`: the case loads; counts and warnings."""
    from planner.analysis.validation import case_warnings
    from planner.report.text import render

    check_case(request, who, case_id)
    case = state(request).load(case_id)
    return ValidationOut(
        name=case.config.name,
        officials=len(case.officials),
        rules=len(case.framework.rules),
        courses=len(case.catalog.courses),
        history=len(case.history),
        warnings=[render(w, lang) for w in case_warnings(case)],
    )


def _assessment(request: Request, case_id: int, on: dt.date | None) -> tuple[Any, Any]:
    from planner import pipeline

    app = state(request)
    case = app.load(case_id)
    return case, app.assessment(case_id) if on is None else pipeline.assess(case, on)


@router.get(
    "/cases/{case_id}/assessment", responses={200: {"model": AssessmentOut}}, tags=["pipeline"]
)
def assessment(
    request: Request, case_id: int, who: Viewer, lang: Lang = "vi", on: dt.date | None = None
) -> Response:
    """`planner assess --format json`: every need with priority, deadline, reference, reason."""
    check_case(request, who, case_id)
    case, result = _assessment(request, case_id, on)
    return _json(assessment_file(case, result, "json", lang))


@router.get(
    "/cases/{case_id}/assessment/download",
    responses=_file_doc("csv", "xlsx", "html"),
    tags=["pipeline"],
)
def assessment_download(
    request: Request,
    case_id: int,
    who: Viewer,
    format: Literal["csv", "xlsx", "html"] = "xlsx",
    lang: Lang = "vi",
    on: dt.date | None = None,
) -> Response:
    check_case(request, who, case_id)
    case, result = _assessment(request, case_id, on)
    return _file_response(assessment_file(case, result, format, lang), format, "assessment")


def _recommendations(request: Request, case_id: int, official: str | None) -> tuple[Any, Any]:
    from planner import pipeline
    from planner.assess.needs import Assessment

    case = state(request).load(case_id)
    result = pipeline.assess(case)
    if official is not None:
        if official not in {o.id for o in case.officials}:
            raise InputError("unknown official", field="official", found=official)
        result = Assessment(
            result.reference_date, 1, [n for n in result.needs if n.official_id == official]
        )
    return case, pipeline.recommend(case, result)


@router.get(
    "/cases/{case_id}/recommendations",
    responses={200: {"model": RecommendationsOut}},
    tags=["pipeline"],
)
def recommendations(
    request: Request,
    case_id: int,
    who: Viewer,
    lang: Lang = "vi",
    official: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """`planner recommend --format json`: candidate courses per need, and the excluded ones."""
    check_case(request, who, case_id)
    case, recs = _recommendations(request, case_id, official)
    return _json(recommendation_file(case, recs, "json", lang))


@router.get(
    "/cases/{case_id}/recommendations/download",
    responses=_file_doc("csv", "xlsx"),
    tags=["pipeline"],
)
def recommendations_download(
    request: Request,
    case_id: int,
    who: Viewer,
    format: Literal["csv", "xlsx"] = "xlsx",
    lang: Lang = "vi",
    official: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    check_case(request, who, case_id)
    case, recs = _recommendations(request, case_id, official)
    return _file_response(recommendation_file(case, recs, format, lang), format, "recommendations")


def _evaluation(request: Request, case_id: int, year: int | None, lang: str) -> Any:
    from planner.analysis.evaluate import evaluate_case
    from planner.report.evaluation import rendered

    case = state(request).load(case_id)
    return rendered(evaluate_case(case, year=year), lang)


@router.get(
    "/cases/{case_id}/evaluation", responses={200: {"model": Evaluation}}, tags=["pipeline"]
)
def evaluation(
    request: Request,
    case_id: int,
    who: Viewer,
    lang: Lang = "vi",
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    """`planner evaluate --format json`: the four Kirkpatrick levels per course and session."""
    check_case(request, who, case_id)
    return _json(evaluation_file(_evaluation(request, case_id, year, lang), "json", lang))


@router.get(
    "/cases/{case_id}/evaluation/download",
    responses=_file_doc("csv", "xlsx", "html"),
    tags=["pipeline"],
)
def evaluation_download(
    request: Request,
    case_id: int,
    who: Viewer,
    format: Literal["csv", "xlsx", "html"] = "xlsx",
    lang: Lang = "vi",
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    check_case(request, who, case_id)
    result = _evaluation(request, case_id, year, lang)
    return _file_response(evaluation_file(result, format, lang), format, "evaluation")


@router.post("/cases/{case_id}/check", response_model=CheckOut, tags=["pipeline"])
async def check_plan(
    request: Request,
    case_id: int,
    who: Viewer,
    plan: Annotated[UploadFile, File(description="the Plan JSON of `planner plan`")],
    lang: Lang = "vi",
) -> CheckOut:
    """`planner check`: a saved plan re-checked against every hard rule, without a solver."""
    from planner import pipeline
    from planner.analysis.evaluate import case_effectiveness
    from planner.report.plan_text import violation_text

    check_case(request, who, case_id)
    name = plan.filename or "plan.json"
    raw = await read_upload(plan)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"not valid JSON: {getattr(exc, 'msg', exc)}",
            path=name,
            line=getattr(exc, "lineno", None),
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("assignments"), list):
        raise InputError(
            "not a plan", path=name, field="assignments", expected="the Plan JSON of `planner plan`"
        )

    def run() -> CheckOut:
        years = data.get("years")
        case = state(request).load(case_id)
        if isinstance(years, list) and all(isinstance(y, int) for y in years) and years:
            case = pipeline.with_years(case, years)
        prepared = pipeline.prepare(case)
        weights = None
        options = data.get("options")
        if isinstance(options, dict) and options.get("weight_by_effectiveness"):
            weights = case_effectiveness(prepared.case)
        try:
            report = pipeline.check(prepared, data, weights)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"the plan does not fit this case: {exc}", path=name, field="assignments"
            ) from None
        return CheckOut(
            ok=report.ok,
            objective=int(report.objective),
            violations=[violation_text(lang, v) for v in report.violations],
        )

    return await run_in_threadpool(run)


# -- background runs ---------------------------------------------------------------------------


@router.post("/cases/{case_id}/plans", response_model=RunOut, status_code=202, tags=["runs"])
def start_plan(request: Request, case_id: int, body: PlanIn, who: Planner) -> RunOut:
    """`planner plan` as a background job; poll /runs/{id} or follow /runs/{id}/events."""
    check_case(request, who, case_id)
    settings = body.model_dump(mode="json", exclude_none=True)
    return run_out(request, state(request).runner.submit(case_id, "plan", settings))


@router.post("/cases/{case_id}/whatif", response_model=RunOut, status_code=202, tags=["runs"])
def start_whatif(request: Request, case_id: int, body: WhatIfIn, who: Planner) -> RunOut:
    """`planner whatif` as a background job; a bad scenario is a 422 here, before any solve."""
    import tempfile
    from pathlib import Path

    from planner.analysis.scenario import budget_scale_scenarios
    from planner.server.scenarios import load_scenarios

    check_case(request, who, case_id)
    if not body.scenarios and not body.budget_scale:
        raise InputError(
            "nothing to compare", field="scenarios", expected="scenarios and/or budget_scale"
        )
    if body.budget_scale:
        sweep = budget_scale_scenarios(body.budget_scale)
        if len(sweep) > 12:
            raise InputError(
                "too many budget points", field="budget_scale", found=len(sweep), expected="≤ 12"
            )
    case = state(request).load(case_id)
    with tempfile.TemporaryDirectory(prefix="planner-scenarios-") as tmp:
        load_scenarios(case, body.scenarios, Path(tmp))
    settings = body.model_dump(mode="json", exclude_none=True)
    return run_out(request, state(request).runner.submit(case_id, "whatif", settings))


@router.get("/cases/{case_id}/runs", response_model=list[RunOut], tags=["runs"])
def list_runs(request: Request, case_id: int, who: Viewer) -> list[RunOut]:
    check_case(request, who, case_id)
    return [run_out(request, r) for r in state(request).store.list_runs(case_id)]


@router.get("/runs/{run_id}", response_model=RunOut, tags=["runs"])
def get_run(request: Request, run_id: int, who: Viewer) -> RunOut:
    return run_out(request, _run_for(request, who, run_id))


@router.get(
    "/runs/{run_id}/events",
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
    tags=["runs"],
)
async def run_events(
    request: Request,
    run_id: int,
    who: Viewer,
    timeout: Annotated[float, Query(ge=0.5, le=3600)] = 600,
) -> StreamingResponse:
    """Server-sent events: the run as JSON at each change, until it ends or `timeout` seconds
    pass (then reconnect: the state is in the database)."""
    _run_for(request, who, run_id)
    app = state(request)

    async def stream() -> Any:
        last = None
        for _ in range(max(1, int(timeout * 2))):  # half-second polls
            run = await run_in_threadpool(app.store.get_run, run_id, with_output=False)
            data = run_out(request, run).model_dump_json()
            if data != last:
                yield f"data: {data}\n\n"
                last = data
            if run.status in ("finished", "failed", "cancelled") or await request.is_disconnected():
                return
            await asyncio.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream")


@router.post("/runs/{run_id}/cancel", response_model=RunOut, tags=["runs"])
def cancel_run(request: Request, run_id: int, who: Planner) -> RunOut:
    _run_for(request, who, run_id)
    return run_out(request, state(request).runner.cancel(run_id))


@router.get("/runs/{run_id}/output", responses={200: {"model": PlanOut | WhatIfOut}}, tags=["runs"])
def run_output(request: Request, run_id: int, who: Viewer) -> Response:
    """The run's JSON (the Plan or What-if JSON, byte for byte as the CLI writes it)."""
    run = _run_for(request, who, run_id)
    name = f"{'plan' if run.kind == 'plan' else 'whatif'}.json"
    found = state(request).db.run_file(run_id, name)
    if found is None:
        raise InputError(
            "this run has no output yet", field="status", found=run.status, expected="finished"
        )
    return _json(found[1])


@router.get("/runs/{run_id}/download", responses=_file_doc("json", "xlsx", "html"), tags=["runs"])
def run_download(
    request: Request, run_id: int, who: Viewer, format: Literal["json", "xlsx", "html"] = "xlsx"
) -> Response:
    run = _run_for(request, who, run_id)
    stem = "plan" if run.kind == "plan" else "whatif"
    found = state(request).db.run_file(run_id, f"{stem}.{format}")
    if found is None:
        raise InputError(
            f"this run has no {format} report",
            field="format",
            found=format,
            expected=", ".join(state(request).db.run_file_names(run_id)) or "a finished run",
        )
    return _file_response(found[1], format, f"{stem}-{run_id}")


@router.post("/runs/{run_id}/adopt", response_model=AttendanceOut, tags=["runs"])
def adopt(request: Request, run_id: int, who: Planner) -> AttendanceOut:
    """Adopt a finished plan: it becomes the case's attendance (next year's history)."""
    _run_for(request, who, run_id)
    return AttendanceOut(adopted=len(state(request).store.adopt_plan(run_id)))


# -- mappings ----------------------------------------------------------------------------------


@router.get("/mappings", response_model=list[str], tags=["mappings"])
def list_mappings(request: Request, who: Viewer) -> list[str]:
    names: list[str] = state(request).db.mappings(who.province or "")
    return names


@router.get("/mappings/{name}", response_model=MappingOut, tags=["mappings"])
def get_mapping(request: Request, name: str, who: Viewer) -> MappingOut:
    province = who.province or ""
    found = state(request).db.mapping(province, name)
    if found is None:
        raise InputError("no mapping of that name", field="name", found=name)
    return MappingOut(province=province, name=name, headers=found[0], values=found[1])


@router.put("/mappings/{name}", response_model=MappingOut, tags=["mappings"])
def save_mapping(request: Request, name: str, body: MappingIn, who: Planner) -> MappingOut:
    """Save how an HR system's headers and values map to planner's fields, for the province."""
    if not name.strip() or len(name) > 200:
        raise InputError("a mapping needs a name", field="name", expected="1-200 characters")
    province = who.province or ""
    state(request).db.save_mapping(province, name, body.headers, body.values)
    return MappingOut(province=province, name=name, headers=body.headers, values=body.values)
