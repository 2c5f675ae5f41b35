"""Feasibility study (issue 14): can a GATED ENSEMBLE of newsflow, trafilatura and readability-lxml
beat the better baseline by +0.03 body F1 on unseen sites, at readability's speed or better?

No extraction is run: the study reads the predictions a finished ``bench/bench_extract.py`` run
saved (``<pred-root>/<set>/<system>/<id>.json``) and its pages/s figures (``--bench-json``), the
gold and the raw HTML of ``<shared>/corpus/{train,dev,ko_dev}`` (read only, nothing is copied),
and scores with the shared scorer's own functions (``score_case`` / ``tokens`` / ``prf``,
imported from ``<shared>/tools/score_extraction.py``).

Page features (no gold): pairwise bag-of-tokens F1 between the candidate bodies ("agreement",
the scorer's tokenisation; character level when the page's text is mostly CJK / Hangul / kana,
detected from the candidate bodies, NOT from the gold lang), body lengths, empty bodies
(newsflow's reject = empty body: the saved predictions hold no reject record), and from the raw
HTML (lxml, a runtime dependency already): visible text length, text-to-HTML ratio, link density.

Selectors (fitted ones: fit on 4 folds of ``bench/folds.py`` (registrable domain), scored on the
5th, pooled; and fitted on all of train, scored on dev and ko_dev):
  a  newsflow always
  b  ORACLE: best candidate per page by gold (information only: not a selector)
  c  centroid: the non-empty candidate with the highest mean agreement with the other two;
     ties -> the candidate with the better training-fold mean F1 (fitted priority)
  d  gate: newsflow unless its body is empty or max(agree(nf,traf), agree(nf,read)) < t, then c;
     t fitted on the training folds (grid 0..1 by 0.025, best mean F1, ties -> smaller t)
  e  logistic regression / stump chooser: only if scikit-learn is installed (it is not: skipped)
  g  cheap gate: decides from newsflow's output and the raw HTML only whether to run the
     baselines (fires when nf's body is empty, or nf body chars / page text chars < r, or
     nf body chars < L, or page text / HTML bytes < h); when it fires -> c. (r, L, h) fitted on
     the training folds: g = best mean F1; g-budget = best mean F1 among settings whose
     training-fold firing share keeps the estimated pages/s >= readability's pages/s.

Estimated pages/s = 1 / (1/nf_pps + share * (1/traf_pps + 1/read_pps)), with the in-process
train pages/s of the bench run (feature cost not included: it is measured and printed apart).

Run:  .venv/bin/python bench/ensemble_study.py [--pred-root /tmp/bx_final] [--bench-json /tmp/bx_final.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import folds as foldlib  # noqa: E402

SYS = ("newsflow", "trafilatura", "readability")
SHORT = {"newsflow": "nf", "trafilatura": "traf", "readability": "read"}
LANGS = ("en", "zh", "ru", "de", "pl")
K = 5
MIN_LANG = 20


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("shared_score_extraction", str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------------ features
def is_char_script(ch: str) -> bool:
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0xF900 <= o <= 0xFAFF)


def token_lang(texts: list[str]) -> str:
    """'zh' (character-level tokens) when most letters of the longest body are CJK / Hangul / kana."""
    t = max(texts, key=len) if texts else ""
    letters = [c for c in t[:5000] if c.isalpha()]
    if not letters:
        return "en"
    return "zh" if sum(map(is_char_script, letters)) / len(letters) > 0.3 else "en"


def html_features(html: bytes) -> dict:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001
        try:
            root = lxml.html.document_fromstring(html.decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001
            return {"page_chars": 0, "link_density": 0.0}
    for el in root.iter("script", "style", "noscript", "template"):
        el.text = None
    total = sum(len("".join(s.split())) for s in root.itertext())
    links = sum(len("".join(s.split())) for a in root.iter("a") for s in a.itertext())
    return {"page_chars": total, "link_density": links / total if total else 0.0}


def page_rows(mod, set_dir: Path, pred_dir: Path) -> tuple[list[dict], float]:
    """One row per gold page: gold-scored F1 per candidate (for scoring only) and gold-free features."""
    gold = mod.load_cases(set_dir)
    pages = {p["id"]: p for p in foldlib.load_pages(set_dir)}
    rows, feat_s = [], 0.0
    for cid, g in gold.items():
        preds = {}
        for s in SYS:
            p, _ok = mod.load_pred(pred_dir / s, cid)
            preds[s] = p
        html = (set_dir / f"{cid}.html").read_bytes()
        t0 = time.perf_counter()
        bodies = {s: str(preds[s].get("body") or "") for s in SYS}
        tl = token_lang(list(bodies.values()))
        toks = {s: mod.tokens(bodies[s], tl) for s in SYS}
        agree = {}
        for a, b in itertools.combinations(SYS, 2):
            agree[(a, b)] = agree[(b, a)] = mod.prf(toks[a], toks[b])[2]
        hf = html_features(html)
        nf_chars = len("".join(bodies["newsflow"].split()))
        feat_s += time.perf_counter() - t0
        rows.append({
            "id": cid, "lang": g.get("lang") or "und", "domain": pages[cid]["domain"] if cid in pages else "?",
            "gold": g, "preds": preds,
            "f1": {s: mod.score_case(g, preds[s])["body_f1"] for s in SYS},
            "empty": {s: not toks[s] for s in SYS}, "agree": agree,
            "nf_chars": nf_chars, "page_chars": hf["page_chars"], "link_density": hf["link_density"],
            "nf_ratio": nf_chars / hf["page_chars"] if hf["page_chars"] else 0.0,
            "text_html": hf["page_chars"] / len(html) if html else 0.0,
        })
    return rows, feat_s


# ------------------------------------------------------------------------------------ selectors
def mean(xs) -> float | None:
    xs = list(xs)
    return sum(xs) / len(xs) if xs else None


def centroid(r: dict, prio: list[str]) -> str:
    cands = [s for s in SYS if not r["empty"][s]] or ["newsflow"]
    def key(s):
        others = [o for o in SYS if o != s]
        return (mean(r["agree"][(s, o)] for o in others), -prio.index(s))
    return max(cands, key=key)


def fit_prio(train: list[dict]) -> list[str]:
    return sorted(SYS, key=lambda s: -mean(r["f1"][s] for r in train))


def gate_d_fires(r: dict, t: float) -> bool:
    return r["empty"]["newsflow"] or max(r["agree"][("newsflow", "trafilatura")],
                                         r["agree"][("newsflow", "readability")]) < t


def gate_g_fires(r: dict, prm: tuple) -> bool:
    ratio, min_chars, min_th = prm
    return (r["empty"]["newsflow"] or r["nf_ratio"] < ratio or r["nf_chars"] < min_chars
            or r["text_html"] < min_th)


T_GRID = [i / 40 for i in range(41)]
G_GRID = list(itertools.product([0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6],
                                [0, 100, 200, 300, 500, 800, 1200],
                                [0.0, 0.01, 0.02, 0.03, 0.05, 0.08]))


class Selector:
    """fit(train_rows) -> model; choose(model, row) -> (system, called_baselines)."""

    def __init__(self, name, fit, choose, label):
        self.name, self.fit, self.choose, self.label = name, fit, choose, label


def make_selectors(max_share: float) -> list[Selector]:
    def score_with(train, fn):
        return mean(r["f1"][fn(r)] for r in train)

    def fit_d(train):
        prio = fit_prio(train)
        best = max(T_GRID, key=lambda t: (score_with(train, lambda r: centroid(r, prio) if gate_d_fires(r, t)
                                                     else "newsflow"), -t))
        return {"prio": prio, "t": best}

    def fit_g(train, budget=None):
        prio = fit_prio(train)
        cents = {r["id"]: centroid(r, prio) for r in train}
        best, best_key = None, None
        for prm in G_GRID:
            fired = [gate_g_fires(r, prm) for r in train]
            share = sum(fired) / len(train)
            if budget is not None and share > budget:
                continue
            f = mean(r["f1"][cents[r["id"]] if fi else "newsflow"] for r, fi in zip(train, fired))
            k = (round(f, 9), -share)
            if best_key is None or k > best_key:
                best, best_key = prm, k
        return {"prio": prio, "prm": best or (0.0, 0, 0.0)}

    return [
        Selector("a newsflow", lambda tr: None, lambda m, r: ("newsflow", False), "always newsflow"),
        Selector("b ORACLE", lambda tr: None, lambda m, r: (max(SYS, key=lambda s: (r["f1"][s], s == "newsflow")), True),
                 "best candidate by gold (upper bound, NOT a selector)"),
        Selector("c centroid", lambda tr: {"prio": fit_prio(tr)}, lambda m, r: (centroid(r, m["prio"]), True),
                 "max mean agreement"),
        Selector("d gate(agree)", fit_d,
                 lambda m, r: (centroid(r, m["prio"]) if gate_d_fires(r, m["t"]) else "newsflow", True),
                 "nf unless empty / agree<t -> centroid"),
        Selector("g cheap gate", fit_g,
                 lambda m, r: ((centroid(r, m["prio"]), True) if gate_g_fires(r, m["prm"]) else ("newsflow", False)),
                 "nf-only features -> run baselines -> centroid"),
        Selector("g-budget", lambda tr: fit_g(tr, max_share),
                 lambda m, r: ((centroid(r, m["prio"]), True) if gate_g_fires(r, m["prm"]) else ("newsflow", False)),
                 f"g with share <= {max_share:.3f} (pages/s >= read)"),
    ]


def describe(sel: Selector, model) -> str:
    if model is None:
        return "-"
    parts = ["prio " + ">".join(SHORT[s] for s in model["prio"])]
    if "t" in model:
        parts.append(f"t={model['t']:.3f}")
    if "prm" in model:
        r, L, h = model["prm"]
        parts.append(f"r={r} L={L} h={h}")
    return ", ".join(parts)


# ------------------------------------------------------------------------------------ main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--pred-root", type=Path, default=Path("/tmp/bx_final"))
    ap.add_argument("--bench-json", type=Path, default=Path("/tmp/bx_final.json"))
    args = ap.parse_args(argv)

    mod = load_scorer(args.shared / "tools" / "score_extraction.py")
    bench = json.loads(args.bench_json.read_text(encoding="utf-8"))
    pps = {s: bench["sets"]["train"]["systems"][s]["pages_per_s"] for s in SYS}
    budget = (1 / pps["readability"] - 1 / pps["newsflow"]) / (1 / pps["trafilatura"] + 1 / pps["readability"])

    def est_pps(share: float) -> float:
        return 1 / (1 / pps["newsflow"] + share * (1 / pps["trafilatura"] + 1 / pps["readability"]))

    data, feat_cost = {}, {}
    for setname in ("train", "dev", "ko_dev"):
        rows, fs = page_rows(mod, args.shared / "corpus" / setname, args.pred_root / setname)
        data[setname], feat_cost[setname] = rows, fs / max(1, len(rows))
    train = data["train"]
    # sanity: the candidate F1s equal the bench run's per-case scores (the scorer's TSV, 4 decimals)
    tsv = {}
    for line in (args.pred_root / "train" / "per_case.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        c = line.split("\t")
        tsv[(c[0], c[1])] = float(c[7])
    worst = max(abs(tsv[(s, r["id"])] - r["f1"][s]) for r in train for s in SYS)

    byid = {r["id"]: r for r in train}
    pages = foldlib.load_pages(args.shared / "corpus" / "train")
    splits = foldlib.folds(pages, K)
    sels = make_selectors(budget)

    res = {}
    for sel in sels:
        oof, fold_means, fold_models = {}, [], []
        for tr_ids, te_ids in splits:
            m = sel.fit([byid[i] for i in tr_ids])
            fold_models.append(m)
            fm = []
            for i in te_ids:
                choice, called = sel.choose(m, byid[i])
                oof[i] = (choice, called)
                fm.append(byid[i]["f1"][choice])
            fold_means.append(mean(fm))
        full = sel.fit(train)
        out_sets = {}
        for sname in ("dev", "ko_dev"):
            ch = [sel.choose(full, r) for r in data[sname]]
            out_sets[sname] = (mean(r["f1"][c] for r, (c, _) in zip(data[sname], ch)),
                               mean(float(called) for _, called in ch))
        share = mean(float(oof[r["id"]][1]) for r in train)
        res[sel.name] = {
            "pooled": mean(r["f1"][oof[r["id"]][0]] for r in train),
            "folds": fold_means, "share": share,
            "lang": {L: mean(r["f1"][oof[r["id"]][0]] for r in train if r["lang"] == L) for L in LANGS},
            "dev": out_sets["dev"], "ko_dev": out_sets["ko_dev"],
            "pps": est_pps(share), "models": fold_models, "full": full,
            "picked": {s: sum(1 for r in train if oof[r["id"]][0] == s) for s in SYS},
            "oof": {i: c for i, (c, _called) in oof.items()},
        }

    # the baselines, on the same pages
    base = {s: {"pooled": mean(r["f1"][s] for r in train),
                "lang": {L: mean(r["f1"][s] for r in train if r["lang"] == L) for L in LANGS},
                "dev": mean(r["f1"][s] for r in data["dev"]), "ko_dev": mean(r["f1"][s] for r in data["ko_dev"]),
                "folds": [mean(byid[i]["f1"][s] for i in te) for _tr, te in splits]}
            for s in ("trafilatura", "readability")}

    nlang = {L: sum(1 for r in train if r["lang"] == L) for L in LANGS}
    print(f"ensemble feasibility study (issue 14): {len(train)} train pages, {len({r['domain'] for r in train})} "
          f"registrable domains, {K} folds; dev {len(data['dev'])} pages, ko_dev {len(data['ko_dev'])} pages")
    print(f"predictions: {args.pred_root}; pages/s from {args.bench_json} (train, in-process): "
          + ", ".join(f"{SHORT[s]} {pps[s]:.1f}" for s in SYS))
    print(f"check: candidate F1 = bench per_case.tsv within {worst:.5f}")
    print("\nbody F1; train = pooled out-of-fold (fit on 4 folds, score the 5th); fold = mean [min, max] over the "
          "5 folds; dev / ko_dev = fit on all of train")
    head = (f"{'selector':<15}{'train OOF':>10}  {'fold mean [min, max]':<22}"
            + "".join(f"{L + ' ' + str(nlang[L]):>9}" for L in LANGS)
            + f"{'dev':>7}{'ko_dev':>7}{'share':>7}{'est p/s':>8}")
    print(head)
    print("-" * len(head))

    def row(name, d, share, p):
        fm = d["folds"]
        fcell = f"{mean(fm):.3f} [{min(fm):.3f}, {max(fm):.3f}]"
        dev = d["dev"][0] if isinstance(d["dev"], tuple) else d["dev"]
        ko = d["ko_dev"][0] if isinstance(d["ko_dev"], tuple) else d["ko_dev"]
        return (f"{name:<15}{d['pooled']:>10.3f}  {fcell:<22}" + "".join(f"{d['lang'][L]:>9.3f}" for L in LANGS)
                + f"{dev:>7.3f}{ko:>7.3f}{share:>7}{p:>8}")

    for s in ("trafilatura", "readability"):
        print(row(f"[{SHORT[s]} alone]", base[s], "-", f"{pps[s]:.1f}"))
    for sel in sels:
        d = res[sel.name]
        oracle = sel.name.startswith("b")
        print(row(sel.name, d, "-" if oracle else f"{d['share']:.2f}", "-" if oracle else f"{d['pps']:.1f}"))
    print("  share = pages that run the baselines (train OOF); est p/s = 1/(1/nf + share*(1/traf + 1/read)); "
          "(e) skipped: scikit-learn is not installed")
    print("  dev / ko_dev share: " + "; ".join(
        f"{n.split()[0]} {res[n]['dev'][1]:.2f}/{res[n]['ko_dev'][1]:.2f}" for n in res if not n.startswith("b")))
    print(f"  gate feature cost (agreement + HTML text/link density, 1 core, measured here): "
          f"{1000 * feat_cost['train']:.1f} ms/page on train (not in est p/s; the cheap gate needs only the HTML "
          "part, which the parser's own tree could give)")
    print(f"  budget for the cheap gate: share <= {budget:.3f} keeps est p/s >= readability's {pps['readability']:.1f}")
    print("\nfitted parameters (per fold; full train):")
    for sel in sels:
        d = res[sel.name]
        if d["full"] is None:
            continue
        print(f"  {sel.name:<15}" + " | ".join(describe(sel, m) for m in d["models"])
              + f"  || all train: {describe(sel, d['full'])}")
    print("  candidates picked (train OOF): " + "; ".join(
        f"{n.split()[0]} " + "/".join(f"{SHORT[s]} {res[n]['picked'][s]}" for s in SYS) for n in res))

    # goals for the best non-oracle selector
    best = max((n for n in res if not n.startswith("b")), key=lambda n: res[n]["pooled"])
    d = res[best]

    def better(get):
        return max(((s, get(base[s])) for s in base), key=lambda kv: kv[1])

    print(f"\ngoals (issue 14) for the best non-oracle selector by train OOF body F1: {best}")
    bname, bval = better(lambda b: b["pooled"])
    ok = d["pooled"] >= bval + 0.03 - 1e-12
    print(f"  {'MET    ' if ok else 'NOT MET'} train (out-of-fold) body F1 >= better baseline + 0.03: "
          f"{d['pooled']:.3f} vs {bname} {bval:.3f} + 0.03 = {bval + 0.03:.3f}")
    for L in LANGS:
        if nlang[L] < MIN_LANG:
            continue
        bname, bval = better(lambda b: b["lang"][L])
        ok = d["lang"][L] >= bval + 0.03 - 1e-12
        print(f"  {'MET    ' if ok else 'NOT MET'} train (out-of-fold) [{L}, {nlang[L]} pages] body F1 >= better "
              f"baseline + 0.03: {d['lang'][L]:.3f} vs {bname} {bval:.3f} + 0.03 = {bval + 0.03:.3f}")
    bname, bval = better(lambda b: b["dev"])
    ok = d["dev"][0] >= bval + 0.03 - 1e-12
    print(f"  {'MET    ' if ok else 'NOT MET'} dev (fit on train) body F1 >= better baseline + 0.03: "
          f"{d['dev'][0]:.3f} vs {bname} {bval:.3f} + 0.03 = {bval + 0.03:.3f}")
    ok = d["pps"] >= pps["readability"] - 1e-12
    print(f"  {'MET    ' if ok else 'NOT MET'} est. pages/s >= readability's: {d['pps']:.1f} vs {pps['readability']:.1f}")

    # goals, compact, for every selector (x = MET); de: the oracle ceiling shows whether any selector could
    o = res["b ORACLE"]
    cols = ["all"] + [L for L in LANGS if nlang[L] >= MIN_LANG] + ["dev", "p/s"]
    print("\ngoal grid (x = MET, . = NOT MET; body F1 >= better baseline + 0.03; p/s >= readability's):")
    print(f"  {'selector':<15}{'OOF (4 dp)':>11}  " + "".join(f"{c:>5}" for c in cols))
    for n, d2 in res.items():
        marks = [d2["pooled"] >= better(lambda b: b["pooled"])[1] + 0.03 - 1e-12]
        marks += [d2["lang"][L] >= better(lambda b, L=L: b["lang"][L])[1] + 0.03 - 1e-12 for L in cols[1:-2]]
        marks += [d2["dev"][0] >= better(lambda b: b["dev"])[1] + 0.03 - 1e-12]
        marks += [None if n.startswith("b") else d2["pps"] >= pps["readability"] - 1e-12]
        print(f"  {n:<15}{d2['pooled']:>11.4f}  " + "".join(f"{'-' if m is None else ('x' if m else '.'):>5}"
                                                            for m in marks))

    # uncertainty: paired bootstrap over registrable domains of (selector - readability), pooled OOF
    import random
    rng = random.Random(14)
    doms = sorted({r["domain"] for r in train})
    by_dom = {dm: [r for r in train if r["domain"] == dm] for dm in doms}
    print("\npaired bootstrap over the 337 registrable domains (2000 resamples) of pooled OOF body F1 minus "
          "readability's (target +0.030; fold models held fixed):")
    for n in [x for x in res if x[0] in "acdg"]:
        diffs = {dm: [(r["f1"][res[n]["oof"][r["id"]]] - r["f1"]["readability"]) for r in by_dom[dm]] for dm in doms}
        stats = []
        for _ in range(2000):
            tot, cnt = 0.0, 0
            for dm in (rng.choice(doms) for _ in doms):
                tot += sum(diffs[dm]); cnt += len(diffs[dm])
            stats.append(tot / cnt)
        stats.sort()
        pt = mean(x for dm in doms for x in diffs[dm])
        print(f"  {n:<15}{pt:+.3f}  95% CI [{stats[50]:+.3f}, {stats[1949]:+.3f}];  share of resamples >= +0.03: "
              f"{sum(1 for x in stats if x >= 0.03) / len(stats):.3f}")

    print("\nceiling (ORACLE, information only) vs the +0.03 target: "
          + "; ".join([f"all {o['pooled']:.3f} vs {better(lambda b: b['pooled'])[1] + 0.03:.3f}"]
                      + [f"{L} {o['lang'][L]:.3f} vs {better(lambda b, L=L: b['lang'][L])[1] + 0.03:.3f}"
                         for L in LANGS]))

    # metadata: newsflow's, with trafilatura's where newsflow has none (no fitting involved)
    def meta_mean(rows, field, fill):
        vals = []
        for r in rows:
            pred = dict(r["preds"]["newsflow"])
            if fill and not pred.get(field):
                pred[field] = r["preds"]["trafilatura"].get(field)
            sc = mod.score_case(r["gold"], pred)
            key = {"title": "title_norm", "published": "date", "author": "author_set"}[field]
            if key in sc:
                vals.append(sc[key])
        return mean(vals), len(vals)

    print("\nmetadata (train, all pages; no fitting): newsflow -> newsflow with trafilatura's value where "
          "newsflow's is empty -> trafilatura alone")
    for field, label in (("title", "title_norm"), ("published", "date"), ("author", "author_set")):
        a, n = meta_mean(train, field, False)
        b, _ = meta_mean(train, field, True)
        t = mean(mod.score_case(r["gold"], r["preds"]["trafilatura"]).get(label) for r in train
                 if label in mod.score_case(r["gold"], r["preds"]["trafilatura"]))
        print(f"  {label:<11} {a:.3f} -> {b:.3f} (trafilatura {t:.3f}; n {n})")
    need = mean(float(any(not r["preds"]["newsflow"].get(f) for f in ("title", "published", "author"))) for r in train)
    print(f"  pages where newsflow leaves title, date or author empty (would run trafilatura for the fill): {need:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
