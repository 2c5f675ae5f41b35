"""Extraction benchmark: newsflow's parser vs trafilatura vs readability-lxml on the gold corpus.

What is measured
----------------
The three systems get the very same raw page bytes (no HTTP headers, the encoding is not
normalised: GB2312, GBK and undeclared-cp949 pages are included) from the shared gold corpus
(``<shared>/corpus/dev``: 49 real pages; ``<shared>/corpus/ko_dev``: 6 synthetic Korean
CMS pages; ``<shared>/corpus/train``: 497 real pages from 360 sites / 337 registrable domains,
en/zh/ru/de/pl, site-disjoint from dev). url = the gold ``url`` when it has one, else
``http://localhost/<id>.html``.

* ``newsflow``    -- ``newsflow.pipeline.parse_page(html, url, Source(name="bench", timezone="UTC"),
  zone_from_lang=True)`` (what `newsflow parse` does) -> title, body, published, author.
* ``trafilatura`` -- ``trafilatura.bare_extraction(html, url=url, with_metadata=True)`` with
  every other option at its default (no favor_precision / favor_recall); it decodes the
  bytes itself. Body = ``Document.text`` (the main text; comments, which trafilatura
  extracts by default, are kept apart in ``Document.comments`` and are not scored),
  title / date / author = ``Document.title / .date / .author``.
* ``readability`` -- readability-lxml ``Document(html_bytes)`` (it sniffs the
  charset itself: ``<meta>``, then chardet); if that raises, once more with
  ``html_bytes.decode("utf-8", "replace")``. Title = ``.short_title()`` (called before
  ``.summary()``, which mutates the tree), body = ``.summary(html_partial=True)`` turned
  into text with one line per block element (p, h1-h6, li, blockquote, pre, div, td, ...;
  ``<br>`` = line break). readability extracts no date and no author: both stay null.

An exception on a page gives an empty prediction for that page and counts in ``errors``.
Predictions are written as ``<out>/<set>/<system>/<id>.json`` and scored by the shared
scorer ``<shared>/tools/score_extraction.py`` (run as a subprocess, ``--json``), so the
figures are exactly the scorer's: body bag-of-tokens precision / recall / F1 (character
level for zh/ja/ko), title_norm match, date accuracy at the gold's precision, author_set
and author_any; each metric is a mean over the cases whose gold has that field (the
``n`` line under each table). For dev and train, the scorer's split by annotation (human vs
parser-reviewed) is printed too.

Groups (dev and train), the three systems side by side, n per group: by language (gold
``lang``), by the encoding of the bytes (``utf-8`` vs ``legacy: <charset>``; from the
MANIFEST's ``encoding`` column, else detected: UTF-8 if the bytes decode, else the
declared ``<meta>`` / ``encoding=`` charset, else charset-normalizer) and by the charset
declaration (declared utf-8 / undeclared / declared legacy, matches / declared, wrong).
The group means are taken from the shared scorer's own per-case scores (its ``score_dir``,
imported from its file), i.e. exactly as it takes its means.

Folds (train): ``bench/folds.py`` groups pages by the registrable domain of their URL (gold
``url``, else the MANIFEST ``site`` host; no public-suffix library is installed, so a small
hand-written rule for multi-part suffixes such as co.uk / com.cn / co.jp / com.au / co.kr /
com.tw / kiev.ua) and puts each domain in fold ``sha256(domain) mod K`` (``--folds``, 5).
``folds.folds(pages, k) -> [(train_ids, test_ids)]`` is for fitting code; nothing is fitted
today, so the out-of-fold score (each fold's test pages scored by a system "fitted" on the
other folds, pooled) equals the plain score. Printed: each fold's scores, the pooled
out-of-fold score and the mean over folds with its [min, max].

Speed and memory, per system, in this one process, systems one after another on pages
already read into memory:

* ``pages/s`` = pages / wall time of the extraction calls (readability's HTML-to-text step
  included; file reading, JSON writing and scoring excluded). Two passes, the faster one
  counts (the machine is noisy). Before each pass every ``functools.lru_cache`` in the
  process is cleared: trafilatura/htmldate memoise ``trim``/``line_processing``/
  ``try_date_expr`` on text, so a repeat over the very same pages would otherwise run
  ~15 % faster than it can on new pages. ``1st p/s`` = the first pass alone: it also pays
  one-time lazy initialisation (e.g. dateparser's per-language data), so it depends on
  which system ran before.
* ``peak MB`` = Python-heap peak (``tracemalloc``) of the allocations made during one
  extra, untimed pass (tracemalloc slows allocation down a lot, so it is not on during
  the timed passes); reset between systems. Memory allocated by C libraries directly
  (libxml2 trees, for instance) is not seen by tracemalloc.
* train only: ``python -m newsflow parse --dir IN --out OUT --urls URLS`` (the CLI path) on the
  train pages copied to a temp dir (same bytes, same URLs), ``--cli-runs`` runs (default 2),
  the fastest counts: pages / wall time of the whole command (interpreter start-up and
  imports included), beside the command's own loop timer and readability's in-process
  pages/s. Its output is scored too, as a check that it equals the in-process newsflow.

Then a "goals" block, each line MET / NOT MET with its numbers, for dev and for train (train:
the pooled out-of-fold scores): newsflow body F1 >= the better baseline's F1 + 0.03 overall
and in every language with >= 20 pages (dev has none: n/a), date >= 0.92, title_norm >= 0.85,
author_set >= 0.80, pages/s >= readability's (and, on train, the parse --dir path's pages/s
>= readability's in-process pages/s); on ko_dev body F1 >= 0.97, date >= 0.95,
author_set >= 0.95.

Run it
------
    .venv/bin/python bench/bench_extract.py                  # dev, ko_dev, train: ~6 min on 2 busy cores
    .venv/bin/python bench/bench_extract.py --sets dev,ko_dev  # the quick check, ~30 s
    .venv/bin/python bench/bench_extract.py --sets train --folds 5 --out /tmp/bx --json /tmp/bx.json
    make bench-extract                                        # calls python bench/bench_extract.py

Options: --shared PATH (default: <project root>/../shared; when it is absent the script
says so and exits 0), --sets dev,ko_dev,train (default all three), --systems
newsflow,trafilatura,readability, --out DIR (prediction dirs, kept; default a new temp dir),
--json PATH (all figures), --passes N (timed passes, default 2), --folds K (default 5),
--cli-runs N (parse --dir runs on train, default 2; 0 skips it), --per-case (accepted; the
scorer's per-case TSV ``<out>/<set>/per_case.tsv`` is now always written). Progress lines go
to stderr. The scorer's own full report goes to ``<out>/<set>/scorer.txt``. The exit code is 0 unless the script itself fails: it is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/folds.py, also when imported from elsewhere
import folds as foldlib  # noqa: E402
SYSTEMS = ("newsflow", "trafilatura", "readability")
EMPTY = {"title": None, "body": "", "published": None, "author": None}
QUIET_LOGGERS = ("newsflow", "trafilatura", "htmldate", "courlan", "justext", "readability",
                 "readability.readability", "charset_normalizer", "chardet", "dateparser")


# ---------------------------------------------------------------------------------------
# the systems: setup() -> extract(html_bytes, url) -> {"title", "body", "published", "author"}
# ---------------------------------------------------------------------------------------
def setup_newsflow() -> Callable[[bytes, str], dict]:
    try:
        import newsflow  # noqa: F401
    except ImportError:  # not installed in this interpreter: use the source tree
        sys.path.insert(0, str(ROOT / "include"))
    from newsflow.config import Source
    from newsflow.adhoc import parse_page

    # exactly what `python -m newsflow parse` does for a page of unknown origin: no source zone,
    # so times are shown in the zone of the page's language (ko -> Asia/Seoul, ...), else as given
    source = Source(name="bench", timezone="UTC", feeds=[{"type": "urls", "urls": ["http://localhost/"]}])

    def extract(html: bytes, url: str) -> dict:
        r = parse_page(html, url, source, zone_from_lang=True)
        return {"title": r.get("title"), "body": r.get("body") or "", "published": r.get("published"),
                "author": r.get("author")}

    return extract


def setup_trafilatura() -> Callable[[bytes, str], dict]:
    import trafilatura

    def extract(html: bytes, url: str) -> dict:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:  # trafilatura found nothing it considers content
            return dict(EMPTY)
        get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
        return {"title": get("title"), "body": get("text") or "", "published": get("date"),
                "author": get("author")}

    return extract


BLOCK_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre div td th tr table ul ol dl dt dd "
                       "section article header footer aside figure figcaption main nav form "
                       "address center".split())


def html_to_text(fragment: str) -> str:
    """readability's summary HTML -> text: one line per block element, ``<br>`` = newline."""
    import lxml.html
    from lxml import etree

    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None  # comments / PIs have no str tag
        if event == "start":
            if tag is None:
                continue
            if tag in BLOCK_TAGS or tag == "br":
                parts.append("\n")
            if el.text and tag not in ("script", "style"):
                parts.append(el.text)
        else:
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if el.tail and el is not root:
                parts.append(el.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def setup_readability() -> Callable[[bytes, str], dict]:
    from readability import Document

    def run(inp: bytes | str) -> dict:
        # no url=: it only makes links absolute (not scored) and costs ~12 % of readability's time
        doc = Document(inp)
        title = doc.short_title()  # before summary(): summary() mutates the parsed tree
        body = html_to_text(doc.summary(html_partial=True))
        return {"title": title, "body": body, "published": None, "author": None}

    def extract(html: bytes, url: str) -> dict:
        try:
            return run(html)  # readability sniffs the charset of bytes itself
        except Exception:
            return run(html.decode("utf-8", "replace"))

    return extract


SETUP = {"newsflow": setup_newsflow, "trafilatura": setup_trafilatura, "readability": setup_readability}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("newsflow", "trafilatura", "readability-lxml", "lxml", "htmldate"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


# ---------------------------------------------------------------------------------------
# corpus, timing
# ---------------------------------------------------------------------------------------
def load_cases(set_dir: Path) -> list[dict]:
    """Cases the scorer scores (gold with a body), with their raw bytes already in memory."""
    cases = []
    for stem, gold, html in foldlib.gold_cases(set_dir):
        cases.append({"id": stem, "html": html, "url": gold.get("url") or f"http://localhost/{stem}.html"})
    return cases


def clear_lru_caches() -> None:
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            try:
                obj.cache_clear()
            except Exception:  # pragma: no cover - exotic wrappers
                pass
    gc.collect()


def one_pass(extract: Callable[[bytes, str], dict], cases: list[dict],
             progress: Callable[[int], None] | None = None) -> tuple[float, dict, dict]:
    """(seconds spent in the extraction calls, predictions, errors) for one pass over the cases."""
    preds: dict[str, dict] = {}
    errors: dict[str, str] = {}
    total = 0.0
    for i, c in enumerate(cases, 1):
        if progress is not None and i % 100 == 0:
            progress(i)
        t0 = time.perf_counter()
        try:
            pred = extract(c["html"], c["url"])
        except Exception as exc:  # an exception = empty prediction
            pred = None
            errors[c["id"]] = f"{type(exc).__name__}: {str(exc)[:160]}"
        total += time.perf_counter() - t0
        preds[c["id"]] = dict(EMPTY) if pred is None else pred
    return total, preds, errors


def measure(extract: Callable[[bytes, str], dict], cases: list[dict], passes: int, label: str = "") -> dict:
    seconds: list[float] = []
    preds: dict = {}
    errors: dict = {}
    n = len(cases)
    for k in range(max(1, passes)):
        clear_lru_caches()
        tick = None
        if n >= 200:  # progress lines on the big set
            tick = (lambda i, k=k: print(f"      {label} pass {k + 1}: {i}/{n} pages", file=sys.stderr, flush=True))
        s, preds, errors = one_pass(extract, cases, tick)
        seconds.append(s)
        if n >= 200:
            print(f"      {label} pass {k + 1}/{passes}: {s:.1f}s ({n / s if s else 0:.1f} pages/s)",
                  file=sys.stderr, flush=True)
    # memory: one more, untimed pass under tracemalloc
    clear_lru_caches()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        one_pass(extract, cases)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    best = min(seconds)
    return {"pages": n, "pass_seconds": [round(s, 4) for s in seconds],
            "pages_per_s": n / best if best > 0 else None,
            "first_pass_pages_per_s": n / seconds[0] if seconds[0] > 0 else None,
            "peak_mb": peak / 1e6, "errors": len(errors), "error_details": errors,
            "empty_bodies": sum(1 for p in preds.values() if not str(p.get("body") or "").strip()), "preds": preds}


def write_preds(pred_dir: Path, preds: dict[str, dict]) -> None:
    pred_dir.mkdir(parents=True, exist_ok=True)
    for old in pred_dir.glob("*.json"):
        old.unlink()
    for cid, p in preds.items():
        out = {k: p.get(k) for k in ("title", "body", "published", "author")}
        (pred_dir / f"{cid}.json").write_text(json.dumps(out, ensure_ascii=False, default=str) + "\n",
                                             encoding="utf-8")


def run_scorer(scorer: Path, set_dir: Path, pred_dirs: list[Path], out_dir: Path,
               per_case: bool) -> dict:
    json_path = out_dir / "scores.json"
    cmd = [sys.executable, str(scorer), str(set_dir), *map(str, pred_dirs), "--json", str(json_path),
           "--by", "lang", "--by", "annotation", "--per-case", str(out_dir / "per_case.tsv")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    (out_dir / "scorer.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0 or not json_path.exists():
        raise RuntimeError(f"scorer failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    report = json.loads(json_path.read_text(encoding="utf-8"))
    report["per_case"] = per_case_scores(scorer, set_dir, pred_dirs)
    return report


@functools.lru_cache(maxsize=None)
def _scorer_module(path: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location("shared_score_extraction", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def per_case_scores(scorer: Path, set_dir: Path, pred_dirs: list[Path]) -> dict[str, dict[str, dict]]:
    """{system: {case id: {metric: float}}} from the shared scorer's own ``load_cases`` /
    ``score_dir`` (imported from its file: unrounded, unlike its per-case TSV), so the group
    means by encoding, declaration and fold are taken exactly as the scorer takes its means.
    A metric absent from a case = its gold has no such field."""
    mod = _scorer_module(str(scorer))
    gold = mod.load_cases(set_dir)
    out: dict[str, dict[str, dict]] = {}
    for pdir in pred_dirs:
        rows, _missing = mod.score_dir(gold, pdir)
        out[pdir.name] = {r["id"]: {m: r[m] for m in mod.METRICS if m in r} for r in rows}
    return out


# ---------------------------------------------------------------------------------------
# groups, folds, the parse --dir path
# ---------------------------------------------------------------------------------------
METRICS = ("body_p", "body_r", "body_f1", "title_norm", "date", "author_set", "author_any")


def group_ids(pages: list[dict], key: str) -> dict[str, list[str]]:
    """{group label: case ids}, largest group first; key = a page_info field."""
    groups: dict[str, list[str]] = {}
    for p in pages:
        label = p[key]
        if key == "encoding" and label == "legacy":
            label = "legacy: " + ", ".join(sorted({q["charset"] for q in pages if q["encoding"] == "legacy"}))
        groups.setdefault(label, []).append(p["id"])
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def out_of_fold(per_case: dict[str, dict[str, dict]], pages: list[dict], k: int) -> dict:
    """Per-fold and out-of-fold scores per system.

    The fitting hook: for each split (train_ids, test_ids) of ``foldlib.folds(pages, k)`` a
    fitted system is fitted on train_ids and predicts test_ids; the out-of-fold rows are the
    union of those test predictions. Nothing in newsflow (or in the baselines) is fitted today,
    so each fold's test rows are simply the plain per-case rows of its pages and the pooled
    out-of-fold score equals the plain score."""
    splits = foldlib.folds(pages, k)
    domains = {p["id"]: p["domain"] for p in pages}
    out: dict[str, Any] = {"k": k, "folds": [], "pooled": {}, "fold_stats": {}}
    for i, (_train_ids, test_ids) in enumerate(splits):
        fold = {"fold": i, "pages": len(test_ids), "domains": len({domains[c] for c in test_ids}),
                "test_ids": test_ids, "systems": {}}
        for sysname, rows in per_case.items():
            # future: rows = score(fit(system, train_ids).predict(test_ids))
            fold["systems"][sysname] = foldlib.mean_by(rows, test_ids, METRICS)
        out["folds"].append(fold)
    for sysname, rows in per_case.items():
        oof_rows = {cid: rows[cid] for _tr, te in splits for cid in te if cid in rows}
        out["pooled"][sysname] = foldlib.mean_by(oof_rows, oof_rows.keys(), METRICS)
        stats = {}
        for m in METRICS:
            vals = [f["systems"][sysname][m] for f in out["folds"] if f["systems"][sysname].get(m) is not None]
            stats[m] = ({"mean": sum(vals) / len(vals), "min": min(vals), "max": max(vals), "folds": len(vals)}
                        if vals else None)
        out["fold_stats"][sysname] = stats
    return out


def time_parse_dir(cases: list[dict], runs: int, work: Path, scorer: Path, set_dir: Path) -> dict:
    """``python -m newsflow parse --dir IN --out OUT --urls URLS`` on the set's pages copied to a
    temp dir (same bytes and URLs as in-process). Wall time of the whole command (interpreter
    start and imports included) and the loop time the command prints itself; best of ``runs``.
    The output of the last run is scored by the shared scorer as ``newsflow-cli``."""
    pages_dir, out_dir = work / "pages", work / "newsflow-cli"
    pages_dir.mkdir(parents=True, exist_ok=True)
    for c in cases:
        (pages_dir / f"{c['id']}.html").write_bytes(c["html"])
    urls = work / "urls.tsv"
    urls.write_text("".join(f"{c['id']}\t{c['url']}\n" for c in cases), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "include") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "newsflow", "parse", "--dir", str(pages_dir), "--out", str(out_dir),
           "--urls", str(urls)]
    walls, loops, rc, tail = [], [], None, ""
    for r in range(max(1, runs)):
        if out_dir.exists():
            shutil.rmtree(out_dir)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(work), env=env)
        walls.append(time.perf_counter() - t0)
        rc, tail = proc.returncode, proc.stderr.strip()[-400:]
        m = re.search(r"parsed \d+ pages into .* in ([\d.]+)s", proc.stderr)
        if m:
            loops.append(float(m.group(1)))
        print(f"      parse --dir run {r + 1}/{runs}: {walls[-1]:.1f}s wall, exit {rc}", file=sys.stderr, flush=True)
    n = len(cases)
    res = {"cmd": " ".join(cmd[1:]), "pages": n, "exit": rc, "wall_seconds": [round(w, 3) for w in walls],
           "loop_seconds": loops, "pages_per_s": n / min(walls) if walls and min(walls) > 0 else None,
           "loop_pages_per_s": n / min(loops) if loops and min(loops) > 0 else None,
           "written": len(list(out_dir.glob("*.json"))) if out_dir.exists() else 0}
    if rc not in (0, 2):
        res["stderr_tail"] = tail
    if res["written"]:
        try:
            rep = run_scorer(scorer, set_dir, [out_dir], work, per_case=True)
            res["scores"] = rep["systems"].get("newsflow-cli", {}).get("overall")
        except Exception as exc:  # noqa: BLE001
            res["score_error"] = f"{type(exc).__name__}: {exc}"
    return res


# ---------------------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------------------
def f3(v) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def f1d(v) -> str:
    return "-" if v is None else f"{v:.1f}"


SCORE_COLS = [("body_p", "body_p"), ("body_r", "body_r"), ("body_f1", "body_f1"), ("title", "title_norm"),
              ("date", "date"), ("author_set", "author_set"), ("author_any", "author_any")]


def n_line(agg: dict) -> str:
    return (f"n: body {agg.get('n_body_f1', 0)}, title {agg.get('n_title_norm', 0)}, date {agg.get('n_date', 0)}, "
            f"author {agg.get('n_author_set', 0)}")


def print_set(name: str, res: dict) -> None:
    systems = res["systems"]
    print(f"\nextraction benchmark - {name} ({res['cases']} pages)")
    head = (f"{'system':<14}" + "".join(f"{c:<{max(len(c) + 1, 7)}}" for c, _ in SCORE_COLS)
            + f"{'pages/s':>8}{'1st p/s':>9}{'peak MB':>9}{'errors':>8}{'empty':>7}")
    print(head)
    for sysname, s in systems.items():
        o = s.get("scores") or {}
        cells = "".join(f"{f3(o.get(k)):<{max(len(c) + 1, 7)}}" for c, k in SCORE_COLS)
        print(f"{sysname:<14}{cells}{f1d(s.get('pages_per_s')):>8}{f1d(s.get('first_pass_pages_per_s')):>9}"
              f"{f1d(s.get('peak_mb')):>9}{s.get('errors', 0):>8}{s.get('empty_bodies', 0):>7}")
    first = next((s["scores"] for s in systems.values() if s.get("scores")), None)
    if first:
        print(f"  {n_line(first)} (scorer means over the cases whose gold has the field); "
              "empty = pages with an empty body")
    for sysname, s in systems.items():
        for cid, msg in (s.get("error_details") or {}).items():
            print(f"  error {sysname} {cid}: {msg}")
    if name in ("dev", "train"):
        print(f"\n{name} by annotation (scorer --by annotation)")
        print(f"{'system':<14}{'annotation':<17}{'n':>3}  "
              + "".join(f"{c:<{max(len(c) + 1, 7)}}" for c, _ in SCORE_COLS) + "n title/date/author")
        for sysname, s in systems.items():
            for group, agg in (s.get("by_annotation") or {}).items():
                if group == "ALL":
                    continue
                cells = "".join(f"{f3(agg.get(k)):<{max(len(c) + 1, 7)}}" for c, k in SCORE_COLS)
                print(f"{sysname:<14}{group:<17}{agg['n']:>3}  {cells}"
                      f"{agg.get('n_title_norm', 0)}/{agg.get('n_date', 0)}/{agg.get('n_author_set', 0)}")


SHORT = {"newsflow": "nf", "trafilatura": "traf", "readability": "read"}


def wide_header(systems: list[str]) -> str:
    meta = [s for s in systems if s != "readability"]  # readability extracts no date / author
    blocks = [("body F1", "".join(f"{SHORT.get(x, x):>6}" for x in systems) + f"{'nf-best':>8}"),
              ("title", "".join(f"{SHORT.get(x, x):>6}" for x in systems) + f"{'n':>4}"),
              ("date", "".join(f"{SHORT.get(x, x):>6}" for x in meta) + f"{'n':>4}"),
              ("author_set", "".join(f"{SHORT.get(x, x):>6}" for x in meta) + f"{'n':>4}")]
    top = f"{'':<32}" + "".join(f" | {label:<{len(cols) - 1}}" for label, cols in blocks)
    bottom = f"{'group':<28}{'n':>4}" + "".join(f" |{cols}" for _label, cols in blocks)
    return top.rstrip() + "\n" + bottom


def wide_row(label: str, aggs: dict[str, dict], systems: list[str]) -> str:
    meta = [s for s in systems if s != "readability"]
    first = aggs[systems[0]]
    nf = aggs.get("newsflow", {}).get("body_f1")
    base = [aggs[s].get("body_f1") for s in systems if s != "newsflow" and aggs[s].get("body_f1") is not None]
    delta = f"{nf - max(base):+8.3f}" if nf is not None and base else f"{'-':>8}"

    def cells(key: str, names: list[str]) -> str:
        return "".join(f"{f3(aggs[x].get(key)):>6}" for x in names)

    return (f"{label:<28}{first['n']:>4} |{cells('body_f1', systems)}{delta}"
            f" |{cells('title_norm', systems)}{first.get('n_title_norm', 0):>4}"
            f" |{cells('date', meta)}{first.get('n_date', 0):>4}"
            f" |{cells('author_set', meta)}{first.get('n_author_set', 0):>4}")


def print_groups(name: str, res: dict) -> None:
    """By language, by encoding (bytes), by charset declaration: the three systems side by side."""
    per_case, pages = res.get("per_case") or {}, res.get("pages") or []
    systems = [s for s in res["systems"] if s in per_case]
    if not systems or not pages:
        return
    for key, title in (("lang", "language (gold lang)"),
                       ("encoding", "encoding of the bytes (MANIFEST; else detected)"),
                       ("declaration", "charset declaration (MANIFEST; else <meta>/encoding=)")):
        print(f"\n{name} by {title}; n = pages, title/date/author n = pages whose gold has the field")
        print(wide_header(systems))
        groups = group_ids(pages, key)
        groups["ALL"] = [p["id"] for p in pages]
        for label, ids in groups.items():
            aggs = {s: foldlib.mean_by(per_case[s], ids, METRICS) for s in systems}
            print(wide_row(label, aggs, systems))
    print("  nf = newsflow, traf = trafilatura, read = readability-lxml (no date / author: left out); "
          "nf-best = newsflow body F1 - the better baseline's")


def print_folds(name: str, res: dict) -> None:
    oof = res.get("oof")
    if not oof:
        return
    systems = list(oof["pooled"])
    print(f"\n{name}: {oof['k']} folds by registrable domain (sha256(domain) mod {oof['k']}); "
          f"{len({p['domain'] for p in res['pages']})} domains, {len(res['pages'])} pages")
    print(wide_header(systems))
    for f in oof["folds"]:
        print(wide_row(f"fold {f['fold']} ({f['domains']} domains)", f["systems"], systems))
    print(wide_row("out-of-fold, pooled", oof["pooled"], systems))
    print(f"  mean over folds [min, max] (spread of the {oof['k']} fold scores):")
    for sysname in systems:
        st = oof["fold_stats"][sysname]
        cells = []
        for m, lab in (("body_f1", "body F1"), ("title_norm", "title"), ("date", "date"), ("author_set", "author_set")):
            if sysname == "readability" and m in ("date", "author_set"):
                continue
            v = st.get(m)
            cells.append(f"{lab} {v['mean']:.3f} [{v['min']:.3f}, {v['max']:.3f}]" if v else f"{lab} -")
        print(f"    {sysname:<12} " + "; ".join(cells))
    print("  nothing is fitted yet, so out-of-fold = plain scores; bench/folds.py folds() gives the "
          "(train_ids, test_ids) splits for fitting code")


GOAL_MIN_LANG_PAGES = 20


def goals(results: dict) -> list[dict]:
    """dev and train (train: out-of-fold scores): body F1 >= better baseline + 0.03 overall and in
    every language with >= 20 pages, date >= 0.92, title >= 0.85, author_set >= 0.80, pages/s >=
    readability's (in-process; on train also the `parse --dir` path); ko_dev: body >= 0.97,
    date >= 0.95, author_set >= 0.95."""
    out: list[dict] = []

    def add(text: str, value, target, detail: str = "") -> None:
        if value is None or target is None:
            out.append({"goal": text, "status": "n/a", "value": value, "target": target,
                        "line": f"n/a     {text}: not measured"})
            return
        met = value >= target - 1e-12
        out.append({"goal": text, "status": "MET" if met else "NOT MET", "value": value, "target": target,
                    "line": f"{'MET    ' if met else 'NOT MET'} {text}: {detail or f'{value:.3f} vs {target:.3f}'}"})

    def scores(setname: str, system: str) -> dict | None:
        res = results.get(setname) or {}
        if setname == "train" and res.get("oof"):
            return res["oof"]["pooled"].get(system)
        s = res.get("systems", {}).get(system)
        return (s or {}).get("scores")

    def body_goal(setname: str, label: str, get_f1) -> None:
        nf = get_f1("newsflow")
        bases = [(b, get_f1(b)) for b in ("trafilatura", "readability")]
        bases = [(b, v) for b, v in bases if v is not None]
        text = f"{label} body F1 >= better baseline + 0.03"
        if not bases or nf is None:
            add(text, None, None)
            return
        bname, bval = max(bases, key=lambda kv: kv[1])
        add(text, nf, bval + 0.03, f"newsflow {nf:.3f} vs {bname} {bval:.3f} + 0.03 = {bval + 0.03:.3f}")

    for setname, tag in (("dev", "dev"), ("train", "train (out-of-fold)")):
        res = results.get(setname)
        if not res:
            continue
        body_goal(setname, tag, lambda sysname: (scores(setname, sysname) or {}).get("body_f1"))
        # languages with >= 20 pages
        per_case, pages = res.get("per_case") or {}, res.get("pages") or []
        langs = group_ids(pages, "lang")
        big = {lang: ids for lang, ids in langs.items() if len(ids) >= GOAL_MIN_LANG_PAGES}
        if not big:
            largest = ", ".join(f"{lang} {len(ids)}" for lang, ids in list(langs.items())[:3])
            out.append({"goal": f"{tag} body F1 per language with >= {GOAL_MIN_LANG_PAGES} pages", "status": "n/a",
                        "value": None, "target": None,
                        "line": f"n/a     {tag} body F1 >= better baseline + 0.03 in every language with >= "
                                f"{GOAL_MIN_LANG_PAGES} pages: no language has {GOAL_MIN_LANG_PAGES} pages "
                                f"(largest: {largest})"})
        for lang, ids in big.items():
            body_goal(setname, f"{tag} [{lang}, {len(ids)} pages]",
                      lambda sysname, ids=ids: (foldlib.mean_by(per_case[sysname], ids, ["body_f1"])["body_f1"]
                                                if sysname in per_case else None))
        nf = scores(setname, "newsflow") or {}
        for key, label, target in (("date", "date accuracy >= 0.92", 0.92), ("title_norm", "title match >= 0.85", 0.85),
                                   ("author_set", "author (author_set) >= 0.80", 0.80)):
            v = nf.get(key)
            add(f"{tag} {label}", v, target,
                None if v is None else f"newsflow {v:.3f} on {nf.get('n_' + key, 0)} pages (target {target:.2f})")
        sysd = res.get("systems", {})
        nf_ps = (sysd.get("newsflow") or {}).get("pages_per_s")
        rd_ps = (sysd.get("readability") or {}).get("pages_per_s")
        add(f"{setname} pages/s >= readability's (in-process)", nf_ps, rd_ps,
            None if nf_ps is None or rd_ps is None else f"newsflow {nf_ps:.1f} vs readability {rd_ps:.1f} pages/s")
        cli = res.get("parse_dir")
        if cli:
            cp = cli.get("pages_per_s")
            add(f"{setname} `newsflow parse --dir` pages/s >= readability's (in-process)", cp, rd_ps,
                None if cp is None or rd_ps is None else
                f"parse --dir {cp:.1f} pages/s (whole command, start-up included) vs readability {rd_ps:.1f}")
    if results.get("ko_dev"):
        nf = scores("ko_dev", "newsflow") or {}
        for key, label, target in (("body_f1", "ko_dev body F1 >= 0.97", 0.97),
                                   ("date", "ko_dev date accuracy >= 0.95", 0.95),
                                   ("author_set", "ko_dev author (author_set) >= 0.95", 0.95)):
            v = nf.get(key)
            add(label, v, target, None if v is None else f"newsflow {v:.3f} (target {target:.2f})")
    return out


# ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Extraction benchmark: newsflow vs trafilatura vs readability-lxml.")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder (default: <project root>/../shared)")
    ap.add_argument("--sets", default="dev,ko_dev,train",
                    help="comma-separated corpus sets (default dev,ko_dev,train)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems (default all three)")
    ap.add_argument("--out", type=Path, help="where the prediction dirs go (default: a new temp dir, kept)")
    ap.add_argument("--json", type=Path, help="write all figures to this JSON file")
    ap.add_argument("--per-case", action="store_true",
                    help="(kept for compatibility: the per-case TSV is now always written into --out)")
    ap.add_argument("--passes", type=int, default=2, help="timed passes per system (the fastest counts)")
    ap.add_argument("--folds", type=int, default=5, help="folds by registrable domain on train (default 5)")
    ap.add_argument("--cli-runs", type=int, default=2,
                    help="timed runs of `python -m newsflow parse --dir` on train (default 2; 0 = skip)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    t_start = time.perf_counter()
    args = parse_args(argv)
    shared = args.shared
    if not shared.is_dir():
        print(f"{shared} is absent: nothing to benchmark")
        return 0
    scorer = shared / "tools" / "score_extraction.py"
    if not scorer.is_file():
        print(f"{scorer} is absent: nothing to benchmark")
        return 0
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SETUP]
    if unknown:
        print(f"unknown system(s): {', '.join(unknown)} (known: {', '.join(SYSTEMS)})", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.ERROR)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)

    out_root = args.out or Path(tempfile.mkdtemp(prefix="bench_extract_"))
    out_root.mkdir(parents=True, exist_ok=True)

    corpora: dict[str, tuple[Path, list[dict], list[dict]]] = {}
    for s in sets:
        d = shared / "corpus" / s
        if not d.is_dir():
            print(f"{d} is absent: skipping set {s}")
            continue
        cases = load_cases(d)
        if not cases:
            print(f"{d}: no gold cases, skipping set {s}")
            continue
        pages = foldlib.load_pages(d)
        if [p["id"] for p in pages] != [c["id"] for c in cases]:  # both read the same gold files
            raise RuntimeError(f"{d}: page list of folds.load_pages differs from load_cases")
        corpora[s] = (d, cases, pages)
    if not corpora:
        print("no corpus set to benchmark")
        return 0

    extractors: dict[str, Callable[[bytes, str], dict]] = {}
    unavailable: dict[str, str] = {}
    for name in systems:
        try:
            extractors[name] = SETUP[name]()
        except Exception as exc:  # e.g. not installed, or newsflow mid-edit
            unavailable[name] = f"{type(exc).__name__}: {exc}"
            print(f"{name}: unavailable ({unavailable[name]}); left out", file=sys.stderr)

    vers = versions()
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for setname, (set_dir, cases, pages) in corpora.items():
        set_out = out_root / setname
        set_out.mkdir(parents=True, exist_ok=True)
        sysres: dict[str, dict] = {}
        for name, extract in extractors.items():
            print(f"  ... {setname}: {name} ({len(cases)} pages x {args.passes} passes + 1 memory pass)",
                  file=sys.stderr, flush=True)
            m = measure(extract, cases, args.passes, label=f"{setname}/{name}")
            write_preds(set_out / name, m.pop("preds"))
            sysres[name] = m
        if not sysres:
            continue
        report = run_scorer(scorer, set_dir, [set_out / n for n in sysres], set_out, args.per_case)
        for name, m in sysres.items():
            rep = report["systems"].get(name, {})
            m["scores"] = rep.get("overall")
            m["by_annotation"] = rep.get("by_annotation")
            m["by_lang"] = rep.get("by_lang")
            m["missing_predictions"] = rep.get("missing_predictions")
            m["pred_dir"] = str(set_out / name)
        results[setname] = {"cases": report.get("cases", len(cases)), "dir": str(set_dir), "systems": sysres,
                            "pages": pages, "per_case": report.get("per_case") or {}}
        if setname == "train" and args.folds >= 2:
            results[setname]["oof"] = out_of_fold(results[setname]["per_case"], pages, args.folds)
        if setname == "train" and args.cli_runs > 0 and "newsflow" in extractors:
            print(f"  ... {setname}: python -m newsflow parse --dir ({len(cases)} pages copied to a temp dir, "
                  f"{args.cli_runs} runs)", file=sys.stderr, flush=True)
            work = Path(tempfile.mkdtemp(prefix=f"bench_extract_cli_{setname}_"))
            try:
                results[setname]["parse_dir"] = time_parse_dir(cases, args.cli_runs, work, scorer, set_dir)
            finally:
                shutil.rmtree(work / "pages", ignore_errors=True)  # the copied page bytes
                results[setname].setdefault("parse_dir", {})["work_dir"] = str(work)
        print(f"  ... {setname} done ({time.perf_counter() - started:.0f}s so far)", file=sys.stderr, flush=True)

    print(f"newsflow extraction benchmark; {', '.join(f'{k} {v}' for k, v in vers.items())}")
    for setname, res in results.items():
        print_set(setname, res)
        if setname in ("dev", "train"):
            print_groups(setname, res)
        print_folds(setname, res)
        cli = res.get("parse_dir")
        if cli and cli.get("pages_per_s"):
            rd = (res["systems"].get("readability") or {}).get("pages_per_s")
            sc = cli.get("scores") or {}
            same = {m: sc.get(m) for m in ("body_f1", "title_norm", "date", "author_set")}
            nf = {m: (res["systems"].get("newsflow", {}).get("scores") or {}).get(m) for m in same}
            print(f"\n{setname}: `python -m newsflow parse --dir <tmp>/pages --out <tmp>/out --urls <tmp>/urls.tsv` "
                  f"on {cli['pages']} pages (copied to a temp dir <tmp>), best of "
                  f"{len(cli['wall_seconds'])} runs: {cli['pages_per_s']:.1f} pages/s for the whole command "
                  f"(interpreter start + imports included; {min(cli['wall_seconds']):.1f}s), "
                  f"{f1d(cli.get('loop_pages_per_s'))} pages/s by its own loop timer; exit {cli['exit']}, "
                  f"{cli['written']} JSON written")
            print(f"  beside (same process as this script): readability {f1d(rd)} pages/s, newsflow "
                  f"{f1d(res['systems'].get('newsflow', {}).get('pages_per_s'))} pages/s; parse --dir output "
                  f"scores body F1 {f3(same['body_f1'])}, title {f3(same['title_norm'])}, date {f3(same['date'])}, "
                  f"author_set {f3(same['author_set'])} "
                  f"({'identical to' if same == nf else 'DIFFERS from'} the in-process newsflow scores)")
        elif cli:
            print(f"\n{setname}: parse --dir failed: exit {cli.get('exit')} {cli.get('stderr_tail', '')}")
    print("\npages/s = pages / wall time of the extraction calls, best of "
          f"{args.passes} passes (lru caches cleared before each); 1st p/s = first pass (incl. one-time "
          "lazy init); peak MB = Python-heap peak (tracemalloc) of a separate untimed pass.")
    for name, why in unavailable.items():
        print(f"{name} unavailable: {why}")
    g = goals(results)
    print(f"\ntotal run time {time.perf_counter() - t_start:.0f}s")
    print("\ngoals (newsflow)")
    for line in g:
        print(f"  {line['line']}")
    print(f"\npredictions: {out_root}/<set>/<system>/<id>.json; scorer report: {out_root}/<set>/scorer.txt; "
          f"per-case TSV: {out_root}/<set>/per_case.tsv")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"versions": vers, "shared": str(shared), "out": str(out_root),
                                         "passes": args.passes, "sets": results, "goals": g,
                                         "unavailable": unavailable}, indent=1, ensure_ascii=False,
                                        default=str) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
