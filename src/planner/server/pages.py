"""The planners' web pages: server-rendered (Jinja2), Vietnamese by default with an English
switch, every script and style served by the app itself (works offline).

Log in; list the unit's cases; make a case from an officials workbook (every bad row shown with
its field and what is expected, fixed in the page); see the needs per unit; run a plan with a
progress bar; read the plan report and download the workbook; move the budget or add a class
and compare with the adopted plan; adopt a plan; save a header/value mapping for the province.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from collections import Counter, defaultdict
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from planner.errors import InputError
from planner.i18n import LANGUAGES, format_int, format_vnd
from planner.server.auth import (
    check_case,
    optional_principal,
    planner_role,
    principal,
    state,
    viewer,
)
from planner.server.db import Principal
from planner.server.security import SESSION_COOKIE, SESSION_MAX_AGE_S, same_token
from planner.server.service import OfficialsRejected, dump_case_yaml
from planner.server.text import known, tr
from planner.server.uploads import MAX_UPLOAD_BYTES, Problem
from planner.types import FUNDING_SOURCES

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "planner_lang"
LOGIN_CSRF_COOKIE = "planner_login_csrf"
Viewer = Annotated[Principal, Depends(viewer)]
Planner = Annotated[Principal, Depends(planner_role)]

_ENV = Environment(
    loader=FileSystemLoader(str(resources.files("planner.server") / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "vi"
    return lang if lang in LANGUAGES else "vi"


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    who = optional_principal(request)
    html = _ENV.get_template(template).render(
        lang=lang,
        _=lambda key, **values: tr(lang, key, **values),
        known=lambda prefix, text: known(lang, prefix, text),
        who=who,
        csrf=getattr(request.state, "csrf", ""),
        path=request.url.path,
        format_int=lambda v: format_int(v, lang),
        format_vnd=lambda v: format_vnd(v, lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    # Only a path of this site: never an address elsewhere (no open redirect).
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


# -- logging in --------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", next=_safe_next(next), login_csrf=token, failed=False)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf):
        return page(request, "error.html", 403, message=tr(lang_of(request), "web.error.csrf"))
    found = state(request).db.authenticate(username, password)
    if found is None:
        token = secrets.token_urlsafe(24)
        response = page(
            request, "login.html", 401, next=_safe_next(next), login_csrf=token, failed=True
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response
    cookie, _csrf = state(request).signer.dumps(found.account_id)
    redirect = _redirect(_safe_next(next))
    redirect.set_cookie(
        SESSION_COOKIE, cookie, httponly=True, samesite="lax", max_age=SESSION_MAX_AGE_S
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


@router.post("/logout")
async def logout(request: Request, _who: Viewer) -> Response:
    from planner.server.auth import check_csrf

    await check_csrf(request)
    response = _redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_lang(lang: str, next: str = "/") -> Response:
    response = _redirect(_safe_next(next))
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
    return response


# -- cases -------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Viewer) -> HTMLResponse:
    from planner.server.api import list_cases

    return page(request, "cases.html", cases=list_cases(request, who))


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(request: Request, who: Viewer) -> HTMLResponse:
    year = dt.date.today().year
    return page(
        request,
        "case_new.html",
        sources=FUNDING_SOURCES,
        year=year,
        today=dt.date.today().isoformat(),
        mappings=state(request).db.mappings(who.province or ""),
        error=None,
    )


@router.post("/cases/new", response_class=HTMLResponse)
async def new_case(
    request: Request,
    who: Planner,
    officials: Annotated[UploadFile, File()],
    name: Annotated[str, Form(min_length=1, max_length=300)],
    reference_date: Annotated[dt.date, Form()],
    year_from: Annotated[int, Form(ge=2000, le=2100)],
    year_to: Annotated[int, Form(ge=2000, le=2100)],
    term_start: Annotated[int, Form(ge=2000, le=2100)],
    term_end: Annotated[int, Form(ge=2000, le=2100)],
    province: Annotated[str, Form(max_length=200)] = "",
    commune: Annotated[str, Form(max_length=200)] = "",
    mapping: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    app = state(request)
    form = await request.form()
    budget = []
    for source in FUNDING_SOURCES:
        raw = str(form.get(f"budget_{source}", "") or "").replace(".", "").replace(",", "")
        if raw.strip():
            try:
                amount = int(raw)
            except ValueError:
                amount = -1
            if amount < 0:
                return _new_case_error(request, who, tr(lang_of(request), "web.error.amount"))
            budget += [
                {"year": y, "source": source, "amount": amount}
                for y in range(year_from, year_to + 1)
            ]
    settings = {
        "name": name,
        "reference_date": reference_date.isoformat(),
        "years": list(range(year_from, year_to + 1)),
        "term": {"start": term_start, "end": term_end},
        "officials": "officials.csv",
        "rules": "bundled",
        "catalog": "bundled",
        "budget": budget,
    }
    data = await officials.read(MAX_UPLOAD_BYTES + 1)
    filename = officials.filename or "officials.xlsx"
    try:
        unit = app.scope_for(who, province, commune)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError("file too large", path=filename, expected="at most 10 MB")
        csv_bytes = await run_in_threadpool(
            app.canonical_officials, filename, data, unit[0], mapping or None
        )
    except InputError as error:
        return _new_case_error(request, who, error.render())
    pending = {
        "case_yaml": dump_case_yaml(settings).decode("utf-8"),
        "province": unit[0],
        "commune": unit[1],
    }
    upload_id = app.db.save_upload(who.account_id, None, filename, csv_bytes, pending)
    return await _take_upload(request, who, upload_id)


def _new_case_error(request: Request, who: Principal, message: str) -> HTMLResponse:
    return page(
        request,
        "case_new.html",
        422,
        sources=FUNDING_SOURCES,
        year=dt.date.today().year,
        today=dt.date.today().isoformat(),
        mappings=state(request).db.mappings(who.province or ""),
        error=message,
    )


async def _take_upload(request: Request, who: Principal, upload_id: int) -> Response:
    """Put a clean upload into its case (new or existing); with bad rows, show them."""
    app = state(request)
    upload = app.db.upload(upload_id, who.account_id)
    if upload is None:
        return page(request, "error.html", 404, message=tr(lang_of(request), "web.error.upload"))
    try:
        if upload.case_id is None:
            pending = upload.pending or {}
            info = await run_in_threadpool(
                app.create_case,
                who,
                str(pending.get("case_yaml", "")).encode("utf-8"),
                upload.content,
                upload.filename,
                {},
                pending.get("province"),
                pending.get("commune"),
            )
        else:
            check_case(request, who, upload.case_id)
            version = int((upload.pending or {}).get("version", 0))
            info = await run_in_threadpool(
                app.replace_officials, upload.case_id, version, upload.content, upload.filename
            )
    except OfficialsRejected as rejected:
        return _upload_page(request, upload, rejected.problems, 422)
    except InputError as error:
        return _upload_page(request, upload, [Problem.of(error)], 422)
    app.db.drop_upload(upload_id)
    return _redirect(f"/cases/{info.id}?uploaded=1")


def _upload_page(request: Request, upload: Any, problems: list[Problem], status: int) -> Response:
    rows = list(csv.reader(io.StringIO(upload.content.decode("utf-8"))))
    header = rows[0] if rows else []
    shown = []
    for problem in problems:
        cells = rows[problem.row - 1] if problem.row and 1 < problem.row <= len(rows) else []
        column = problem.column or ""
        fixable = problem.row is not None and problem.row > 1 and column in header
        shown.append(
            {
                "problem": problem,
                "fixable": fixable,
                "name": f"fix-{problem.row}-{header.index(column)}" if fixable else "",
                "value": problem.found or "",
                "who": ", ".join(c for c in cells[:2] if c),
            }
        )
    return page(
        request, "upload.html", status, upload=upload, problems=shown, total=max(len(rows) - 1, 0)
    )


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
async def upload_page(request: Request, upload_id: int, who: Viewer) -> Response:
    return await _take_upload(request, who, upload_id)


@router.post("/uploads/{upload_id}", response_class=HTMLResponse)
async def fix_upload(request: Request, upload_id: int, who: Planner) -> Response:
    """Apply the cells fixed in the page, then try again."""
    app = state(request)
    upload = app.db.upload(upload_id, who.account_id)
    if upload is None:
        return page(request, "error.html", 404, message=tr(lang_of(request), "web.error.upload"))
    form = await request.form()
    rows = list(csv.reader(io.StringIO(upload.content.decode("utf-8"))))
    for key, value in form.items():
        if not key.startswith("fix-") or not isinstance(value, str):
            continue
        try:
            _, row_text, column_text = key.split("-")
            row, column = int(row_text), int(column_text)
        except ValueError:
            continue
        if 1 < row <= len(rows) and 0 <= column < len(rows[0]):
            cells = rows[row - 1]
            cells.extend([""] * (len(rows[0]) - len(cells)))
            cells[column] = value.strip()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    app.db.replace_upload(upload_id, out.getvalue().encode("utf-8"))
    return await _take_upload(request, who, upload_id)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, who: Viewer) -> HTMLResponse:
    from planner.server.api import case_out, run_out

    check_case(request, who, case_id)
    app = state(request)
    info = app.store.get_case(case_id)
    case = app.load(case_id)
    assessment = app.assessment(case_id)
    units = _needs_per_unit(case, assessment)
    runs = [run_out(request, r) for r in app.store.list_runs(case_id)]
    adopted = next((r for r in runs if r.adopted_at is not None), None)
    return page(
        request,
        "case.html",
        case=case_out(request, info),
        units=units,
        needs=len(assessment.needs),
        runs=runs,
        adopted=adopted,
        mappings=app.db.mappings(who.province or ""),
        courses=sorted(case.catalog.courses),
        uploaded=request.query_params.get("uploaded") == "1",
        total_budget=sum(a for _, _, a in info.budget),
    )


def _needs_per_unit(case: Any, assessment: Any) -> list[dict[str, Any]]:
    staff = Counter(o.unit for o in case.officials)
    unit_of = {o.id: o.unit for o in case.officials}
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    people: dict[str, set[str]] = defaultdict(set)
    for need in assessment.needs:
        unit = unit_of[need.official_id]
        kinds[unit][str(need.kind)] += 1
        people[unit].add(need.official_id)
    return [
        {
            "unit": unit,
            "staff": staff[unit],
            "with_needs": len(people[unit]),
            "qualification": kinds[unit]["qualification"],
            "competency": kinds[unit]["competency"],
            "mandatory": kinds[unit]["mandatory"],
            "total": sum(kinds[unit].values()),
        }
        for unit in sorted(staff)
    ]


@router.post("/cases/{case_id}/officials", response_class=HTMLResponse)
async def case_officials(
    request: Request,
    case_id: int,
    who: Planner,
    officials: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    province, _ = check_case(request, who, case_id)
    app = state(request)
    data = await officials.read(MAX_UPLOAD_BYTES + 1)
    filename = officials.filename or "officials.xlsx"
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise InputError("file too large", path=filename, expected="at most 10 MB")
        csv_bytes = await run_in_threadpool(
            app.canonical_officials, filename, data, province, mapping or None
        )
    except InputError as error:
        return page(request, "error.html", 422, message=error.render())
    version = app.store.get_case(case_id).version
    upload_id = app.db.save_upload(
        who.account_id, case_id, filename, csv_bytes, {"version": version}
    )
    return await _take_upload(request, who, upload_id)


@router.post("/cases/{case_id}/plan")
def case_plan(
    request: Request,
    case_id: int,
    who: Planner,
    time_limit: Annotated[float, Form(ge=1, le=600)] = 10.0,
) -> Response:
    check_case(request, who, case_id)
    settings = {"engine": "auto", "time_limit": time_limit, "seed": 0, "lang": lang_of(request)}
    run = state(request).runner.submit(case_id, "plan", settings)
    return _redirect(f"/runs/{run.id}")


@router.post("/cases/{case_id}/compare")
def case_compare(
    request: Request,
    case_id: int,
    who: Planner,
    budget_percent: Annotated[int, Form(ge=0, le=300)] = 100,
    course: Annotated[str, Form(max_length=100)] = "",
    session_start: Annotated[str, Form(max_length=10)] = "",
    session_days: Annotated[int, Form(ge=1, le=365)] = 2,
    seats: Annotated[int, Form(ge=1, le=10000)] = 30,
    time_limit: Annotated[float, Form(ge=1, le=600)] = 10.0,
) -> Response:
    """A what-if of the budget moved by the slider and/or one more class, against the plan."""
    import tempfile
    from pathlib import Path

    from planner.server.scenarios import load_scenarios

    check_case(request, who, case_id)
    lang = lang_of(request)
    scenario: dict[str, Any] = {
        "name": tr(lang, "web.compare.scenario_name", percent=budget_percent)
    }
    if budget_percent != 100:
        scenario["budget"] = [
            {"source": s, "scale": budget_percent / 100} for s in _sources(request, case_id)
        ]
    if course:
        try:
            start = dt.date.fromisoformat(session_start)
        except ValueError:
            return page(request, "error.html", 422, message=tr(lang, "web.error.session_start"))
        end = start + dt.timedelta(days=session_days - 1)
        scenario["add_sessions"] = [
            {
                "course": course,
                "session": {
                    "id": f"web-{start.isoformat()}",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "location": "web",
                    "seats": seats,
                },
            }
        ]
        scenario["name"] += " + " + course
    if len(scenario) == 1:
        return page(request, "error.html", 422, message=tr(lang, "web.error.nothing"))
    app = state(request)
    try:
        with tempfile.TemporaryDirectory(prefix="planner-scenarios-") as tmp:
            load_scenarios(app.load(case_id), [scenario], Path(tmp))
    except InputError as error:
        return page(request, "error.html", 422, message=error.render())
    settings = {
        "scenarios": [scenario],
        "time_limit": time_limit,
        "engine": "auto",
        "seed": 0,
        "probes": 0,
        "lang": lang,
    }
    run = app.runner.submit(case_id, "whatif", settings)
    return _redirect(f"/runs/{run.id}")


def _sources(request: Request, case_id: int) -> list[str]:
    info = state(request).store.get_case(case_id)
    return sorted({source for _, source, _ in info.budget})


# -- runs --------------------------------------------------------------------------------------


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, who: Viewer) -> HTMLResponse:
    from planner.server.api import _run_for, case_out, run_out

    run = _run_for(request, who, run_id, with_output=True)
    app = state(request)
    info = app.store.get_case(run.case_id)
    comparison = None
    if run.kind == "whatif" and run.status == "finished" and run.output:
        comparison = _comparison(request, run)
    summary = None
    if run.kind == "plan" and run.status == "finished" and run.output:
        summary = _plan_summary(run.output)
    return page(
        request,
        "run.html",
        run=run_out(request, run),
        case=case_out(request, info),
        summary=summary,
        comparison=comparison,
        status_text=tr(lang_of(request), f"web.status.{run.status}"),
    )


def _plan_summary(output: dict[str, Any]) -> dict[str, Any]:
    totals = output.get("totals") or {}
    everything = (totals.get("needs") or {}).get("all") or {}
    return {
        "status": output.get("status"),
        "assignments": len(output.get("assignments") or []),
        "unmet": len(output.get("unmet") or []),
        "met": everything.get("met"),
        "total": everything.get("total"),
        "cost": totals.get("cost_total"),
        "trained": totals.get("officials_trained"),
    }


def _comparison(request: Request, run: Any) -> dict[str, Any]:
    """The what-if's baseline and variants, beside the case's adopted plan if there is one."""
    app = state(request)
    output = run.output or {}
    rows = []
    for variant in [output.get("baseline"), *(output.get("variants") or [])]:
        if not isinstance(variant, dict):
            continue
        everything = (variant.get("needs") or {}).get("all") or {}
        rows.append(
            {
                "name": variant.get("name", ""),
                "kind": variant.get("kind", ""),
                "status": variant.get("status"),
                "met": everything.get("met"),
                "total": everything.get("total"),
                "cost": variant.get("cost_total"),
                "budget": variant.get("budget_total"),
                "points": (variant.get("priority_points") or {}).get("met"),
            }
        )
    adopted = None
    for other in app.store.list_runs(run.case_id, kind="plan"):
        if other.adopted_at is not None:
            full = app.store.get_run(other.id)
            adopted = {"id": other.id, **_plan_summary(full.output or {})}
            break
    return {"rows": rows, "adopted": adopted}


@router.get("/runs/{run_id}/report", response_class=HTMLResponse)
def run_report(request: Request, run_id: int, who: Viewer) -> Response:
    """The run's HTML report, shown inside the run page."""
    from planner.server.api import _run_for

    run = _run_for(request, who, run_id)
    stem = "plan" if run.kind == "plan" else "whatif"
    found = state(request).db.run_file(run_id, f"{stem}.html")
    if found is None:
        return page(request, "error.html", 404, message=tr(lang_of(request), "web.error.no_report"))
    return Response(found[1], media_type="text/html; charset=utf-8")


