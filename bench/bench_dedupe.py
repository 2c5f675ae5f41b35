"""Dedupe benchmark: quality on the shared dev set and on synthetic news, speed and memory at 100k.

What is measured
----------------
1. **Dev set quality** (``<shared>/gold/dedup_dev``, 33 hand-made articles; skipped with a
   message when ``<shared>`` is absent). ``newsflow.pipeline.dedupe_records`` on
   ``articles.jsonl`` -- exactly what ``python -m newsflow dedupe articles.jsonl`` does
   (clean, then dedupe), called directly in a worker process, not through the CLI -- written
   as ``url<TAB>cluster_id`` (``<tmp>/dev_pred.tsv``) and scored by the
   shared scorer ``<shared>/tools/score_dedup.py GOLD PRED --manifest MANIFEST`` (run as a
   subprocess with this interpreter; its output is printed as is). Then a second run with
   three more records: the two hand-written hard negatives
   (``<shared>/gold/dedup_dev_hard_negatives.jsonl``, url ``https://hard-negative.example/<id>``)
   and the seed (``<shared>/gold/seed.json``, url ``https://seed.example/seed``); none of
   these three may share a cluster with another (they are one event, three stories).
2. **Synthetic quality**: the first ``--quality-n`` (20,000) articles of ``bench/synth_news.py``
   (seeded; ~60 % Korean, 25 % English, rest ja/zh/vi; 30 % of stories with 1-3 copies:
   exact, light edit, boilerplate, lead only, doubled paragraphs; ~5 % of stories in
   "same event, different story" pairs that must stay apart). newsflow: ``dedupe_records`` on
   the raw records (cleaning included), in a subprocess. Scored pairwise (precision / recall /
   F1 over URL pairs, from the cluster contingency table) by the shared scorer when it is
   there (its output, with the per-variant recall, is printed), else by the same formula
   built in; "same-event pairs merged" counts article pairs of one event but different
   stories that share a predicted cluster.
3. **Scale**: the first ``--n`` (100,000) synthetic articles, cleaned once beforehand with
   ``newsflow.clean.clean_paragraphs`` (as ``dedupe_records`` does) and saved; each system
   then runs in a fresh subprocess that loads them and builds the ``Article`` objects
   ("build s": not timed), and times one call. (The cleaning of the inputs, ~100 s for 100k
   on 2 cores, runs in parallel with part 2.)

   * ``newsflow dedupe`` -- ``newsflow.dedupe.dedupe(articles, sorted(sources))``
     (content hashes, fingerprints, LSH, verification, canonical choice). **Cleaning is not
     included** (it ran before; its time is printed on the "inputs" line).
   * ``datasketch MinHashLSH (plain)`` -- how datasketch is typically used: per article
     ``MinHash(num_perm=128)``, ``m.update(s.encode("utf-8"))`` for every distinct character
     5-gram ``s`` of the body text (paragraphs joined, whitespace-normalised, lowercased),
     then ``MinHashLSH(threshold=0.5, num_perm=128)`` query + insert and union-find over the
     query hits, no verification (so chance LSH hits between unrelated stories chain clusters
     together: at threshold 0.5 and 128 permutations datasketch uses 25 bands of 5 rows, and a
     pair at Jaccard 0.15 becomes a candidate with p ~ 0.002; its precision therefore falls
     with N and with the corpus's background overlap). It is stopped after
     ``--baseline-max-seconds`` (300) and then
     reported as "> cap" with the number of articles it got through; its F1 is then over those
     articles only (newsflow's F1 on the same subset is printed beside it). Its synthetic
     quality figure is the state after the first ``--quality-n`` articles (the same articles
     as part 2, the same cleaned text).

   ``seconds`` = wall time of the timed call, ``articles/s`` = articles / seconds,
   ``peak RSS MB`` = ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end of the worker,
   ``delta MB`` = that minus the worker's RSS right before the timed call (so: what the call
   itself added at its peak). Linux carries the starting process's peak into a child's
   ``ru_maxrss`` through exec, so everything heavy (the dev set too) runs in workers and this
   process stays small (it imports neither newsflow nor numpy); a worker also reads ``VmHWM``
   and a note is printed if the two disagree. newsflow may use a pool of worker processes: their
   memory is not in ``ru_maxrss``, so the newsflow worker also samples the PSS of its whole
   process tree every 0.1 s (PSS shares forked pages fairly) and reports it, with the CPU time
   of all its processes; the memory goal uses the larger of the two.

4. A summary table and the goals, each MET / NOT MET: dev F1 >= 0.95 with no hard negative
   merged (and the seed + 2 hand-written negatives apart); 100k articles in < 60 s ("not
   measured" when ``--n`` is below 100,000: the rate is extrapolated instead); peak memory
   < 2 GiB (at ``--n``).

Run it
------
    .venv/bin/python bench/bench_dedupe.py                      # defaults: ~8 min on 2 cores
    .venv/bin/python bench/bench_dedupe.py --n 5000 --quality-n 2000      # ~1 min
    .venv/bin/python bench/bench_dedupe.py --skip-baseline --json /tmp/dd.json --profile
    make bench-dedupe                                            # calls python bench/bench_dedupe.py

Options: ``--n`` (scale articles, 100000), ``--quality-n`` (20000), ``--seed`` (0),
``--shared PATH`` (default ``<project>/../shared``), ``--skip-baseline``,
``--baseline-max-seconds`` (300), ``--newsflow-max-seconds`` (600: a newsflow run still going
is stopped and reported as "> cap"), ``--profile`` (cProfile the scale ``dedupe`` call and
print its top functions, also when it is stopped at its cap), ``--json PATH``
(every figure), ``--out DIR`` (keep the inputs, gold, predictions and worker reports there;
default: a temporary directory, removed at the end). The exit code is 0 unless the script
itself fails: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
GIB = 1024 ** 3
MB = 1024 ** 2


def log(msg: str) -> None:
    print(f"[bench-dedupe {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------ scoring
def read_tsv(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("url\t"):
                continue
            url, cid = line.split("\t")[:2]
            out[url] = cid
    return out


def write_tsv(path: Path, pairs) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for url, cid in pairs:
            fh.write(f"{url}\t{cid}\n")


def read_manifest(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in fh if line.strip()]


def pairwise(gold: dict[str, str], pred: dict[str, str]) -> dict:
    """Pairwise P/R/F1 over URL pairs of ``gold`` (the shared scorer's definition)."""
    c2 = lambda n: n * (n - 1) // 2  # noqa: E731
    pred_of = {u: pred.get(u, ("\0singleton", u)) for u in gold}
    tp = sum(c2(n) for n in Counter((gold[u], pred_of[u]) for u in gold).values())
    gp = sum(c2(n) for n in Counter(gold.values()).values())
    pp = sum(c2(n) for n in Counter(pred_of.values()).values())
    p = tp / pp if pp else 0.0
    r = tp / gp if gp else 0.0
    return {"urls": len(gold), "gold_pairs": gp, "pred_pairs": pp, "true_pairs": tp, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "missing_in_pred": sum(1 for u in gold if u not in pred)}


def same_event_merged(manifest: list[dict[str, str]], pred: dict[str, str], urls: set[str] | None = None) -> tuple[int, int]:
    """(merged, total) article pairs of one event but different gold clusters."""
    by_event = defaultdict(list)
    for row in manifest:
        if urls is None or row["url"] in urls:
            by_event[row["event"]].append(row)
    merged = total = 0
    for rows in by_event.values():
        if len({r["cluster_id"] for r in rows}) < 2:
            continue
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a["cluster_id"] != b["cluster_id"]:
                    total += 1
                    pa, pb = pred.get(a["url"]), pred.get(b["url"])
                    merged += pa is not None and pa == pb
    return merged, total


def shared_scorer(shared: Path | None, gold: Path, pred: Path, manifest: Path | None) -> str | None:
    """The shared scorer's report, or None when it is not there (or fails)."""
    if shared is None or not (shared / "tools" / "score_dedup.py").is_file():
        return None
    cmd = [sys.executable, str(shared / "tools" / "score_dedup.py"), str(gold), str(pred)]
    if manifest is not None:
        cmd += ["--manifest", str(manifest)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None
    if res.returncode != 0:
        log(f"shared scorer failed ({res.returncode}): {res.stderr.strip()[-300:]}")
        return None
    return res.stdout


def parse_scorer(text: str | None) -> dict | None:
    if not text:
        return None
    m = re.search(r"precision=([\d.]+) recall=([\d.]+) f1=([\d.]+)", text)
    if not m:
        return None
    out = {"precision": float(m.group(1)), "recall": float(m.group(2)), "f1": float(m.group(3))}
    m = re.search(r"wrongly merged: (\d+)/(\d+)", text)
    if m:
        out["same_event_merged"] = [int(m.group(1)), int(m.group(2))]
    return out


def score(shared: Path | None, gold_path: Path, pred_path: Path, manifest_path: Path | None,
          urls: set[str] | None = None, show: str | None = None) -> dict:
    """Score ``pred`` against ``gold`` (restricted to ``urls`` if given); shared scorer when possible."""
    gold = read_tsv(gold_path)
    pred = read_tsv(pred_path)
    manifest = read_manifest(manifest_path) if manifest_path else []
    if urls is not None:  # a subset: write the restricted files so the shared scorer sees the same thing
        gold = {u: c for u, c in gold.items() if u in urls}
        gold_path = pred_path.with_suffix(".gold-subset.tsv")
        write_tsv(gold_path, gold.items())
        if manifest_path:
            manifest_path = pred_path.with_suffix(".manifest-subset.tsv")
            cols = ("url", "cluster_id", "base_id", "variant", "lang", "event")
            with open(manifest_path, "w", encoding="utf-8") as fh:
                fh.write("\t".join(cols) + "\n")
                for row in manifest:
                    if row["url"] in urls:
                        fh.write("\t".join(row[c] for c in cols) + "\n")
    built_in = pairwise(gold, pred)
    merged, total = same_event_merged(manifest, pred, set(gold)) if manifest else (0, 0)
    text = shared_scorer(shared, gold_path, pred_path, manifest_path)
    official = parse_scorer(text)
    if show and text:
        print(f"  shared scorer, {show}:")
        for line in text.rstrip("\n").splitlines():
            print("    " + line)
    res = {**built_in, "scorer": "shared" if official else "built-in", "same_event_merged": merged,
           "same_event_pairs": total}
    if official:
        res.update(precision=official["precision"], recall=official["recall"], f1=official["f1"])
    return res


# ------------------------------------------------------------------------------------ memory
def rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def vm_hwm() -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    for _ in range(10_000):  # bounded walk of the process tree
        if not todo:
            break
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(x) for x in fh.read().split()]
                out += kids
                todo += kids
        except OSError:
            continue
    return out


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeSampler:
    """Samples the PSS of this process plus all its descendants (worker pools) every 0.1 s.

    PSS counts a page shared by k processes as 1/k in each, so the sum is the memory the whole
    tree really holds (RSS would count forked children's shared pages again)."""

    def __init__(self) -> None:
        import threading
        self.peak = 0
        self.max_children = 0
        self.ok = os.path.exists("/proc/self/smaps_rollup")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.1):
            kids = _descendants(me)
            self.max_children = max(self.max_children, len(kids))
            self.peak = max(self.peak, _pss(me) + sum(_pss(k) for k in kids))

    def __enter__(self) -> "TreeSampler":
        if self.ok:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.ok:
            self._thread.join(timeout=5)


