"""Extraction benchmark: newsflow's parser vs trafilatura vs readability-lxml on the gold corpus.

What is measured
----------------
The three systems get the very same raw page bytes (no HTTP headers, the encoding is not
normalised: GB2312 and undeclared-cp949 pages are included) from the shared gold corpus
(``<shared>/corpus/dev``: 49 real pages; ``<shared>/corpus/ko_dev``: 6 synthetic Korean
CMS pages). url = the gold ``url`` when it has one, else ``http://localhost/<id>.html``.

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
``n`` line under each table). For dev, the scorer's split by annotation (human vs
parser-reviewed) is printed too.

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

Then a "goals" block, each line MET / NOT MET with its numbers: on dev newsflow body F1 >=
best baseline F1 + 0.03, date >= 0.92, title >= 0.85, pages/s >= readability's; on
ko_dev body F1 >= 0.97, date >= 0.95, author_set >= 0.95.

Run it
------
    .venv/bin/python bench/bench_extract.py                  # both sets, ~1 min on 2 cores
    .venv/bin/python bench/bench_extract.py --sets dev --out /tmp/bx --per-case --json /tmp/bx.json
    make bench-extract                                        # calls python bench/bench_extract.py

Options: --shared PATH (default: <project root>/../shared; when it is absent the script
says so and exits 0), --sets dev,ko_dev, --systems newsflow,trafilatura,readability,
--out DIR (prediction dirs, kept; default a new temp dir), --json PATH (all figures),
--per-case (also write the scorer's per-case TSV, ``<out>/<set>/per_case.tsv``),
--passes N (timed passes, default 2). The scorer's own full report goes to
``<out>/<set>/scorer.txt``. The exit code is 0 unless the script itself fails: it is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
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
    for gp in sorted(set_dir.glob("*.json")):
        try:
            gold = json.loads(gp.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        hp = gp.with_suffix(".html")
        if not isinstance(gold, dict) or not gold.get("body") or not hp.exists():
            continue
        cases.append({"id": gp.stem, "html": hp.read_bytes(),
                      "url": gold.get("url") or f"http://localhost/{gp.stem}.html"})
    return cases


def clear_lru_caches() -> None:
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            try:
                obj.cache_clear()
            except Exception:  # pragma: no cover - exotic wrappers
                pass
    gc.collect()


def one_pass(extract: Callable[[bytes, str], dict], cases: list[dict]) -> tuple[float, dict, dict]:
    """(seconds spent in the extraction calls, predictions, errors) for one pass over the cases."""
    preds: dict[str, dict] = {}
    errors: dict[str, str] = {}
    total = 0.0
    for c in cases:
        t0 = time.perf_counter()
        try:
            pred = extract(c["html"], c["url"])
        except Exception as exc:  # an exception = empty prediction
            pred = None
            errors[c["id"]] = f"{type(exc).__name__}: {str(exc)[:160]}"
        total += time.perf_counter() - t0
        preds[c["id"]] = dict(EMPTY) if pred is None else pred
    return total, preds, errors


def measure(extract: Callable[[bytes, str], dict], cases: list[dict], passes: int) -> dict:
    seconds: list[float] = []
    preds: dict = {}
    errors: dict = {}
    for _ in range(max(1, passes)):
        clear_lru_caches()
        s, preds, errors = one_pass(extract, cases)
        seconds.append(s)
    # memory: one more, untimed pass under tracemalloc
    clear_lru_caches()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        one_pass(extract, cases)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    n = len(cases)
    best = min(seconds)
    return {"pages": n, "pass_seconds": [round(s, 4) for s in seconds],
            "pages_per_s": n / best if best > 0 else None,
            "first_pass_pages_per_s": n / seconds[0] if seconds[0] > 0 else None,
            "peak_mb": peak / 1e6, "errors": len(errors), "error_details": errors, "preds": preds}


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
           "--by", "lang", "--by", "annotation"]
    if per_case:
        cmd += ["--per-case", str(out_dir / "per_case.tsv")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    (out_dir / "scorer.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0 or not json_path.exists():
        raise RuntimeError(f"scorer failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return json.loads(json_path.read_text(encoding="utf-8"))


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
            + f"{'pages/s':>8}{'1st p/s':>9}{'peak MB':>9}{'errors':>8}")
    print(head)
    for sysname, s in systems.items():
        o = s.get("scores") or {}
        cells = "".join(f"{f3(o.get(k)):<{max(len(c) + 1, 7)}}" for c, k in SCORE_COLS)
        print(f"{sysname:<14}{cells}{f1d(s.get('pages_per_s')):>8}{f1d(s.get('first_pass_pages_per_s')):>9}"
              f"{f1d(s.get('peak_mb')):>9}{s.get('errors', 0):>8}")
    first = next((s["scores"] for s in systems.values() if s.get("scores")), None)
    if first:
        print(f"  {n_line(first)} (scorer means over the cases whose gold has the field)")
    for sysname, s in systems.items():
        for cid, msg in (s.get("error_details") or {}).items():
            print(f"  error {sysname} {cid}: {msg}")
    if name == "dev":
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


def goals(results: dict) -> list[dict]:
    out: list[dict] = []

    def get(setname: str, system: str, key: str):
        s = results.get(setname, {}).get("systems", {}).get(system)
        if not s:
            return None
        if key in ("pages_per_s",):
            return s.get(key)
        return (s.get("scores") or {}).get(key)

    def add(text: str, value, target, detail: str = "") -> None:
        if value is None or target is None:
            out.append({"goal": text, "status": "n/a", "value": value, "target": target,
                        "line": f"n/a     {text}: not measured"})
            return
        met = value >= target - 1e-12
        out.append({"goal": text, "status": "MET" if met else "NOT MET", "value": value, "target": target,
                    "line": f"{'MET    ' if met else 'NOT MET'} {text}: {detail or f'{value:.3f} vs {target:.3f}'}"})

    nf_f1 = get("dev", "newsflow", "body_f1")
    bases = [(b, get("dev", b, "body_f1")) for b in ("trafilatura", "readability")]
    bases = [(b, v) for b, v in bases if v is not None]
    if bases:
        bname, bval = max(bases, key=lambda kv: kv[1])
        add("dev body F1 >= best baseline + 0.03", nf_f1, bval + 0.03,
            None if nf_f1 is None else f"newsflow {nf_f1:.3f} vs {bname} {bval:.3f} + 0.03 = {bval + 0.03:.3f}")
    else:
        add("dev body F1 >= best baseline + 0.03", None, None)
    for key, label, target, setname in (("date", "dev date accuracy >= 0.92", 0.92, "dev"),
                                        ("title_norm", "dev title match >= 0.85", 0.85, "dev")):
        v = get(setname, "newsflow", key)
        add(label, v, target, None if v is None else f"newsflow {v:.3f} (target {target:.2f})")
    nf_ps, rd_ps = get("dev", "newsflow", "pages_per_s"), get("dev", "readability", "pages_per_s")
    add("dev pages/s >= readability's", nf_ps, rd_ps,
        None if nf_ps is None or rd_ps is None else f"newsflow {nf_ps:.1f} vs readability {rd_ps:.1f} pages/s")
    for key, label, target in (("body_f1", "ko_dev body F1 >= 0.97", 0.97),
                               ("date", "ko_dev date accuracy >= 0.95", 0.95),
                               ("author_set", "ko_dev author (author_set) >= 0.95", 0.95)):
        v = get("ko_dev", "newsflow", key)
        add(label, v, target, None if v is None else f"newsflow {v:.3f} (target {target:.2f})")
    return out


# ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Extraction benchmark: newsflow vs trafilatura vs readability-lxml.")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder (default: <project root>/../shared)")
    ap.add_argument("--sets", default="dev,ko_dev", help="comma-separated corpus sets (default dev,ko_dev)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems (default all three)")
    ap.add_argument("--out", type=Path, help="where the prediction dirs go (default: a new temp dir, kept)")
    ap.add_argument("--json", type=Path, help="write all figures to this JSON file")
    ap.add_argument("--per-case", action="store_true", help="also write the scorer's per-case TSV into --out")
    ap.add_argument("--passes", type=int, default=2, help="timed passes per system (the fastest counts)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
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

    corpora: dict[str, tuple[Path, list[dict]]] = {}
    for s in sets:
        d = shared / "corpus" / s
        if not d.is_dir():
            print(f"{d} is absent: skipping set {s}")
            continue
        cases = load_cases(d)
        if not cases:
            print(f"{d}: no gold cases, skipping set {s}")
            continue
        corpora[s] = (d, cases)
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
    for setname, (set_dir, cases) in corpora.items():
        set_out = out_root / setname
        set_out.mkdir(parents=True, exist_ok=True)
        sysres: dict[str, dict] = {}
        for name, extract in extractors.items():
            print(f"  ... {setname}: {name} ({len(cases)} pages x {args.passes} passes + 1 memory pass)",
                  file=sys.stderr, flush=True)
            m = measure(extract, cases, args.passes)
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
        results[setname] = {"cases": report.get("cases", len(cases)), "dir": str(set_dir), "systems": sysres}

    print(f"newsflow extraction benchmark; {', '.join(f'{k} {v}' for k, v in vers.items())}")
    for setname, res in results.items():
        print_set(setname, res)
    print("\npages/s = pages / wall time of the extraction calls, best of "
          f"{args.passes} passes (lru caches cleared before each); 1st p/s = first pass (incl. one-time "
          "lazy init); peak MB = Python-heap peak (tracemalloc) of a separate untimed pass.")
    for name, why in unavailable.items():
        print(f"{name} unavailable: {why}")
    g = goals(results)
    print("\ngoals (newsflow)")
    for line in g:
        print(f"  {line['line']}")
    print(f"\npredictions: {out_root}/<set>/<system>/<id>.json; scorer report: {out_root}/<set>/scorer.txt"
          + (f"; per-case TSV: {out_root}/<set>/per_case.tsv" if args.per_case else ""))

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