@router.post("/runs/{run_id}/cancel")
def run_cancel(request: Request, run_id: int, who: Planner) -> Response:
    from planner.server.api import _run_for

    _run_for(request, who, run_id)
    state(request).runner.cancel(run_id)
    return _redirect(f"/runs/{run_id}")


@router.post("/runs/{run_id}/adopt")
def run_adopt(request: Request, run_id: int, who: Planner) -> Response:
    from planner.server.api import _run_for
    from planner.store import StoreError

    run = _run_for(request, who, run_id)
    try:
        state(request).store.adopt_plan(run_id)
    except StoreError as error:
        return page(request, "error.html", 409, message=str(error))
    return _redirect(f"/cases/{run.case_id}")


# -- mappings ----------------------------------------------------------------------------------


@router.get("/mappings", response_class=HTMLResponse)
def mappings_page(request: Request, who: Viewer, name: str = "") -> HTMLResponse:
    from planner.server.template import TEMPLATE_FIELDS

    db = state(request).db
    current = db.mapping(who.province or "", name) if name else None
    return page(
        request,
        "mappings.html",
        names=db.mappings(who.province or ""),
        name=name,
        headers=json.dumps(current[0] if current else {}, ensure_ascii=False, indent=1),
        values=json.dumps(current[1] if current else {}, ensure_ascii=False, indent=1),
        fields=TEMPLATE_FIELDS,
        error=None,
    )


