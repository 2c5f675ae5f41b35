"""An operator's view of every night, inside the Airflow 3 UI.

A FastAPI app (``fastapi_apps``) mounted by the Airflow API server at ``/newsflow``:

* ``GET /newsflow/`` the page: five charts drawn as server-side SVG (no script, no CDN, works
  offline), ``?days=N`` (last N nights, default 30), ``?source=NAME``, ``?run_id=ID`` (one run),
  ``?dag_id=ID`` (shown in the title when opened from a DAG's tab);
* ``GET /newsflow/api/nights?days=30&source=`` and ``GET /newsflow/api/run/{run_id}``: the same data
  as JSON (``newsflow.dashboard``), for scripts and tests;
* ``GET /newsflow/api/health``: the lake root and whether it has data.

``external_views`` link it from the navigation (Browse), from every DAG (a "Nights" tab) and from
every DAG run (a "Night report" tab, ``run_id`` filled in by the UI). The hrefs are relative: the
UI resolves them against its base URL (``<base href>``), so ``[api] base_url`` prefixes work.

Auth: Airflow does not protect plugin apps by itself. Under the API server every route here needs
the Airflow user's JWT (the UI's ``_token`` cookie, which the iframe sends, or an
``Authorization: Bearer`` header) and read access to DAGs, checked by the configured auth manager
(``airflow.api_fastapi.core_api.security.requires_access_dag``). ``create_app(auth=False)`` (tests,
a local preview) skips that.

The lake is ``NEWSFLOW_LAKE`` (else ``<project>/data/lake``), read on each request, like the DAGs'
``newsflow_airflow.lake_root()``.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

PROJECT = Path(__file__).resolve().parents[1]
URL_PREFIX = "/newsflow"
PALETTE = ["#2f6fb3", "#e07b28", "#3a9a5b", "#c23b3b", "#7b5cb8", "#8c6d4f", "#d25fa8", "#6f7f8f",
           "#b5a31c", "#23a5b5"]
ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#2f6fb3" stroke-width="2" '
        'stroke-linecap="round"><path d="M3 21h18"/><path d="M6 17v-5M11 17V7M16 17v-8M21 17V4"/></svg>')
STAGE_COLORS = {"fetch": "#2f6fb3", "parse": "#e07b28", "clean": "#3a9a5b", "extract": "#7b5cb8",
                "dedupe": "#c23b3b"}


def lake_root() -> str:
    """The lake root (the DAGs' ``newsflow_airflow.lake_root()``), read when called."""
    try:
        from newsflow_airflow import lake_root as shared

        return shared()
    except ImportError:  # the plugins folder is not on sys.path (a test that loads this file alone)
        return os.environ.get("NEWSFLOW_LAKE") or str(PROJECT / "data" / "lake")


# -- SVG charts ---------------------------------------------------------------------------------
def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _num(v: float) -> str:
    if v is None:
        return "–"
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def _nice_max(v: float, integer: bool = False) -> float:
    import math

    if integer:
        return 4.0 if v <= 4 else _nice_max(v)
    if v <= 0:
        return 1.0

    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def _legend(items: list[tuple[str, str]], x: int, y: int, width: int) -> tuple[str, int]:
    out, cx, cy = [], x, y
    for name, color in items:
        w = 22 + 7 * len(name)
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 18
        out.append(f'<g class="legend-item"><rect x="{cx}" y="{cy - 9}" width="11" height="11" fill="{color}"/>'
                   f'<text x="{cx + 15}" y="{cy}" class="lg">{_e(name)}</text></g>')
        cx += w
    return "".join(out), cy + 14


def stacked_bars(chart: str, categories: list[str], series: list[tuple[str, str, list[float]]],
                 unit: str = "", width: int = 460, height: int = 250, integer: bool = True,
                 fmt: Callable[[float], str] = None, vmax: float | None = None) -> str:
    """Vertical bars per category, stacked by series; each segment has a tooltip."""
    fmt = fmt or _num
    legend, ly = _legend([(n, c) for n, c, _ in series], 50, 16, width - 60)
    top, bottom, left, right = ly + 6, height - 34, 50, width - 12
    totals = [sum(s[2][i] or 0 for s in series) for i in range(len(categories))]
    vmax = vmax or _nice_max(max(totals, default=0), integer=integer)
    out = [f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" xmlns="http://www.w3.org/2000/svg">', legend]
    for k in range(5):  # grid and y axis
        v = vmax * k / 4
        y = bottom - (bottom - top) * k / 4
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" class="ax" text-anchor="end">{fmt(v)}</text>')
    n = max(len(categories), 1)
    slot = (right - left) / n
    bw = min(56, slot * 0.6)
    for i, cat in enumerate(categories):
        x = left + slot * i + (slot - bw) / 2
        y = bottom
        for name, color, values in series:
            v = values[i] or 0
            if v <= 0:
                continue
            h = (bottom - top) * v / vmax
            y -= h
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" fill="{color}">'
                       f'<title>{_e(cat)} · {_e(name)}: {fmt(v)}{_e(unit)}</title></rect>')
        if totals[i]:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{y - 4:.1f}" class="val" text-anchor="middle">'
                       f'{fmt(totals[i])}</text>')
        label = cat[5:] if len(cat) == 10 and cat[4] == "-" and n > 8 else cat
        out.append(f'<text x="{x + bw / 2:.1f}" y="{bottom + 16}" class="ax" text-anchor="middle">{_e(label)}</text>')
    out.append(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis"/></svg>')
    return "".join(out)


def line_chart(chart: str, categories: list[str], series: list[tuple[str, str, list[float | None]]],
               vmax: float | None = None, percent: bool = False, width: int = 460, height: int = 250) -> str:
    legend, ly = _legend([(n, c) for n, c, _ in series], 50, 16, width - 60)
    top, bottom, left, right = ly + 6, height - 34, 50, width - 20
    values = [v for _, _, vs in series for v in vs if v is not None]
    vmax = vmax or _nice_max(max(values, default=0))
    fmt = (lambda v: f"{v * 100:.0f}%") if percent else _num
    out = [f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" xmlns="http://www.w3.org/2000/svg">', legend]
    for k in range(5):
        v = vmax * k / 4
        y = bottom - (bottom - top) * k / 4
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" class="ax" text-anchor="end">{fmt(v)}</text>')
    n = len(categories)
    xs = [left + (right - left) * (i + 0.5) / max(n, 1) for i in range(n)]
    for i, cat in enumerate(categories):
        label = cat[5:] if len(cat) == 10 and cat[4] == "-" and n > 8 else cat
        out.append(f'<text x="{xs[i]:.1f}" y="{bottom + 16}" class="ax" text-anchor="middle">{_e(label)}</text>')
    for name, color, vs in series:
        pts = [(xs[i], bottom - (bottom - top) * v / vmax, v, categories[i]) for i, v in enumerate(vs) if v is not None]
        if len(pts) > 1:
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
            out.append(f'<polyline class="line" points="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, v, cat in pts:
            out.append(f'<circle class="pt" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}">'
                       f'<title>{_e(cat)} · {_e(name)}: {fmt(v)}</title></circle>')
    out.append(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" class="axis"/></svg>')
    return "".join(out)


def hbars(chart: str, rows: list[dict[str, Any]], width: int = 460) -> str:
    """Fetch rate per run and host: the average start rate (bar), the peak in any 1 s (tick) and
    the politeness budget (red line), all in requests per second."""
    left, right, row_h = 165, width - 100, 34
    height = 30 + row_h * len(rows) + 24
    vmax = _nice_max(max([max(r.get("rate") or 0, r.get("peak_1s") or 0, r.get("budget") or 0) for r in rows],
                         default=1))
    scale = (right - left) / vmax
    out = [f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" xmlns="http://www.w3.org/2000/svg">',
           '<rect x="10" y="6" width="11" height="11" fill="#2f6fb3"/><text x="25" y="16" class="lg">average rate</text>'
           '<rect x="120" y="6" width="3" height="11" fill="#222"/><text x="128" y="16" class="lg">peak in 1 s</text>'
           '<rect x="215" y="6" width="3" height="11" fill="#c23b3b"/><text x="223" y="16" class="lg">budget '
           '(rate_per_host)</text>']
    for k in range(5):
        x = left + (right - left) * k / 4
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="26" y2="{height - 22}" class="grid"/>'
                   f'<text x="{x:.1f}" y="{height - 8}" class="ax" text-anchor="middle">{_num(vmax * k / 4)}/s</text>')
    for i, r in enumerate(rows):
        y = 30 + row_h * i
        rate, peak, budget = r.get("rate"), r.get("peak_1s"), r.get("budget")
        util = f" ({r['utilization'] * 100:.0f}% of budget)" if r.get("utilization") is not None else ""
        out.append(f'<text x="{left - 8}" y="{y + 12}" class="ax" text-anchor="end">{_e(r["date"])} {_e(r["host"])}</text>'
                   f'<text x="{left - 8}" y="{y + 25}" class="sub" text-anchor="end">{_e(r["requests"])} requests, '
                   f'{_e(r["span_seconds"])} s</text>')
        if rate:
            out.append(f'<rect class="bar" x="{left}" y="{y + 4}" width="{rate * scale:.1f}" height="18" fill="#2f6fb3">'
                       f'<title>{_e(r["host"])} {_e(r["run_id"])}: {_num(rate)} requests/s{_e(util)}</title></rect>')
        if peak:
            out.append(f'<rect class="peak" x="{left + peak * scale - 1:.1f}" y="{y + 1}" width="3" height="24" fill="#222">'
                       f'<title>peak: {peak} request starts within one second</title></rect>')
        if budget:
            out.append(f'<rect class="budget" x="{left + budget * scale - 1:.1f}" y="{y - 1}" width="3" height="28" '
                       f'fill="#c23b3b"><title>budget: {_num(budget)} requests/s per host</title></rect>')
        label = f"{_num(rate)}/s" if rate else "1 request" if r["urls"] == 1 else "–"
        if budget:
            label += f" of {_num(budget)}/s"
        if r.get("over_budget"):
            label += " OVER"
        out.append(f'<text x="{width - 4}" y="{y + 17}" class="val{" over" if r.get("over_budget") else ""}" '
                   f'text-anchor="end">{_e(label)}</text>')
    out.append("</svg>")
    return "".join(out)


# -- the page -----------------------------------------------------------------------------------
CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK KR",sans-serif;margin:0;padding:16px 20px;
color:#1d2330;background:#f6f7f9;font-size:14px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:0 0 2px}.muted{color:#5c6677}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px;margin-top:12px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 14px}
.card p.note{margin:0 0 6px;color:#5c6677;font-size:12px}
.kpis{display:flex;gap:10px;flex-wrap:wrap;margin:10px 0 0}.kpi{background:#fff;border:1px solid #dde1e7;
border-radius:8px;padding:8px 14px;min-width:92px}.kpi b{display:block;font-size:20px}.kpi span{color:#5c6677;font-size:12px}
.msg{background:#fff8e1;border:1px solid #f0c36d;border-radius:8px;padding:14px 16px;margin-top:14px;font-size:15px}
.msg.error{background:#fdecea;border-color:#e3a29b}
form{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-top:8px}
input,select,button{font:inherit;padding:3px 6px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eceff3}
th{color:#5c6677;font-weight:600}td a{overflow-wrap:anywhere}.wide{margin-top:14px}td.n,th.n{text-align:right}
a{color:#2f6fb3}svg.chart{width:100%;max-width:760px;height:auto;display:block}
svg .grid{stroke:#eceff3}svg .axis{stroke:#9aa3b0}svg text{font-size:11px;fill:#3c4555}svg .lg{font-size:11.5px}
svg .val{font-size:11px;font-weight:600}svg .sub{font-size:10px;fill:#7a8494}svg .over{fill:#c23b3b}
.empty{color:#5c6677;padding:30px 0;text-align:center}
"""


def _colors(names: list[str]) -> dict[str, str]:
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def _card(title: str, note: str, body: str, cid: str) -> str:
    return f'<section class="card" id="{cid}"><h2>{_e(title)}</h2><p class="note">{note}</p>{body}</section>'


def render_page(data: dict[str, Any], query: dict[str, str]) -> str:
    from newsflow.dashboard import STAGES, totals

    run_id, dag_id = query.get("run_id"), query.get("dag_id")
    title = f"Run {run_id}" if run_id else f"Last {data.get('days') or ''} nights".replace("  ", " ")
    scope = f" · DAG {_e(dag_id)}" if dag_id else ""
    back = ' · <a href="./">all nights</a>' if run_id else ""
    hidden = f'<input type="hidden" name="dag_id" value="{_e(dag_id)}">' if dag_id else ""
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>newsflow · {_e(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
            f'<h1>newsflow nights · {_e(title)}</h1><div class="muted">lake <code>{_e(data.get("lake", ""))}</code>'
            f'{scope}{back}</div>')
    form = ('<form method="get" action="./">'
            f'<label>nights <input type="number" name="days" min="1" max="366" value="{_e(data.get("days") or 30)}" '
            'style="width:5em"></label>'
            f'<label>source <select name="source"><option value="">all</option>'
            + "".join(f'<option{" selected" if s == query.get("source") else ""}>{_e(s)}</option>'
                      for s in data.get("sources", []))
            + f'</select></label>{hidden}'
            '<button type="submit">show</button></form>') if not run_id else ""
    if data.get("status") != "ok":
        cls = "msg error" if data.get("status") == "error" else "msg"
        return head + form + f'<div class="{cls}" id="message">{_e(data.get("message"))}</div></body></html>'
    nights, sources = data["nights"], data["sources"]
    colors = _colors(sources)
    t = totals(data)
    kpis = "".join(f'<div class="kpi"><b>{v}</b><span>{k}</span></div>' for k, v in [
        ("nights", t["nights"]), ("runs", t["runs"]), ("articles", t["articles"]),
        ("duplicate rate", "–" if t["duplicate_rate"] is None else f"{t['duplicate_rate'] * 100:.1f}%"),
        ("rejects", t["rejects"]), ("hosts over budget", t["over_budget"])])
    # 1. articles per source per night
    art = {(a["date"], a["source"]): a for a in data["articles"]}
    one = len(nights) == 1  # one night (a run's report): the sources along the x axis
    if one:
        series = [(k, c, [art.get((nights[0], s), {}).get(k, 0) for s in sources])
                  for k, c in (("canonical", "#2f6fb3"), ("duplicates", "#e07b28"))]
    else:
        series = [(s, colors[s], [art.get((d, s), {}).get("articles", 0) for d in nights]) for s in sources]
    c1 = (stacked_bars("articles", sources if one else nights, series, " articles") if data["articles"]
          else '<div class="empty">No articles in this range.</div>')
    # 2. rejects by reason
    reasons = sorted({f'{r["stage"]}/{r["reason"]}' for r in data["rejects"]})
    rc = _colors(reasons)
    rej: dict[tuple[str, str], int] = {}
    for r in data["rejects"]:
        k = (r["source"] if one else r["date"], f'{r["stage"]}/{r["reason"]}')
        rej[k] = rej.get(k, 0) + r["rejects"]
    xs = sources if one else nights
    c2 = (stacked_bars("rejects", xs, [(x, rc[x], [rej.get((d, x), 0) for d in xs]) for x in reasons],
                       " rejects")
          if reasons else '<div class="empty" data-chart="rejects">No rejects in this range: every URL was handled.</div>')
    if reasons:
        c2 += ("<table><tr><th>night</th><th>source</th><th>stage/reason</th><th class=n>URLs</th></tr>"
               + "".join(f'<tr><td>{_e(r["date"])}</td><td>{_e(r["source"])}</td><td>{_e(r["stage"])}/'
                         f'{_e(r["reason"])}</td><td class=n>{r["rejects"]}</td></tr>' for r in data["rejects"][-12:])
               + "</table>")
    # 3. duplicate rate
    top_rate = max(0.2, math.ceil(max((a["duplicate_rate"] or 0 for a in data["articles"]), default=0) / 0.2) * 0.2)
    pct = lambda v: f"{v * 100:.0f}%" if round(v * 100, 6).is_integer() else f"{v * 100:.1f}%"  # noqa: E731
    c3 = (stacked_bars("duplicates", sources, [("duplicate rate", "#e07b28", [
              art.get((nights[0], s), {}).get("duplicate_rate") or 0 for s in sources])], fmt=pct, vmax=top_rate)
          if one and data["articles"] else
          line_chart("duplicates", nights, [(s, colors[s], [art[(d, s)]["duplicate_rate"] if (d, s) in art else None
                                                            for d in nights]) for s in sources],
                     vmax=top_rate,
                     percent=True)
          if data["articles"] else '<div class="empty">No articles in this range.</div>')
    # 4. stage durations per run
    runs = [r["run_id"] for r in data["runs"] if r["seconds"]]
    sec = {(s["run_id"], s["stage"]): s["seconds"] for s in data["stages"]}
    stages = [s for s in STAGES if any(sec.get((r, s)) for r in runs)]
    run_label = {r["run_id"]: r["date"] if sum(1 for x in data["runs"] if x["date"] == r["date"]) == 1
                 else f'{r["date"]} {r["run_id"][-8:]}' for r in data["runs"]}
    per_source = data.get("stages_by_source") if len(runs) == 1 else None
    if per_source:  # one run: its sources side by side (fetch: the time of the source's host group job)
        ss = {(r["source"], r["stage"]): r["seconds"] for r in per_source}
        c4 = stacked_bars("stages", sources, [(s, STAGE_COLORS.get(s, "#888"), [ss.get((x, s)) or 0 for x in sources])
                                              for s in stages], " s", integer=False)
    else:
        c4 = None
    c4 = c4 or (stacked_bars("stages", [run_label[r] for r in runs],
                       [(s, STAGE_COLORS.get(s, "#888"), [sec.get((r, s)) or 0 for r in runs]) for s in stages], " s",
                       integer=False)
          if runs else '<div class="empty">No stage timings (runs.seconds) in this range.</div>')
    # 5. fetch rate vs politeness budget
    c5 = (hbars("fetch", data["fetch"][-14:]) if data["fetch"]
          else '<div class="empty">No fetches in this range.</div>')
    # runs table
    rows = "".join(
        f'<tr><td><a href="./?{urlencode({"run_id": r["run_id"], **({"dag_id": dag_id} if dag_id else {})})}">'
        f'{_e(r["run_id"])}</a></td><td>{_e(r["date"])}</td><td class=n>{r["articles"]}</td>'
        f'<td class=n>{r["duplicates"]}</td><td class=n>{r["rejects"]}</td>'
        f'<td class=n>{_num(sum(v for v in r["seconds"].values() if v))}</td></tr>' for r in reversed(data["runs"]))
    table = ('<table id="runs"><tr><th>run</th><th>night</th><th class=n>articles</th><th class=n>duplicates</th>'
             f'<th class=n>rejects</th><th class=n>stage seconds</th></tr>{rows}</table>')
    cards = "".join([
        _card("Articles per source per night", "Rows of <code>articles</code> by data date and source "
              "(a run view: the articles that run wrote).", c1, "c-articles"),
        _card("Rejects by reason", "URLs a stage could not handle (<code>rejects</code>), by stage/reason.", c2,
              "c-rejects"),
        _card("Duplicate rate", "Share of each source's articles that are non-canonical members of a "
              "near-duplicate cluster (<code>is_canonical = false</code>).", c3, "c-duplicates"),
        _card("Stage durations", ("<code>runs.seconds</code> per source (fetch: its host group's job)" if per_source
              else "<code>runs.seconds</code> per run: fetch is the longest host group; parse, clean and extract "
              "are summed over sources."), c4, "c-stages"),
        _card("Fetch rate vs politeness budget", "Request starts per second per host (<code>fetch_log</code>: "
              "fetched_at − elapsed_ms) against <code>rate_per_host</code> of the sources file.", c5, "c-fetch"),
    ])
    runs_card = _card("Runs", "Open a run for its own report.", table, "c-runs")
    return (head + form + f'<div class="kpis">{kpis}</div><div class="cards">{cards}</div>'
            f'<div class="wide">{runs_card}</div></body></html>')


# -- the app ------------------------------------------------------------------------------------
def _airflow_auth():
    """The Airflow API server's check: a logged-in user (JWT cookie or bearer) who may read DAGs."""
    from airflow.api_fastapi.core_api.security import requires_access_dag

    return requires_access_dag("GET")


def create_app(lake: str | Callable[[], str] | None = None, sources_file: str | None = None, auth: bool = True):
    from newsflow import dashboard

    get_lake = lake if callable(lake) else (lambda: lake) if lake else lake_root
    deps = [Depends(_airflow_auth())] if auth else []
    app = FastAPI(title="newsflow nights", description="Charts of the newsflow lake's nights and runs.",
                  dependencies=deps, docs_url="/api/docs", openapi_url="/api/openapi.json")

    def _answer(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fn()
        except dashboard.DashboardError as e:
            raise HTTPException(400, str(e)) from None

    @app.get("/api/nights", summary="The last `days` nights (optionally one source)")
    def api_nights(days: int = Query(dashboard.DEFAULT_DAYS, ge=1, le=dashboard.MAX_DAYS),
                   source: str | None = Query(None, max_length=100)) -> dict[str, Any]:
        return _answer(lambda: dashboard.nights(get_lake(), days, source or None, sources_file))

    @app.get("/api/run/{run_id:path}", summary="What one run wrote")
    def api_run(run_id: str) -> dict[str, Any]:
        return _answer(lambda: dashboard.run(get_lake(), run_id, sources_file))

    @app.get("/api/health", summary="The lake root and whether it has data")
    def api_health() -> dict[str, Any]:
        d = dashboard.nights(get_lake(), 1, None, sources_file)
        return {"lake": d["lake"], "status": d["status"], "message": d["message"]}

    @app.get("/icon.svg", include_in_schema=False)
    def icon() -> Response:
        return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/", response_class=HTMLResponse, summary="The dashboard page")
    def page(request: Request) -> HTMLResponse:
        q = {k: v for k, v in request.query_params.items() if v}
        try:
            if q.get("run_id"):
                data = dashboard.run(get_lake(), q["run_id"], sources_file)
            else:
                days = q.get("days", str(dashboard.DEFAULT_DAYS))
                if not days.isdigit():
                    raise ValueError(f"days must be a whole number of nights, not {days!r}")
                days = int(days)
                data = dashboard.nights(get_lake(), days, q.get("source"), sources_file)
        except (ValueError, dashboard.DashboardError) as e:
            data = dashboard._empty(str(get_lake()), "error", f"Bad request: {e}", days=dashboard.DEFAULT_DAYS)
            return HTMLResponse(render_page(data, q), status_code=400)
        except Exception as e:  # noqa: BLE001 - a message on the page, the detail in the server log
            import logging

            logging.getLogger(__name__).exception("newsflow dashboard failed")
            data = dashboard._empty(str(get_lake()), "error", f"The dashboard failed: {type(e).__name__}: {e}",
                                    days=dashboard.DEFAULT_DAYS)
            return HTMLResponse(render_page(data, q), status_code=500)
        return HTMLResponse(render_page(data, q))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"{type(exc).__name__}: {exc}"}, status_code=500)

    return app


def _plugin_app():
    """The app Airflow mounts; auth is on unless NEWSFLOW_UI_AUTH=0 (a local preview without login)."""
    return create_app(auth=os.environ.get("NEWSFLOW_UI_AUTH", "1") != "0")


class NewsflowUIPlugin(AirflowPlugin):
    name = "newsflow_ui"
    fastapi_apps = [{"app": _plugin_app(), "url_prefix": URL_PREFIX, "name": "newsflow nights"}]
    external_views = [
        {"name": "Newsflow nights", "href": "newsflow/", "destination": "nav", "category": "browse",
         "url_route": "newsflow-nights", "icon": "newsflow/icon.svg"},
        {"name": "Nights", "href": "newsflow/?dag_id={DAG_ID}", "destination": "dag", "url_route": "newsflow-dag",
         "icon": "newsflow/icon.svg"},
        {"name": "Night report", "href": "newsflow/?dag_id={DAG_ID}&run_id={RUN_ID}", "destination": "dag_run",
         "url_route": "newsflow-run", "icon": "newsflow/icon.svg"},
    ]


if __name__ == "__main__":  # a local preview without Airflow's auth: python plugins/newsflow_ui.py [PORT]
    import sys

    import uvicorn

    uvicorn.run(create_app(auth=False), host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8790)