def busy_cpu(seconds: float = 1.0) -> float | None:
    """Share of all cores busy (with other processes: this one sleeps) over ``seconds``."""
    def read():
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    try:
        i0, t0 = read()
        time.sleep(seconds)
        i1, t1 = read()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


def _cpu(who) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


# ------------------------------------------------------------------------------------ workers
def _load_inputs(path: Path, limit: int):
    """The prepared (cleaned) inputs -> Article objects, as ``dedupe_records`` builds them."""
    from datetime import UTC, datetime

    from newsflow.models import Article
    from newsflow.urls import article_id, canonicalize

    t0 = time.perf_counter()
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if len(rows) >= limit:
                break
            rows.append(json.loads(line))
    t1 = time.perf_counter()
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    articles = [Article(article_id=f"{i:08d}-{article_id(canonicalize(r['url']))}", url=r["url"], canonical_url=r["url"],
                        source=r["source"], title=r["title"], paragraphs=tuple(r["paragraphs"]),
                        published_at=datetime.fromisoformat(r["published"]) if r["published"] else None, fetched_at=epoch)
                for i, r in enumerate(rows)]
    del rows
    return articles, t1 - t0, time.perf_counter() - t1


def worker_prepare(wd: Path, a: dict) -> dict:
    """Generate the scale set, write its gold/manifest, clean it once (as dedupe_records does)."""
    from synth_news import generate_full, write_gold, write_manifest

    from newsflow.clean import clean_paragraphs

    t0 = time.perf_counter()
    records, gold, manifest = generate_full(a["n"], a["seed"])
    t_gen = time.perf_counter() - t0
    write_gold(wd / "gold_scale.tsv", gold)
    write_manifest(wd / "manifest_scale.tsv", manifest)
    langs = Counter(r["lang"] for r in records)
    chars = sum(len(r["body"]) for r in records)
    t1 = time.perf_counter()
    with open(wd / "scale_inputs.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            paragraphs, _ = clean_paragraphs(r["body"].splitlines(), r["title"])
            fh.write(json.dumps({"url": r["url"], "source": r["source"], "title": r["title"], "published": r["published"],
                                 "paragraphs": paragraphs}, ensure_ascii=False) + "\n")
    t_clean = time.perf_counter() - t1
    return {"n": len(records), "generate_seconds": t_gen, "clean_seconds": t_clean, "langs": dict(langs),
            "chars": chars, "variants": dict(Counter(m["variant"] for m in manifest))}


def worker_quality(wd: Path, a: dict) -> dict:
    """newsflow on the synthetic quality set through dedupe_records (cleaning included)."""
    from synth_news import generate_full, write_gold, write_manifest

    from newsflow.adhoc import dedupe_records

    records, gold, manifest = generate_full(a["n"], a["seed"])
    write_gold(wd / "gold_quality.tsv", gold)
    write_manifest(wd / "manifest_quality.tsv", manifest)
    t0 = time.perf_counter()
    pred = dedupe_records(records)
    seconds = time.perf_counter() - t0
    write_tsv(wd / "pred_quality_newsflow.tsv", pred)
    return {"n": len(records), "seconds": seconds}


def worker_newsflow(wd: Path, a: dict) -> dict:
    """One timed ``dedupe(articles, sources)`` call on the prepared articles."""
    from newsflow.dedupe import dedupe

    articles, load_s, build_s = _load_inputs(wd / "scale_inputs.jsonl", a["n"])
    sources = sorted({x.source for x in articles})
    profiler = None
    if a.get("profile"):
        import cProfile
        profiler = cProfile.Profile()

    def stop(signum, frame):  # the cap (SIGALRM) or the parent's backstop (SIGTERM): leave the call
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    gc.collect()
    busy = busy_cpu()
    before = rss_now()
    finished = True
    cpu0 = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    with TreeSampler() as tree:
        t0 = time.perf_counter()
        try:
            signal.setitimer(signal.ITIMER_REAL, float(a["cap"]))
            if profiler:
                profiler.enable()
            out = dedupe(articles, sources)
        except KeyboardInterrupt:
            finished, out = False, []
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if profiler:
                profiler.disable()
        seconds = time.perf_counter() - t0
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu0
    peak, hwm = maxrss(), vm_hwm()
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if profiler:
        import io
        import pstats
        buf = io.StringIO()
        st = pstats.Stats(profiler, stream=buf)
        st.sort_stats("tottime").print_stats(20)
        st.sort_stats("cumulative").print_stats(20)
        (wd / "profile_newsflow.txt").write_text(buf.getvalue(), encoding="utf-8")
    if finished:
        write_tsv(wd / "pred_scale_newsflow.tsv", ((x.url, x.dup_cluster_id or "") for x in out))
    return {"n": len(articles), "finished": finished, "seconds": seconds, "load_seconds": load_s, "build_seconds": build_s,
            "rss_before": before, "peak_rss": peak, "vm_hwm": hwm, "cpu_seconds": cpu, "child_peak_rss": child_peak,
            "max_child_processes": tree.max_children, "tree_pss_peak": tree.peak if tree.ok else None, "busy_before": busy}


def worker_baseline(wd: Path, a: dict) -> dict:
    """Plain datasketch: MinHash per article (update per 5-gram), MinHashLSH(0.5), union-find, no verification."""
    from datasketch import MinHash, MinHashLSH

    articles, load_s, build_s = _load_inputs(wd / "scale_inputs.jsonl", a["n"])
    cap, snap = float(a["cap"]), int(a.get("snapshot") or 0)
    parent = list(range(len(articles)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def dump(path: Path, k: int) -> None:
        write_tsv(path, ((articles[i].url, f"b{find(i)}") for i in range(k)))

    gc.collect()
    busy = busy_cpu()
    before = rss_now()
    snapshot = None
    done = 0
    cpu0 = _cpu(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, art in enumerate(articles):
        if time.perf_counter() - t0 > cap:
            break
        text = " ".join(art.body.split()).lower()
        m = MinHash(num_perm=128)
        for sh in {text[j:j + 5] for j in range(len(text) - 4)}:
            m.update(sh.encode("utf-8"))
        for other in lsh.query(m):
            ra, rb = find(i), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        lsh.insert(i, m)
        done = i + 1
        if done == snap:  # the quality set is the first ``snap`` articles: keep the state right here
            snapshot = time.perf_counter() - t0
            dump(wd / "pred_quality_baseline.tsv", done)
    seconds = time.perf_counter() - t0
    cpu = _cpu(resource.RUSAGE_SELF) - cpu0
    peak, hwm = maxrss(), vm_hwm()
    if snap and snapshot is None:  # stopped before the quality set was through: what it has
        dump(wd / "pred_quality_baseline.tsv", done)
    dump(wd / "pred_scale_baseline.tsv", done)
    return {"n": len(articles), "processed": done, "finished": done == len(articles), "seconds": seconds,
            "snapshot_at": snap, "snapshot_complete": snapshot is not None, "snapshot_seconds": snapshot,
            "load_seconds": load_s, "build_seconds": build_s, "rss_before": before, "peak_rss": peak, "vm_hwm": hwm,
            "cpu_seconds": cpu, "busy_before": busy}


def run_worker(kind: str, wd: Path, args: dict) -> int:
    try:
        report = WORKERS[kind](wd, args)
    except Exception as exc:  # the parent prints the error and goes on
        import traceback
        traceback.print_exc()
        report = {"error": f"{type(exc).__name__}: {exc}"}
    (wd / f"{kind}.json").write_text(json.dumps(report), encoding="utf-8")
    return 0


class Job:
    """A worker subprocess with a wall-clock limit."""

    def __init__(self, kind: str, wd: Path, args: dict, limit: float) -> None:
        self.kind, self.wd, self.limit = kind, wd, limit
        (wd / f"{kind}.json").unlink(missing_ok=True)
        self.err = open(wd / f"{kind}.stderr", "w", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--workdir", str(wd),
                                      "--worker-args", json.dumps(args)], stdout=self.err, stderr=self.err, cwd=str(PROJECT),
                                     start_new_session=True)  # its own process group: a pool it starts ends with it
        self.started = time.monotonic()
        self.timed_out = False

    def wait(self) -> dict:
        """Wait until the worker ends or its limit passes (then SIGTERM, 60 s grace, SIGKILL)."""
        try:
            self.proc.wait(timeout=max(0.0, self.limit - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            self.timed_out = True
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the worker's own group (see start_new_session)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.err.close()
        path = self.wd / f"{self.kind}.json"
        report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not path.exists():
            tail = (self.wd / f"{self.kind}.stderr").read_text(encoding="utf-8", errors="replace")[-1500:]
            report = {"error": "timed out" if self.timed_out else f"exit code {self.proc.returncode}", "stderr": tail}
        report["timed_out"] = self.timed_out
        report["wall_seconds"] = time.monotonic() - self.started
        return report


# ------------------------------------------------------------------------------------ dev set
def worker_dev(wd: Path, a: dict) -> dict:
    """The dev set through dedupe_records (as the CLI), then again with the seed and the two hand-written negatives."""
    from newsflow.adhoc import dedupe_records

    shared = Path(a["shared"])
    dev = shared / "gold" / "dedup_dev"
    records = [json.loads(line) for line in open(dev / "articles.jsonl", encoding="utf-8") if line.strip()]
    write_tsv(wd / "dev_pred.tsv", dedupe_records(records))
    extra = []
    hn = shared / "gold" / "dedup_dev_hard_negatives.jsonl"
    if hn.is_file():
        for line in open(hn, encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                extra.append({"url": f"https://hard-negative.example/{d['id']}", "title": d.get("title"), "body": d.get("body"),
                              "published": d.get("published"), "source": "hard-negative"})
    seed = shared / "gold" / "seed.json"
    if seed.is_file():
        d = json.loads(seed.read_text(encoding="utf-8"))
        extra.append({"url": "https://seed.example/seed", "title": d.get("title"), "body": d.get("body"),
                      "published": d.get("published"), "source": "seed"})
    if not extra:
        return {"triad": None}
    got = dict(dedupe_records(records + extra))
    clusters = {r["url"]: got[r["url"]] for r in extra}
    urls = list(clusters)
    together = [(a_, b_) for i, a_ in enumerate(urls) for b_ in urls[i + 1:] if clusters[a_] == clusters[b_]]
    return {"triad": {"urls": urls, "clusters": clusters, "merged_pairs": together}}


WORKERS = {"dev": worker_dev, "prepare": worker_prepare, "quality": worker_quality, "newsflow": worker_newsflow,
           "baseline": worker_baseline}


def dev_set(shared: Path, wd: Path) -> dict:
    """Run the dev worker (a subprocess: this process stays small, see the module doc) and score it."""
    r = Job("dev", wd, {"shared": str(shared)}, limit=600).wait()
    if "error" in r:
        raise RuntimeError(f"dev set run failed: {r}")
    dev = shared / "gold" / "dedup_dev"
    res = score(shared, dev / "gold_clusters.tsv", wd / "dev_pred.tsv", dev / "manifest.tsv", show="dev set")
    res["triad"] = r.get("triad")
    return res


# ------------------------------------------------------------------------------------ report
def fmt_prf(s: dict | None) -> str:
    if not s:
        return "n/a"
    return f"P/R/F1 {s['precision']:.3f}/{s['recall']:.3f}/{s['f1']:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="articles in the scale run (default 100000)")
    ap.add_argument("--quality-n", type=int, default=20_000, help="articles in the synthetic quality run (default 20000)")
    ap.add_argument("--seed", type=int, default=0, help="synthetic generator seed (default 0)")
    ap.add_argument("--shared", type=Path, default=PROJECT.parent / "shared", help="shared data dir (default ../shared)")
    ap.add_argument("--skip-baseline", action="store_true", help="do not run the plain datasketch baseline")
    ap.add_argument("--baseline-max-seconds", type=float, default=300.0, help="stop the baseline after this (default 300)")
    ap.add_argument("--newsflow-max-seconds", type=float, default=600.0, help="stop a newsflow run after this (default 600)")
    ap.add_argument("--profile", action="store_true", help="cProfile the scale dedupe call and print its top functions")
    ap.add_argument("--json", type=Path, help="write every figure here")
    ap.add_argument("--out", type=Path, help="keep inputs, gold, predictions and worker reports here")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-args", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return run_worker(args.worker, args.workdir, json.loads(args.worker_args))
    if args.n < 1 or args.quality_n < 1:
        ap.error("--n and --quality-n must be at least 1")

    started = time.monotonic()
    wd = args.out or Path(tempfile.mkdtemp(prefix="bench_dedupe_"))
    wd.mkdir(parents=True, exist_ok=True)
    shared = args.shared if (args.shared / "gold" / "dedup_dev").is_dir() else None
    cores = os.cpu_count() or 1
    result: dict = {"n": args.n, "quality_n": args.quality_n, "seed": args.seed, "cores": cores,
                    "python": sys.version.split()[0]}
    try:
        print("dedupe benchmark: shared scorer reports")
        # 1. dev set (in a worker: this process stays small)
        if shared is not None:
            log("dev set")
            result["dev"] = dev_set(shared, wd)
        scorer_shared = shared

        # 2.+3. prepare the scale inputs while newsflow runs on the quality set (neither is timed)
        log(f"generating and cleaning {args.n} articles | newsflow on the {args.quality_n}-article quality set")
        prep = Job("prepare", wd, {"n": args.n, "seed": args.seed}, limit=1800)
        qual = Job("quality", wd, {"n": args.quality_n, "seed": args.seed}, limit=args.newsflow_max_seconds)
        result["prepare"] = prep.wait()
        result["quality_newsflow_run"] = qual.wait()
        if "error" in result["prepare"]:
            raise RuntimeError(f"preparing the inputs failed: {result['prepare']}")

        log(f"newsflow dedupe on {args.n} articles (cap {args.newsflow_max_seconds:g} s)")
        nf = Job("newsflow", wd, {"n": args.n, "profile": args.profile, "cap": args.newsflow_max_seconds},
                 limit=args.newsflow_max_seconds + _build_allowance(args.n))
        result["newsflow"] = nf.wait()

        base_quality_separately = args.quality_n > args.n
        if not args.skip_baseline:
            log(f"datasketch baseline on {args.n} articles (cap {args.baseline_max_seconds:g} s)")
            bl = Job("baseline", wd, {"n": args.n, "cap": args.baseline_max_seconds,
                                      "snapshot": 0 if base_quality_separately else args.quality_n},
                     limit=args.baseline_max_seconds + _build_allowance(args.n) + 120)
            result["baseline"] = bl.wait()
            if base_quality_separately:
                result["baseline_quality_note"] = "--quality-n > --n: baseline quality not measured"

        # scoring
        log("scoring")
        q = {}
        if (wd / "pred_quality_newsflow.tsv").exists():
            q["newsflow"] = score(scorer_shared, wd / "gold_quality.tsv", wd / "pred_quality_newsflow.tsv",
                                  wd / "manifest_quality.tsv", show=f"synthetic quality set, newsflow (N={args.quality_n})")
        bq_urls = None
        if not args.skip_baseline and not base_quality_separately and (wd / "pred_quality_baseline.tsv").exists():
            bq_urls = set(read_tsv(wd / "pred_quality_baseline.tsv"))
            partial = not result["baseline"].get("snapshot_complete")
            q["baseline"] = score(scorer_shared, wd / "gold_quality.tsv", wd / "pred_quality_baseline.tsv",
                                  wd / "manifest_quality.tsv", urls=bq_urls if partial else None,
                                  show=f"synthetic quality set, datasketch baseline (first {len(bq_urls)} articles)")
            q["baseline"]["articles"] = len(bq_urls)
            q["baseline"]["partial"] = partial
        result["quality"] = q
        s = {}
        if (wd / "pred_scale_newsflow.tsv").exists():
            s["newsflow"] = score(None, wd / "gold_scale.tsv", wd / "pred_scale_newsflow.tsv", wd / "manifest_scale.tsv")
        if not args.skip_baseline and (wd / "pred_scale_baseline.tsv").exists():
            sub = set(read_tsv(wd / "pred_scale_baseline.tsv"))
            s["baseline"] = score(None, wd / "gold_scale.tsv", wd / "pred_scale_baseline.tsv", wd / "manifest_scale.tsv",
                                  urls=sub if len(sub) < args.n else None)
            s["baseline"]["articles"] = len(sub)
            if len(sub) < args.n and (wd / "pred_scale_newsflow.tsv").exists():
                s["newsflow_on_baseline_subset"] = score(None, wd / "gold_scale.tsv", wd / "pred_scale_newsflow.tsv",
                                                         wd / "manifest_scale.tsv", urls=sub)
        result["scale_quality"] = s
        report(args, result, shared)
        if args.profile or (result["newsflow"].get("timed_out") and (wd / "profile_newsflow.txt").exists()):
            path = wd / "profile_newsflow.txt"
            if path.exists():
                print("\nprofile of the scale dedupe call (cProfile of the calling process; top 20 by own time, then by "
                      "cumulative time; work done in a process pool is not profiled and shows as waiting on a lock):")
                print(_trim_profile(path.read_text(encoding="utf-8")))
        result["total_seconds"] = time.monotonic() - started
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        log(f"done in {result['total_seconds']:.0f} s" + (f"; files in {wd}" if args.out else ""))
    finally:
        if args.out is None:
            shutil.rmtree(wd, ignore_errors=True)
    return 0


def _build_allowance(n: int) -> float:
    """Seconds a worker may spend loading and building its inputs before the timed call (generous)."""
    return 120 + n / 500


def _trim_profile(text: str) -> str:
    keep = []
    for line in text.splitlines():
        if not line.strip() or "function calls" in line or line.lstrip().startswith(("ncalls", "Ordered by")) or \
                re.match(r"\s*\d", line):
            keep.append(line.replace(str(PROJECT) + "/", ""))
    return "\n".join(keep)


def _mb(b) -> str:
    return f"{b / MB:.0f}" if isinstance(b, (int, float)) else "n/a"


def report(args, result: dict, shared: Path | None) -> None:
    n, cores = args.n, result["cores"]
    print()
    print("dedupe benchmark")
    # dev
    dev = result.get("dev")
    dev_ok = None
    if dev:
        triad = dev.get("triad")
        if triad:
            apart = not triad["merged_pairs"]
            tri = "apart" if apart else "MERGED: " + "; ".join(f"{a} + {b}" for a, b in triad["merged_pairs"])
        else:
            apart, tri = True, "not found"
        print(f"dev set ({_rel(shared / 'gold' / 'dedup_dev')}): precision {dev['precision']:.3f} recall {dev['recall']:.3f} "
              f"F1 {dev['f1']:.3f}, hard negatives merged {dev['same_event_merged']}/{dev['same_event_pairs']}; "
              f"seed + 2 hand-written negatives: {tri}")
        dev_ok = dev["f1"] >= 0.95 and dev["same_event_merged"] == 0 and apart
    else:
        print(f"dev set: skipped ({args.shared / 'gold' / 'dedup_dev'} not found)")
    # synthetic quality
    q = result.get("quality", {})
    qn = q.get("newsflow")
    qb = q.get("baseline")
    line = f"synthetic quality (N={args.quality_n}): newsflow "
    if qn:
        line += f"{fmt_prf(qn)} ; same-event pairs merged {qn['same_event_merged']}/{qn['same_event_pairs']}"
    else:
        line += f"failed ({_why(result.get('quality_newsflow_run'))})"
    if args.skip_baseline:
        line += " ; datasketch baseline skipped"
    elif qb:
        line += f" ; datasketch baseline {fmt_prf(qb)}, same-event pairs merged {qb['same_event_merged']}/{qb['same_event_pairs']}"
        if qb.get("partial"):
            line += f" (first {qb['articles']} articles only: stopped at its cap)"
    elif args.quality_n > args.n:
        line += " ; datasketch baseline n/a (its quality comes from the scale run's first --quality-n articles: needs --quality-n <= --n)"
    else:
        line += f" ; datasketch baseline n/a ({_why(result.get('baseline'))})"
    print(line)
    qr = result.get("quality_newsflow_run", {})
    if "seconds" in qr:
        print(f"  (newsflow dedupe_records on the quality set, cleaning included: {qr['seconds']:.1f} s, "
              f"{args.quality_n / qr['seconds']:.0f} articles/s; scored by the {qn['scorer'] if qn else '?'} scorer)")
    # scale
    prep = result["prepare"]
    langs = ", ".join(f"{k} {v / prep['n']:.0%}" for k, v in sorted(prep["langs"].items(), key=lambda kv: -kv[1]))
    print(f"inputs: {prep['n']} synthetic articles ({langs}; {prep['chars'] / prep['n']:.0f} characters on average), "
          f"generated in {prep['generate_seconds']:.1f} s, cleaned once beforehand in {prep['clean_seconds']:.1f} s "
          f"(cleaning is NOT in the timed call)")
    print(f"{f'scale (N={n}, {cores} cores):':<30} {'seconds':>8}  {'articles/s':>10}  {'peak RSS MB':>11}  {'delta MB':>8}  "
          f"{'build s':>7}  F1")
    sq = result.get("scale_quality", {})
    rows = [("newsflow dedupe", result.get("newsflow"), sq.get("newsflow"), args.newsflow_max_seconds)]
    if not args.skip_baseline:
        rows.append(("datasketch MinHashLSH (plain)", result.get("baseline"), sq.get("baseline"), args.baseline_max_seconds))
    notes = []
    for name, r, sc, cap in rows:
        r = r or {}
        if "seconds" not in r:
            print(f"{name:<30} failed: {_why(r)}")
            continue
        finished = r.get("finished", True)
        done = r.get("processed", r["n"] if finished else 0)
        secs = f"{r['seconds']:.1f}" if finished else f"> {cap:g}"
        rate = f"{done / r['seconds']:.0f}" if done and r["seconds"] > 0 else "n/a"
        f1 = f"{sc['f1']:.3f}" if sc else "n/a"
        print(f"{name:<30} {secs:>8}  {rate:>10}  {_mb(r.get('peak_rss')):>11}  "
              f"{_mb((r.get('peak_rss') or 0) - (r.get('rss_before') or 0)):>8}  {r.get('build_seconds', 0):>7.1f}  {f1}")
        if not finished:
            if "processed" in r:
                sub = sq.get("newsflow_on_baseline_subset")
                notes.append(f"  {name}: stopped at its cap after {r['seconds']:.0f} s with {done} of {r['n']} articles processed"
                             + (f"; its F1 is over those {done} articles (newsflow on the same articles: {sub['f1']:.3f})"
                                if sub else ""))
            else:
                notes.append(f"  {name}: stopped at its cap ({cap:g} s) before finishing: no clusters, no F1")
        if (r.get("busy_before") or 0) > 0.2:
            notes.append(f"  {name}: the machine was not idle just before the timed call (other processes kept "
                         f"{r['busy_before']:.0%} of the {cores} cores busy): timings may be slower than usual")
        if r.get("max_child_processes"):
            notes.append(f"  {name}: used {r['max_child_processes']} worker process(es) (not in the peak RSS column): "
                         f"largest worker peak RSS {_mb(r.get('child_peak_rss'))} MB (forked, so partly the same pages), "
                         f"whole process tree peak PSS {_mb(r.get('tree_pss_peak'))} MB (sampled every 0.1 s); "
                         f"CPU {r.get('cpu_seconds', 0):.1f} s for {r['seconds']:.1f} s wall")
        hwm = r.get("vm_hwm")
        if hwm and r.get("peak_rss") and abs(r["peak_rss"] - hwm) > 0.1 * hwm:
            notes.append(f"  {name}: ru_maxrss {_mb(r['peak_rss'])} MB but VmHWM {_mb(hwm)} MB (the starting process's peak "
                         f"carried over exec?): trust VmHWM")
    for line in notes:
        print(line)
    # goals
    nfr = result.get("newsflow", {})
    goals = []
    goals.append("dev F1 >= 0.95 with no hard negative merged -> " + (
        "not measured (no shared data)" if dev_ok is None else "MET" if dev_ok else "NOT MET"))
    if nfr.get("finished") and "seconds" in nfr:
        t = nfr["seconds"]
        if n >= 100_000:
            goals.append(f"100k in < 60 s -> {'MET' if t < 60 else 'NOT MET'} ({t:.1f} s for {n})")
        else:
            goals.append(f"100k in < 60 s -> not measured (N={n}: {t:.1f} s, {n / t:.0f} articles/s; "
                         f"100k at that rate: ~{100_000 / (n / t):.0f} s)")
        peak = nfr.get("vm_hwm") if nfr.get("vm_hwm") and abs(nfr["peak_rss"] - nfr["vm_hwm"]) > 0.1 * nfr["vm_hwm"] \
            else nfr.get("peak_rss")
        what = "peak RSS"
        if nfr.get("max_child_processes") and (nfr.get("tree_pss_peak") or 0) > peak:
            peak, what = nfr["tree_pss_peak"], "process-tree PSS, worker processes included"
        goals.append(f"peak < 2 GiB -> {'MET' if peak < 2 * GIB else 'NOT MET'} ({peak / MB:.0f} MB {what}"
                     + (")" if n >= 100_000 else f", at N={n})"))
    else:
        goals.append(f"100k in < 60 s -> NOT MET (newsflow did not finish: {_why(nfr)})")
        goals.append("peak < 2 GiB -> not measured")
    print("goals: " + "; ".join(goals))


def _why(r: dict | None) -> str:
    if not r:
        return "not run"
    if r.get("timed_out") or r.get("finished") is False:
        return "stopped at its time cap"
    return str(r.get("error", "unknown error"))[:300]


def _rel(p: Path) -> str:
    try:
        return os.path.relpath(p, PROJECT)
    except ValueError:
        return str(p)


if __name__ == "__main__":
    sys.exit(main())
