"""Extraction benchmark: entities, quotes, dates, numbers, keywords (make bench-nlp).

Scores ``python -m newsflow analyze`` output with the shared scorer
(``../shared/tools/score_nlp.py``) on

* ``../shared/gold/*.json``: the seed article and the dev articles (the rules were
  developed looking at these, so they are in-sample), and
* ``bench/nlp_holdout/*.json``: 12 articles written for this project *without* looking at the
  extractor code, annotated by the same conventions. Scored blind once; their errors were
  then studied and fixed, so they are development data now, and
* ``bench/nlp_blind/*.json``: 10 more articles written the same way, scored blind twice and
  then studied (dev now too), and
* ``bench/nlp_test/*.json``: 10 more, never studied -- the out-of-sample figure, and
* ``bench/nlp_qdev/*.json``: 16 Korean articles written the same way for issue 15 as a
  development set for quote attribution and keywords (tuned on), and
* ``bench/nlp_unseen/*.json``: 30 more (20 ko, 5 en, 5 ja) for issue 15, written by someone who did
  not read the extractor, never studied; printed next to their first-blind scores (``bench/nlp_unseen.first_blind.json``),

each twice: with no history (a fresh lake: keyword weights come from kiwipiepy's language
model and a stop list) and with document frequencies from a background set of real pages
(``../shared/corpus`` and the dedup articles), which is what a lake with history gives.
Prints P/R/F1 per type and language, the goals of issue 6 on the Korean articles, whether
every language got entities and keywords, and articles/s over ~90 real pages.

Skips (exit 0) when ../shared/gold or the scorer is absent.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_nlp.py"
GOALS = {"entities": ("f1", 0.85), "quotes": ("f1", 0.90), "dates": ("f1", 0.85), "numbers": ("f1", 0.90),
         "keywords@10": ("recall", 0.60)}


def load_articles(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def background() -> list[dict]:
    """Real pages to stand in for the lake's history (bodies only)."""
    out = []
    for sub in ("dev", "ko_dev"):
        for p in sorted((SHARED / "corpus" / sub).glob("*.json")):
            d = json.loads(p.read_text(encoding="utf-8"))
            if d.get("body"):
                out.append({"body": d["body"], "title": d.get("title") or "", "lang": None})
    dd = SHARED / "gold" / "dedup_dev" / "articles.jsonl"
    if dd.exists():
        for line in dd.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append({"body": d.get("body") or "", "title": d.get("title") or "", "lang": None})
    return out


def doc_frequencies(texts: list[dict]) -> tuple[dict[str, Counter], Counter]:
    from newsflow.extract.base import Doc
    from newsflow.extract.keywords import candidate_terms
    from newsflow.extract.language import detect_language

    df: dict[str, Counter] = {}
    n: Counter = Counter()
    for t in texts:
        lang = detect_language(t["body"]) or "en"
        doc = Doc(t["body"], lang, None, t["title"])
        df.setdefault(lang, Counter()).update(candidate_terms(doc, []))
        n[lang] += 1
    return df, n


def predict(articles: list[dict], out: Path, df=None, n=None) -> float:
    from newsflow.extract.registry import analyze, doc_from_json, to_gold_schema

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for a in articles:
        doc = doc_from_json(a, a.get("id", "?"))
        if df is not None:
            doc.df, doc.n_docs = df.get(a.get("lang"), Counter()), n.get(a.get("lang"), 0)
        (out / f"{a['id']}.json").write_text(json.dumps(to_gold_schema(doc, analyze(doc), a), ensure_ascii=False),
                                             encoding="utf-8")
    return time.perf_counter() - started


