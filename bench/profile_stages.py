"""CPU cost per article of the per-article stages (parse -> clean -> extract), in one process.

Synthetic pages from ``bench/synth_pages.py`` (ten source templates, five languages) are
generated up front (not timed), then run through the very functions the pipeline's shard
tasks call: ``newsflow.parse.parse`` (as ``parse_shard``), ``newsflow.clean.clean`` with
the source's template lines learned from all parsed pages of that source and its profile's
boilerplate rules (as ``clean_shard``; articles shorter than ``MIN_BODY_CHARS`` after
cleaning are dropped there), and ``newsflow.facts.extract`` per source, with no document
frequencies (``lambda wanted: ({}, {})``) and no term_df sample (as ``extract_shard`` on a
fresh lake). Kiwi's model, the extractor registry and the pipeline's modules are loaded before
the clock starts, as in the pipeline's workers (``newsflow.preload``). Printed: CPU ms per
article (process time) and wall ms per stage.

    .venv/bin/python bench/profile_stages.py --n 1000
    PYTHONHASHSEED=0 .venv/bin/python bench/profile_stages.py --n 1000 --dump /tmp/synth.jsonl
    .venv/bin/python bench/profile_stages.py --n 300 --profile extract --top 40
    PYTHONHASHSEED=0 .venv/bin/python bench/profile_stages.py --corpus --dump /tmp/corpus.jsonl

``--dump FILE`` writes a canonical JSON-lines dump of every stage's output (parsed articles,
parse rejects, cleaned articles, clean rejects, every fact row, the final articles with lang
and keywords, term rows, extract rejects), so two versions of the code can be compared with
``cmp``. Use ``PYTHONHASHSEED=0``: keyword ties are broken by set order.
``--df fake`` gives every article a deterministic non-empty document-frequency table, so the
idf branch of keyword scoring is exercised too, and puts every article in the term_df sample.

``--corpus`` instead parses (and cleans) every page of ``../shared/corpus/{dev,train,ko_dev}``
as ``newsflow parse`` does (a source of unknown origin, zone from the page's language) and
dumps the results.

``--profile STAGE`` (parse, clean, extract or all) runs cProfile around that stage and
prints the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))
sys.path.insert(0, str(ROOT / "bench"))


def _default(o):
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, bytes):
        return o.hex()
    if is_dataclass(o):
        return asdict(o)
    return repr(o)


def _line(kind: str, obj) -> str:
    if is_dataclass(obj):
        obj = asdict(obj)
    return json.dumps({"kind": kind, **obj} if isinstance(obj, dict) else {"kind": kind, "value": obj},
                      ensure_ascii=False, sort_keys=True, default=_default)


class Stages:
    """CPU (process) and wall seconds per stage; an optional profiler around one stage."""

    def __init__(self, profile: str | None) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.profile = profile
        self.prof = cProfile.Profile() if profile else None

    def run(self, name: str, fn, *args, **kw):
        on = self.prof is not None and self.profile in (name, "all")
        c0, w0 = time.process_time(), time.perf_counter()
        if on:
            self.prof.enable()
        try:
            return fn(*args, **kw)
        finally:
            if on:
                self.prof.disable()
            self.cpu[name] += time.process_time() - c0
            self.wall[name] += time.perf_counter() - w0


def _fake_df(wanted: dict[str, set[str]]):
    """A deterministic document-frequency table for the terms asked for."""
    df = {lang: {t: (sum(map(ord, t)) % 13) for t in terms} for lang, terms in wanted.items()}
    return df, {lang: 200 for lang in wanted}


def synthetic(args) -> int:
    from synth_pages import pages, sources_yaml

    from newsflow.clean import clean, line_keys, template_lines
    from newsflow.config import parse_sources
    from newsflow.facts import extract
    from newsflow.models import Rejected, RawPage
    from newsflow.parse import MIN_BODY_CHARS, parse

    # as in the pipeline's workers: Kiwi's model and the registry loaded first (newsflow.preload),
    # and the pipeline's modules (pyarrow, numpy...) imported before any shard runs
    import newsflow.pipeline  # noqa: F401
    import newsflow.preload  # noqa: F401

    cfg = parse_sources(sources_yaml(), origin="synthetic")
    sources = {s.name: s for s in cfg.sources}
    t0 = time.perf_counter()
    raws = [RawPage(r["url"], r["final_url"], r["source"], r["status"], json.loads(r["headers"]), r["body"],
                    r["fetched_at"]) for r in pages(args.n, day=args.day, offset=args.offset)]
    print(f"{len(raws)} synthetic pages ({sum(len(r.body) for r in raws) / max(1, len(raws)) / 1024:.0f} KB mean) "
          f"generated in {time.perf_counter() - t0:.1f}s", flush=True)
    st = Stages(args.profile)
    dump: list[str] = []

    # parse
    parsed: dict[str, list] = defaultdict(list)
    lines: dict[str, Counter] = defaultdict(Counter)
    n_parsed = 0
    for raw in raws:
        src = sources[raw.source]
        try:
            result = st.run("parse", parse, raw, src)
        except Exception as exc:  # as parse_shard
            result = Rejected(raw.url, src.name, "parse", "parser_error", f"{type(exc).__name__}: {exc}"[:500])
        if isinstance(result, Rejected):
            dump.append(_line("parse_reject", result))
            continue
        n_parsed += 1
        dump.append(_line("parsed", result))
        parsed[src.name].append(result)
        lines[src.name].update(line_keys(result.paragraphs))

    # clean (template lines from the whole night of the source, as _template does without history)
    import re

    cleaned: dict[str, list] = defaultdict(list)
    n_cleaned = 0
    for name in sorted(parsed):
        tmpl = template_lines(lines[name], len(parsed[name]))
        dump.append(_line("template", {"source": name, "lines": sorted(tmpl)}))
        rules = [re.compile(p) for p in sources[name].profile.boilerplate]
        for a in parsed[name]:
            c = st.run("clean", clean, a, tmpl, rules)
            chars = sum(map(len, c.paragraphs))
            if chars < MIN_BODY_CHARS:
                dump.append(_line("clean_reject", {"url": c.url, "chars": chars, "removed": c.clean_removed}))
                continue
            n_cleaned += 1
            dump.append(_line("cleaned", c))
            cleaned[name].append(c)

    # extract, per source (a shard of one source)
    lookup = _fake_df if args.df == "fake" else (lambda wanted: ({}, {}))
    n_extracted = 0
    for name in sorted(cleaned):
        sample = {a.article_id for a in cleaned[name]} if args.df == "fake" else set()
        final, facts, term_rows, rejects = st.run("extract", extract, cleaned[name], lookup, sample)
        n_extracted += len(cleaned[name])
        for a in final:
            dump.append(_line("final", {"article_id": a.article_id, "lang": a.lang,
                                        "lang_confidence": a.lang_confidence, "keywords": list(a.keywords)}))
        for table in sorted(facts):
            for row in facts[table]:
                dump.append(_line("fact_" + table, row))
        for row in term_rows:
            dump.append(_line("term", row))
        for r in rejects:
            dump.append(_line("extract_reject", r))

    counts = {"parse": len(raws), "clean": n_parsed, "extract": n_extracted}
    print(f"pages {len(raws)}, parsed {n_parsed}, cleaned {n_cleaned}, extracted {n_extracted}")
    print(f"{'stage':<8} {'cpu ms/article':>15} {'wall ms/article':>16} {'cpu s':>8}")
    total = 0.0
    for name in ("parse", "clean", "extract"):
        n = max(1, counts[name])
        total += 1000 * st.cpu[name] / n
        print(f"{name:<8} {1000 * st.cpu[name] / n:>15.2f} {1000 * st.wall[name] / n:>16.2f} {st.cpu[name]:>8.2f}")
    print(f"{'sum':<8} {total:>15.2f}")
    _write(args, dump)
    _report(args, st)
    return 0


def corpus(args) -> int:
    from newsflow.clean import clean
    from newsflow.config import Source
    from newsflow.models import Rejected, RawPage
    from newsflow.parse import parse

    shared = Path(args.shared)
    source = Source(name="bench", timezone="UTC", feeds=[{"type": "urls", "urls": ["http://localhost/"]}])
    st = Stages(args.profile)
    dump: list[str] = []
    n = 0
    fetched = datetime(2024, 6, 27, 18, tzinfo=UTC)
    for sub in ("dev", "train", "ko_dev"):
        for page in sorted((shared / "corpus" / sub).glob("*.html")):
            gold = page.with_suffix(".json")
            url = None
            if gold.exists():
                url = json.loads(gold.read_text(encoding="utf-8")).get("url")
            url = url or f"http://localhost/{page.stem}.html"
            raw = RawPage(url, url, "bench", 200, {}, page.read_bytes(), fetched)
            try:
                result = st.run("parse", parse, raw, source, True)
            except Exception as exc:
                dump.append(_line("parse_error", {"page": f"{sub}/{page.name}", "error": f"{type(exc).__name__}: {exc}"}))
                continue
            n += 1
            if isinstance(result, Rejected):
                dump.append(_line("parse_reject", {"page": f"{sub}/{page.name}", **asdict(result)}))
                continue
            dump.append(_line("parsed", {"page": f"{sub}/{page.name}", **asdict(result)}))
            c = st.run("clean", clean, result)
            dump.append(_line("cleaned", {"page": f"{sub}/{page.name}", "title": c.title,
                                          "paragraphs": list(c.paragraphs), "removed": c.clean_removed}))
    print(f"corpus: {n} pages")
    for name in ("parse", "clean"):
        print(f"{name:<8} cpu {1000 * st.cpu[name] / max(1, n):.2f} ms/page, wall {1000 * st.wall[name] / max(1, n):.2f}")
    _write(args, dump)
    _report(args, st)
    return 0


def _write(args, dump: list[str]) -> None:
    if args.dump:
        if os.environ.get("PYTHONHASHSEED") != "0":
            print("warning: PYTHONHASHSEED is not 0: keyword ties may differ between runs", file=sys.stderr)
        Path(args.dump).write_text("\n".join(dump) + "\n", encoding="utf-8")
        print(f"dump: {len(dump)} lines -> {args.dump}")


def _report(args, st: Stages) -> None:
    if st.prof is None:
        return
    if args.profile_out:
        st.prof.dump_stats(args.profile_out)
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(st.prof, stream=buf).sort_stats(key).print_stats(args.top)
        print(f"\n--- profile of {args.profile}, by {key} ---")
        print("\n".join(buf.getvalue().splitlines()[4:]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="synthetic pages (default 1000)")
    ap.add_argument("--day", default="2024-06-27")
    ap.add_argument("--offset", type=int, default=0, help="skip this many articles of the synthetic stream first")
    ap.add_argument("--dump", help="write a canonical JSON-lines dump of every stage's output here")
    ap.add_argument("--df", choices=("empty", "fake"), default="empty", help="document frequencies for keywords")
    ap.add_argument("--corpus", action="store_true", help="parse + clean the shared corpus pages instead")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--profile", choices=("parse", "clean", "extract", "all"), help="cProfile this stage")
    ap.add_argument("--profile-out", help="also write the cProfile stats to this file")
    ap.add_argument("--top", type=int, default=35)
    args = ap.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    return corpus(args) if args.corpus else synthetic(args)


if __name__ == "__main__":
    raise SystemExit(main())
