"""The exact-copy index: exact copies found at any age while a night opens only the window's
signature files and a bounded number of index files."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from newsflow import exact_index
from newsflow.dedupe import hash64
from newsflow.history import LakeHistory
from newsflow.lake import Lake


def chash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sig_row(aid: str, text: str, day: str, with_hash: bool = True) -> dict:
    h = chash(text)
    return {"article_id": aid, "content_hash": h, "dup_cluster_id": "c-" + aid,
            "published_at": datetime.fromisoformat(day + "T01:00:00+00:00"), "signature": None, "shingles": 0,
            "hash64": hash64(h) if with_hash else None}


def put(lake: Lake, day: str, rows: list[dict], source: str = "hanbit") -> None:
    lake.publish("signatures", day, {source: rows}, "r-" + day)


def days(start: str, n: int, step: int = 1) -> list[str]:
    d = date.fromisoformat(start)
    return [(d + timedelta(days=i * step)).isoformat() for i in range(n)]


def test_buckets_cover_the_whole_hash_range():
    keys = np.array([-(2**63), -1, 0, 1, 2**63 - 1], dtype=np.int64)
    b = exact_index.bucket_of(keys)
    assert b.min() >= 0 and b.max() == exact_index.BUCKETS - 1 and len(set(b.tolist())) >= 2


def test_an_old_copy_is_found_through_the_index_without_opening_old_signature_files(tmp_path):
    lake = Lake(str(tmp_path))
    old_days = days("2023-01-10", 6, step=40)  # across many months
    for i, d in enumerate(old_days):
        put(lake, d, [sig_row(f"old{i}", f"story {i}", d), sig_row(f"oldnull{i}", f"legacy {i}", d, with_hash=False)])
    put(lake, "2024-06-20", [sig_row("recent", "recent story", "2024-06-20")])
    stats = exact_index.update(lake, "2024-06-27", 30)
    assert stats["through"] == "2024-05-27" and stats["rows"] == 12
    # every signature file the index covers becomes garbage: reading one would fail (or quarantine it)
    old_files = [p for p in Path(tmp_path, "signatures").rglob("*.parquet") if p.name < "part-2024-05-28"]
    assert len(old_files) == 6
    for p in old_files:
        p.write_bytes(b"garbage")
    hist = LakeHistory(lake, "2024-06-27", 30)
    found = hist.exact([chash("story 3"), chash("legacy 5"), chash("recent story"), chash("never seen")])
    assert {k.article_id: k.dup_cluster_id for k in found} == {"old3": "c-old3", "oldnull5": "c-oldnull5",
                                                                  "recent": "c-recent"}
    assert all(p.read_bytes() == b"garbage" for p in old_files)  # never opened, never quarantined
    assert not (tmp_path / "_quarantine").exists()


def test_files_per_bucket_stay_bounded_and_merges_keep_every_row(tmp_path):
    lake = Lake(str(tmp_path))
    texts = {}
    for n, d in enumerate(days("2024-01-01", 14, step=3)):
        rows = [sig_row(f"a{n}-{j}", f"text {n} {j}", d) for j in range(40)]
        texts.update({r["article_id"]: f"text {n} {j}" for j, r in enumerate(rows)})
        put(lake, d, rows)
        exact_index.update(lake, (date.fromisoformat(d) + timedelta(days=1)).isoformat(), 0)  # one run per night
    man = exact_index.read_manifest(lake)
    assert max(len(v) for v in man["runs"].values()) <= exact_index.MAX_RUNS
    on_disk = list(Path(tmp_path, "_index", "exact").rglob("*.parquet"))
    assert len(on_disk) == sum(len(v) for v in man["runs"].values())  # merged-away files are swept
    got = exact_index.lookup(lake, [hash64(chash(t)) for t in texts.values()])
    assert sorted(got.column("article_id").to_pylist()) == sorted(texts)


def test_a_replayed_old_date_is_indexed_again_and_stray_files_are_ignored(tmp_path):
    lake = Lake(str(tmp_path))
    put(lake, "2024-01-05", [sig_row("x", "first body", "2024-01-05")])
    exact_index.update(lake, "2024-06-27", 30)
    stray = next(Path(tmp_path, "_index", "exact").glob("bucket=*")) / "run-crashed.parquet"
    stray.write_bytes(b"a crashed update left this")
    assert exact_index.lookup(lake, [hash64(chash("first body"))]).num_rows == 1
    # a replay rewrites the old date with a re-parsed body
    import time

    time.sleep(0.05)
    put(lake, "2024-01-05", [sig_row("x", "re-parsed body", "2024-01-05")])
    stats = exact_index.update(lake, "2024-06-27", 30)
    assert stats["late_files"] == 1 and stats["rows"] == 1
    found = LakeHistory(lake, "2024-06-27", 30).exact([chash("re-parsed body")])
    assert [k.article_id for k in found] == ["x"]
    assert not stray.exists()


def test_without_maintenance_the_night_still_finds_copies_and_says_so(tmp_path, caplog):
    lake = Lake(str(tmp_path))
    put(lake, "2024-01-05", [sig_row("x", "body", "2024-01-05")])
    exact_index.update(lake, "2024-03-01", 30)  # index through 2024-01-30, then no maintenance for months
    put(lake, "2024-03-10", [sig_row("y", "later body", "2024-03-10")])
    with caplog.at_level("WARNING", logger="newsflow.history"):
        found = LakeHistory(lake, "2024-06-27", 30).exact([chash("body"), chash("later body")])
    assert sorted(k.article_id for k in found) == ["x", "y"]
    assert "run news_maintenance" in caplog.text


def test_another_index_version_is_ignored_not_misread(tmp_path, caplog):
    lake = Lake(str(tmp_path))
    put(lake, "2024-01-05", [sig_row("x", "body", "2024-01-05")])
    exact_index.update(lake, "2024-06-27", 30)
    path = Path(tmp_path, "_index", "exact", "_manifest.json")
    path.write_text(path.read_text().replace('"version": 1', '"version": 99'))
    assert exact_index.read_manifest(lake) is None
    assert [k.article_id for k in LakeHistory(lake, "2024-06-27", 30).exact([chash("body")])] == ["x"]
    assert exact_index.update(lake, "2024-06-27", 30, reindex=True)["rows"] == 1
    assert exact_index.read_manifest(lake)["version"] == exact_index.VERSION


def test_a_deleted_index_file_is_named_with_the_fix(tmp_path):
    lake = Lake(str(tmp_path))
    put(lake, "2024-01-05", [sig_row("x", "body", "2024-01-05")])
    exact_index.update(lake, "2024-06-27", 30)
    for p in Path(tmp_path, "_index", "exact").rglob("*.parquet"):
        p.unlink()
    with pytest.raises(RuntimeError, match="maintain --reindex"):
        exact_index.lookup(lake, [hash64(chash("body"))])


def test_maintain_builds_the_index_and_reindex_rebuilds_it(tmp_path):
    import subprocess
    import sys

    lake = Lake(str(tmp_path))
    put(lake, "2024-01-05", [sig_row("x", "body", "2024-01-05")])
    cli = [sys.executable, "-m", "newsflow", "maintain", "--lake", str(tmp_path)]
    done = subprocess.run(cli, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "exact-copy index: through" in done.stdout and "1 rows added" in done.stdout
    again = subprocess.run(cli + ["--reindex"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "1 rows added" in again.stdout, again.stdout + again.stderr[-2000:]
    assert exact_index.lookup(lake, [hash64(chash("body"))]).column("article_id").to_pylist() == ["x"]