@router.post("/mappings", response_class=HTMLResponse)
def save_mapping(
    request: Request,
    who: Planner,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    headers: Annotated[str, Form(max_length=20000)] = "{}",
    values: Annotated[str, Form(max_length=50000)] = "{}",
) -> Response:
    from planner.server.template import TEMPLATE_FIELDS

    lang = lang_of(request)
    try:
        header_map = json.loads(headers or "{}")
        value_map = json.loads(values or "{}")
        if not isinstance(header_map, dict) or not isinstance(value_map, dict):
            raise ValueError
        header_map = {str(k): str(v) for k, v in header_map.items()}
        value_map = {
            str(f): {str(k): str(v) for k, v in m.items()}
            for f, m in value_map.items()
            if isinstance(m, dict)
        }
    except ValueError:
        return page(
            request,
            "mappings.html",
            422,
            names=state(request).db.mappings(who.province or ""),
            name=name,
            headers=headers,
            values=values,
            fields=TEMPLATE_FIELDS,
            error=tr(lang, "web.error.mapping_json"),
        )
    state(request).db.save_mapping(who.province or "", name, header_map, value_map)
    return _redirect(f"/mappings?name={name}")


@router.get("/template.xlsx")
def template_download(request: Request, who: Viewer, case_id: int | None = None) -> Response:
    from planner.server.api import officials_template

    return officials_template(request, who, lang_of(request), case_id)  # type: ignore[arg-type]


__all__ = ["principal", "router"]