def score(gold: Path, pred: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as fh:
        subprocess.run([sys.executable, str(SCORER), str(gold), str(pred), "--json", fh.name], check=True,
                       stdout=subprocess.DEVNULL)
        return json.loads(Path(fh.name).read_text())


def table(res: dict, title: str) -> None:
    print(f"\n{title}")
    print(f"{'lang':8}{'type':13}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for lang in sorted(k for k in res if k != "overall") + ["overall"]:
        for t in ("entities", "quotes", "dates", "numbers", "keywords@10"):
            r = res[lang][t]
            print(f"{lang:8}{t:13}{r['gold']:>6}{r['pred']:>6}{r['tp']:>5}{r['precision']:>8.3f}{r['recall']:>8.3f}"
                  f"{r['f1']:>8.3f}")


def goals(res: dict, label: str) -> bool:
    ko = res.get("ko")
    if not ko:
        print(f"  {label}: no Korean articles")
        return True
    ok = True
    for t, (metric, target) in GOALS.items():
        got = ko[t][metric]
        met = got >= target
        ok &= met
        print(f"  {label:24} ko {t:12} {metric:6} {got:.3f}  goal >= {target:.2f}  {'MET' if met else 'MISSED'}")
    return ok


# issue 15: on never-studied Korean articles
UNSEEN_GOALS = {"entities": ("f1", 0.90), "quotes": ("f1", 0.92), "dates": ("f1", 0.90), "numbers": ("f1", 0.95),
                "keywords@10": ("recall", 0.65)}


def unseen_goals(res: dict, mode: str, folder: Path) -> bool:
    """Issue 15's goals on ``bench/nlp_unseen`` (Korean), now and at first blind scoring side by side
    (``bench/nlp_unseen.first_blind.json``: the scores before any work on the issue), and whether every language
    got entities, quotes and keywords."""
    first = {}
    fb = folder.parent / f"{folder.name}.first_blind.json"
    if fb.exists():
        first = json.loads(fb.read_text(encoding="utf-8"))["scores"].get(mode, {})
    ok = True
    print(f"  issue 15 goals, never-studied Korean articles ({mode}); first blind = before any work on it:")
    for t, (metric, target) in UNSEEN_GOALS.items():
        got = res.get("ko", {}).get(t, {}).get(metric, 0.0)
        was = first.get("ko", {}).get(t, {}).get(metric)
        met = got >= target
        ok &= met
        print(f"  {'MET    ' if met else 'NOT MET'} unseen ko {t:12} {metric:6} {got:.3f} (first blind "
              f"{was:.3f})  goal >= {target:.2f}" if was is not None else
              f"  {'MET    ' if met else 'NOT MET'} unseen ko {t:12} {metric:6} {got:.3f}  goal >= {target:.2f}")
    for lang in sorted(k for k in res if k != "overall"):
        have = [t for t in ("entities", "quotes", "keywords@10") if res[lang][t]["tp"] > 0]
        met = len(have) == 3
        ok &= met
        print(f"  {'MET    ' if met else 'NOT MET'} unseen {lang}: entities, quotes and keywords found "
              f"({', '.join(have) or 'none'})")
    return ok


def coverage(pred: Path, articles: list[dict]) -> list[str]:
    """Articles of any language that got no entities or no keywords."""
    bad = []
    for a in articles:
        p = json.loads((pred / f"{a['id']}.json").read_text(encoding="utf-8"))
        if not p.get("entities") or not p.get("keywords"):
            bad.append(f"{a['id']} ({a.get('lang')})")
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "data" / "bench_nlp"), help="folder for the predictions")
    ap.add_argument("--holdout", default=str(ROOT / "bench" / "nlp_holdout"))
    ap.add_argument("--blind", default=str(ROOT / "bench" / "nlp_blind"))
    ap.add_argument("--test", default=str(ROOT / "bench" / "nlp_test"))
    ap.add_argument("--qdev", default=str(ROOT / "bench" / "nlp_qdev"))
    ap.add_argument("--unseen", default=str(ROOT / "bench" / "nlp_unseen"))
    args = ap.parse_args()
    if not (SHARED / "gold").is_dir() or not SCORER.exists():
        print(f"skipped: {SHARED / 'gold'} or {SCORER} not found")
        return 0
    sys.path.insert(0, str(ROOT / "include"))
    from newsflow.extract.entities import _kiwi

    t0 = time.perf_counter()
    _kiwi().tokenize("모델을 불러온다.")
    load_s = time.perf_counter() - t0
    bg = background()
    df, n = doc_frequencies(bg)
    print(f"kiwipiepy model load: {load_s:.2f}s; background for document frequencies: {len(bg)} real pages "
          f"({', '.join(f'{k} {v}' for k, v in sorted(n.items()))})")
    sets = [("gold (seed + dev, in-sample)", SHARED / "gold")]
    if Path(args.holdout).is_dir() and list(Path(args.holdout).glob("*.json")):
        sets.append(("holdout (written blind; its errors were then studied, so now dev)", Path(args.holdout)))
    if Path(args.blind).is_dir() and list(Path(args.blind).glob("*.json")):
        sets.append(("blind (written blind; scored twice, then studied, so now dev)", Path(args.blind)))
    if Path(args.test).is_dir() and list(Path(args.test).glob("*.json")):
        sets.append(("test (written blind, never studied: the out-of-sample figure)", Path(args.test)))
    if Path(args.qdev).is_dir() and list(Path(args.qdev).glob("*.json")):
        sets.append(("qdev (issue 15: 16 ko articles written blind for tuning quotes and keywords: dev)", Path(args.qdev)))
    if Path(args.unseen).is_dir() and list(Path(args.unseen).glob("*.json")):
        sets.append(("unseen (issue 15: 30 articles written blind, never studied)", Path(args.unseen)))
    out = Path(args.out)
    all_ok = True
    for label, folder in sets:
        arts = load_articles(folder)
        for mode, kw in (("no history", {}), ("with lake-style DF", {"df": df, "n": n})):
            pred = out / folder.name / mode.replace(" ", "_")
            secs = predict(arts, pred, **kw)
            res = score(folder, pred)
            table(res, f"== {label}, {mode}: {len(arts)} articles, {len(arts) / secs:.1f} articles/s ==")
            ok = goals(res, f"{folder.name}/{mode}")
            missing = coverage(pred, arts)
            print(f"  every article has entities and keywords: {'yes' if not missing else 'NO: ' + ', '.join(missing)}")
            if mode == "no history" and folder.name in ("gold", "nlp_test"):
                all_ok &= ok
            if folder.name == "nlp_unseen":
                all_ok &= unseen_goals(res, mode, folder)
    # throughput on real pages (bodies of the corpus and the dedup set, all languages)
    from newsflow.extract.base import Doc
    from newsflow.extract.language import detect_language
    from newsflow.extract.registry import analyze

    docs = [Doc(t["body"], detect_language(t["body"]) or "en", None, t["title"]) for t in bg]
    chars = sum(len(d.body) for d in docs)
    started = time.perf_counter()
    facts = Counter()
    for d in docs:
        for k, v in analyze(d).items():
            facts[k] += len(v)
    secs = time.perf_counter() - started
    print(f"\nthroughput: {len(docs)} real pages ({chars / 1000:.0f}k chars) in {secs:.2f}s = "
          f"{len(docs) / secs:.1f} articles/s, {chars / secs / 1000:.0f}k chars/s (one core); "
          f"facts: {dict(facts)}")
    print("\nall goals MET" if all_ok else "\nsome goals MISSED (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
