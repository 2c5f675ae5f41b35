"""Quality gates fail on broken data with a message naming the table and the rule."""

from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsflow.contracts import Published, RunSpec
from newsflow.lake import Lake
from newsflow.pipeline import QualityGateError, check
from newsflow.validate import Gates, validate


def art(aid, day="2024-06-27", **kw):
    return {"article_id": aid, "url": f"http://x/{aid}", "title": "t", "body": "b", "paragraphs": ["b"],
            "published_at": datetime(2024, 6, 26, 22, tzinfo=UTC), "published_date": date.fromisoformat(day),
            "fetched_at": datetime(2024, 6, 27, 1, tzinfo=UTC), "content_hash": "h" + aid,
            "dup_cluster_id": "c" + aid, "is_canonical": True, **kw}


def published(lake: str, run_id: str, sources_file: str) -> Published:
    """What publish hands the validate task."""
    return Published(RunSpec(run_id, lake, sources_file, "2024-06-27", ("s",)), ("s",), {}, {})


def lake_with(tmp_path, rows, day="2024-06-27", source="s"):
    lake = Lake(str(tmp_path))
    lake.publish("articles", day, {source: rows}, "run1")
    return lake


def test_clean_data_passes(tmp_path):
    lake = lake_with(tmp_path, [art("a"), art("b")])
    lake.publish("entities", "2024-06-27", {"s": [{"article_id": "a", "idx": 0, "type": "ORG", "canonical": "X"}]},
                 "run1")
    assert validate(lake, "2024-06-27", ["s"]) == []


def test_duplicate_keys_nulls_dates_and_orphans_are_named(tmp_path):
    lake = lake_with(tmp_path, [art("a"), art("b", published_at=None, title=""),
                                art("c", published_date=date(2024, 5, 1))])
    path = tmp_path / "articles" / "month=2024-06" / "source=s" / "part-2024-06-27.parquet"
    t = pq.read_table(path)
    pq.write_table(pa.concat_tables([t, t.slice(0, 1)]), path)  # a broken writer repeated a row
    lake.publish("quotes", "2024-06-27", {"s": [{"article_id": "zzz", "idx": 0, "text": "q"}]}, "run1")
    got = {(f.table, f.rule) for f in validate(lake, "2024-06-27", ["s"], Gates(max_null_rate=0.2))}
    assert got == {("articles", "primary_key"), ("articles", "not_null"), ("articles", "null_rate"),
                   ("articles", "date_range"), ("quotes", "references")}
    with pytest.raises(QualityGateError, match=r"articles: primary_key: 1 duplicate \(article_id\) rows"):
        check(published(str(tmp_path), "run1", ""))


def test_a_source_that_suddenly_publishes_far_less_fails_the_row_count_gate(tmp_path):
    lake = Lake(str(tmp_path))
    for d in ("2024-06-24", "2024-06-25", "2024-06-26"):
        lake.publish("articles", d, {"s": [art(f"{d}-{i}", day=d) for i in range(10)]}, "r")
    lake.publish("articles", "2024-06-27", {"s": [art("x"), art("y")]}, "r")
    fails = validate(lake, "2024-06-27", ["s"])
    assert [(f.table, f.rule) for f in fails] == [("articles", "row_count")]
    assert "s has 2 articles for 2024-06-27, under 30% of its median 10" in str(fails[0])
    assert validate(lake, "2024-06-27", ["s"], Gates(min_ratio=0.1)) == []


def test_gate_thresholds_come_from_the_sources_file(tmp_path):
    from newsflow.config import ConfigError, load_sources

    cfg = tmp_path / "s.yaml"
    cfg.write_text("http: {user_agent: 'x (+mailto:a@b.c)'}\nquality: {min_ratio: 0.05, history_days: 7}\n"
                   "sources: [{name: s, feeds: [{type: urls, urls: ['http://x/1']}]}]\n")
    q = load_sources(str(cfg)).quality
    assert (q.min_ratio, q.history_days, q.max_null_rate) == (0.05, 7, 0.2)
    lake = Lake(str(tmp_path / "lake"))
    for d in ("2024-06-24", "2024-06-25", "2024-06-26"):
        lake.publish("articles", d, {"s": [art(f"{d}-{i}", day=d) for i in range(10)]}, "r")
    lake.publish("articles", "2024-06-27", {"s": [art("x")]}, "r")
    result = published(str(tmp_path / "lake"), "r", str(cfg))
    assert check(result)["date"] == "2024-06-27"  # 1 article against a median of 10 passes at min_ratio 0.05
    cfg.write_text(cfg.read_text().replace("min_ratio: 0.05", "min_ratio: 2"))
    with pytest.raises(ConfigError, match="min_ratio"):
        load_sources(str(cfg))
