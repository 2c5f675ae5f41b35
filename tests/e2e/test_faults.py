"""Nothing lost: damaged files are quarantined (not fatal every night, not silently skipped),
concurrent CLI runs never share staging, a replay with nothing to replay says so."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from newsflow.config import default_sources_file
from newsflow.lake import Lake
from newsflow.pipeline import run_all

pytestmark = pytest.mark.e2e


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_damaged_file_is_quarantined_with_a_message_and_a_replay_restores_it(tmp_path, site, caplog):
    lake = tmp_path / "lake"
    first = run_all(default_sources_file(), str(lake), "2024-06-27", "r1", workers=1)
    part = "month=2024-06/source=hanbit/part-2024-06-27.parquet"
    _truncate(lake / "articles" / part)
    _truncate(lake / "entities" / part)
    with caplog.at_level(logging.ERROR):
        # the next run reads history (known URLs) and publishes over the damaged files
        again = run_all(default_sources_file(), str(lake), "2024-06-27", "r2", workers=1)
    for table in ("articles", "entities"):
        assert f"QUARANTINED {table}/{part}" in caplog.text
    assert "replaying date 2024-06-27" in caplog.text
    assert len(list((lake / "_quarantine").rglob("*.json"))) == 2
    # the damaged articles were no longer known, so the rerun fetched and published them again
    assert again["articles"] >= 8 and Lake(str(lake)).read_table("articles").num_rows == first["articles"]
    # maintain --repair reads every page and quarantines what nothing has read yet
    _truncate(lake / "quotes" / part)
    done = subprocess.run([sys.executable, "-m", "newsflow", "maintain", "--lake", str(lake), "--repair"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"quarantined {lake}/quotes/{part}" in done.stdout
    assert "python -m newsflow reprocess --start 2024-06-27" in done.stdout
    # and the replay it names puts the rows back
    done = subprocess.run([sys.executable, "-m", "newsflow", "reprocess", "--lake", str(lake), "--start", "2024-06-27",
                           "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert Lake(str(lake)).read_table("quotes", ["article_id"], sources=["hanbit"]).num_rows > 0
    assert Lake(str(lake)).read_table("articles").num_rows == first["articles"]


def test_two_cli_runs_started_together_each_keep_their_own_rows(tmp_path, site):
    import os

    lake = tmp_path / "lake"
    env = {**os.environ, "NEWSFLOW_SAMPLE_BASE": site}
    cmd = [sys.executable, "-m", "newsflow", "run", "--lake", str(lake), "--date", "2024-06-27", "--workers", "1"]
    procs = [subprocess.Popen(cmd + ["--source", s], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for s in ("hanbit", "dongnam")]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    runs = Lake(str(lake)).read_table("runs", ["run_id", "source", "stage"]).to_pylist()
    ids = {r["run_id"] for r in runs}
    assert len(ids) == 2 and {r["source"] for r in runs} == {"hanbit", "dongnam"}
    assert not list((lake / "_staging").rglob("*.parquet"))


def test_a_manual_rerun_of_one_url_keeps_the_nights_fetch_history_and_rejects(tmp_path, site):
    from newsflow.report import connect

    lake = tmp_path / "lake"
    run_all(default_sources_file(), str(lake), "2024-06-27", "night", workers=1)
    before = Lake(str(lake)).read_table("fetch_log", ["url", "run_id"], sources=["hanbit"]).to_pylist()
    rejects = Lake(str(lake)).read_table("rejects", ["url", "stage", "reason"]).to_pylist()
    url = next(r["url"] for r in before if "/view/" in r["url"])
    run_all(default_sources_file(), str(lake), "2024-06-27", "manual", urls=[url], force_refetch=True, workers=1)
    after = Lake(str(lake)).read_table("fetch_log", ["url", "run_id"], sources=["hanbit"]).to_pylist()
    night = [r for r in after if r["run_id"] == "night"]
    assert sorted(night, key=repr) == sorted(before, key=repr)  # the night's attempts are all still there
    assert {r["url"] for r in after if r["run_id"] == "manual"} - {url} <= {r["url"] for r in before
                                                                          if r["url"].endswith("/robots.txt")}
    assert sorted(Lake(str(lake)).read_table("rejects", ["url", "stage", "reason"]).to_pylist(), key=repr) == \
        sorted(rejects, key=repr)
    con = connect(str(lake))
    latest = con.execute("SELECT run_id FROM fetch_log_latest WHERE url = ?", [url]).fetchall()
    assert latest == [("manual",)]
    assert con.execute("SELECT count(*) FROM fetch_log_latest WHERE source = 'hanbit'").fetchone()[0] == len(before)
