"""Crash consistency: SIGKILL `newsflow run` at random moments, rerun it, compare with a run that
was never interrupted.

    make bench-crash                       # 24 trials (about 10 minutes on 2 cores)
    .venv/bin/python bench/bench_crash.py --trials 5 --seed 7

Each trial runs the pipeline on the offline sample site into a fresh lake (2 worker processes),
kills the whole process group with SIGKILL after a random delay in (0, the reference run's
duration), then runs the same command again to completion. Afterwards:

* every Parquet file of the lake reads completely (every page);
* no table has two rows with one key (``schemas.KEYS``) in a date file;
* the rows equal the uninterrupted reference run's: articles (id, content hash, cluster,
  canonical flag, body), every extractor's table, signatures, lsh_bands, raw_pages (URLs),
  rejects (url, stage, reason) and the day's fetch view (each URL once).

Prints one line per trial and each goal as MET / NOT MET. Uses a temporary folder it removes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

DAY = "2024-06-27"


def run_cmd(lake: Path) -> list[str]:
    return [sys.executable, "-m", "newsflow", "run", "--lake", str(lake), "--date", DAY, "--workers", "2"]


def snapshot(lake: Path) -> dict[str, list]:
    """The rows a consumer sees, independent of run ids and fetch timings."""
    from newsflow.lake import Lake
    from newsflow.schemas import FACT_TABLES, TABLES

    lk = Lake(str(lake))
    out: dict[str, list] = {}

    def rows(table: str, cols: list[str]) -> list:
        t = lk.read_table(table, [*cols, "source"])
        return sorted(map(repr, t.to_pylist()))

    out["articles"] = rows("articles", ["article_id", "content_hash", "dup_cluster_id", "is_canonical", "body",
                                        "keywords"])
    for t in FACT_TABLES:
        cols = [c for c in TABLES[t].names if c not in ("run_id", "schema_version", "extractors")]
        out[t] = rows(t, cols)
    out["signatures"] = rows("signatures", ["article_id", "content_hash", "dup_cluster_id", "hash64"])
    out["lsh_bands"] = rows("lsh_bands", ["article_id", "band", "key"])
    out["raw_pages"] = rows("raw_pages", ["url", "kind"])
    out["rejects"] = rows("rejects", ["url", "stage", "reason"])
    out["fetch_urls"] = sorted(set(rows("fetch_log", ["url", "kind"])))
    return out


def readable_and_unique(lake: Path) -> list[str]:
    """Problems: unreadable files, duplicate keys inside one date file."""
    import pyarrow.parquet as pq

    from newsflow.schemas import KEYS

    problems = []
    for f in sorted(lake.rglob("*.parquet")):
        rel = f.relative_to(lake)
        if rel.parts[0].startswith("_"):
            continue  # staging and quarantine are not tables
        try:
            t = pq.read_table(f)
        except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
            problems.append(f"unreadable {rel}: {exc}")
            continue
        keys = [k for k in KEYS.get(rel.parts[0], ()) if k in t.column_names]
        if keys and t.num_rows:
            n = t.group_by(keys).aggregate([]).num_rows
            if n != t.num_rows:
                problems.append(f"{t.num_rows - n} duplicate keys in {rel}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from newsflow.sample_site import start_in_thread

    server, base = start_in_thread()
    env = {**os.environ, "NEWSFLOW_SAMPLE_BASE": base, "PYTHONPATH": str(ROOT / "include")}
    work = Path(tempfile.mkdtemp(prefix="bench_crash_"))
    rng = random.Random(args.seed)
    failures = kills = 0
    readable_ok = equal_ok = True
    try:
        ref = work / "reference"
        t0 = time.monotonic()
        subprocess.run(run_cmd(ref), env=env, check=True, capture_output=True, timeout=600)
        span = time.monotonic() - t0
        want = snapshot(ref)
        print(f"bench-crash: reference run {span:.1f}s, {len(want['articles'])} articles; {args.trials} trials "
              f"(SIGKILL after 0..{span:.1f}s, then rerun)", flush=True)
        for i in range(args.trials):
            lake = work / f"trial{i}"
            delay = rng.uniform(0.05, 0.9 * span)
            proc = subprocess.Popen(run_cmd(lake), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            time.sleep(delay)
            killed = proc.poll() is None
            kills += killed
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            again = subprocess.run(run_cmd(lake), env=env, capture_output=True, text=True, timeout=600)
            problems = [] if again.returncode == 0 else [f"rerun failed: {again.stderr.strip()[-300:]}"]
            found = readable_and_unique(lake)
            readable_ok &= not found
            problems += found
            if again.returncode == 0:
                got = snapshot(lake)
                diff = [t for t in want if got.get(t) != want[t]]
                equal_ok &= not diff
                problems += [f"rows differ from the uninterrupted run: {', '.join(diff)}"] if diff else []
            failures += bool(problems)
            print(f"  trial {i + 1:>2}: {'killed' if killed else 'finished'} at {delay:5.1f}s -> "
                  f"{'consistent' if not problems else '; '.join(problems)}", flush=True)
            shutil.rmtree(lake, ignore_errors=True)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
    print()
    n = args.trials
    print(f"{'MET' if kills >= 20 else 'NOT MET'}: at least 20 runs killed mid-way ({kills} of {n} trials; the "
          f"others finished before their kill time)")
    print(f"{'MET' if readable_ok else 'NOT MET'}: every table readable, keys unique after kill + rerun")
    print(f"{'MET' if equal_ok else 'NOT MET'}: rows equal to an uninterrupted run ({n - failures}/{n} trials)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
