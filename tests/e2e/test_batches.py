"""Volume: shards of 3 pages publish what one shard per source publishes; history beyond the
windows is never read; an extractor that raises on one article costs that article, not the night."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from newsflow.config import default_sources_file
from newsflow.lake import Lake
from newsflow.pipeline import run_all

pytestmark = pytest.mark.e2e
COLS = {"articles": ["article_id", "title", "body", "content_hash", "dup_cluster_id", "is_canonical", "keywords",
                     "lang", "lang_confidence", "published_at", "clean_removed"],
        "entities": ["article_id", "idx", "type", "canonical", "text", "role", "aliases", "start", "end"],
        "quotes": ["article_id", "idx", "speaker", "text", "start", "end"],
        "dates": ["article_id", "idx", "text", "normalized"],
        "numbers": ["article_id", "idx", "text", "value", "unit"],
        "keywords": ["article_id", "idx", "term", "score"],
        "signatures": ["article_id", "content_hash", "dup_cluster_id", "signature", "hash64"],
        "lsh_bands": ["article_id", "band", "key"],
        "term_df": ["lang", "term", "df", "docs"],
        "template_lines": ["key", "pages", "docs"],
        "raw_pages": ["url", "kind", "status", "body"],
        "fetch_log": ["url", "kind", "status", "outcome"],
        "rejects": ["url", "stage", "reason"]}


def snapshot(lake: Lake) -> dict:
    return {t: sorted(map(repr, lake.read_table(t, cols + ["source"]).to_pylist())) for t, cols in COLS.items()}


def sources_with(tmp_path: Path, processing: str) -> str:
    text = Path(default_sources_file()).read_text(encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(f"processing: {processing}\n" + text, encoding="utf-8")
    return str(path)


def test_batches_of_three_publish_the_same_rows_as_one_batch(tmp_path, site, caplog):
    whole, small = tmp_path / "whole", tmp_path / "small"
    run_all(sources_with(tmp_path, "{batch_size: 1000, workers: 1}"), str(whole), "2024-06-27", "r")
    caplog.clear()
    with caplog.at_level("INFO", logger="newsflow.pipeline"):
        result = run_all(sources_with(tmp_path, "{batch_size: 3, workers: 1}"), str(small), "2024-06-27", "r")
    assert result["articles"] == 19
    assert "extracted shard hanbit/00002" in caplog.text  # hanbit's 8 pages went in three shards
    a, b = snapshot(Lake(str(whole))), snapshot(Lake(str(small)))
    for table in COLS:
        if table in ("raw_pages", "fetch_log"):  # fetch times and bodies are the server's: compare keys only
            a[table] = sorted(x.split("'status'")[0] for x in a[table])
            b[table] = sorted(x.split("'status'")[0] for x in b[table])
        assert a[table] == b[table], table
    staged = list((small / "_staging").rglob("*.parquet"))
    assert staged == []


def _poison(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not parquet: a read of this file fails the run")


def test_history_beyond_the_windows_is_not_read(tmp_path, site):
    """Old dates' files are garbage: any read of them would fail. The night still runs, because
    known URLs, the dedupe index, template lines and document frequencies read only their windows,
    and exact copies older than the window are looked up in the exact-copy index that
    maintenance built before the old signatures went bad."""
    from datetime import datetime, timezone

    from newsflow import exact_index

    lake = tmp_path / "lake"
    (lake).mkdir()
    (lake / "_layout.json").write_text('{"layout": 3}')
    Lake(str(lake)).publish("signatures", "2023-01-15", {"hanbit": [{
        "article_id": "old", "content_hash": "ab" * 32, "dup_cluster_id": "xold", "shingles": 0, "signature": None,
        "published_at": datetime(2023, 1, 15, tzinfo=timezone.utc), "hash64": 1}]}, "old-run")
    assert exact_index.update(Lake(str(lake)), "2024-06-27", 30)["rows"] == 1
    for table in ("articles", "lsh_bands", "term_df", "template_lines", "entities", "runs", "signatures"):
        _poison(lake / table / "month=2023-01" / "source=hanbit" / "part-2023-01-15.parquet")
    _poison(lake / "raw_pages" / "date=2023-01-15" / "source=hanbit" / "part-0.parquet")
    result = run_all(sources_with(tmp_path, "{known_url_days: 30, dedupe_days: 30, df_days: 30}"), str(lake),
                     "2024-06-27", "r")
    assert result["articles"] == 19
    assert not (lake / "_quarantine").exists()  # no old file was even opened


def test_an_extractor_that_raises_costs_one_article(tmp_path, site, monkeypatch):
    (tmp_path / "boom_extractor.py").write_text(textwrap.dedent('''
        class Boom:
            name = "boom"
            version = "1"

            def run(self, doc, found):
                if "소상공인" in doc.title:
                    raise ValueError("cannot handle this one")
                return []
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    default = (Path(default_sources_file()).parent / "extractors.yaml").read_text(encoding="utf-8")
    registry = tmp_path / "extractors.yaml"
    registry.write_text(default + "  boom: boom_extractor:Boom\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_EXTRACTORS", str(registry))
    lake = tmp_path / "lake"
    result = run_all(sources_with(tmp_path, "{workers: 1}"), str(lake), "2024-06-27", "r")
    assert result["articles"] == 18  # the night is published without the one article
    rejects = Lake(str(lake)).read_table("rejects", ["stage", "reason", "detail"]).to_pylist()
    boom = [r for r in rejects if r["stage"] == "extract"]
    assert len(boom) == 1 and boom[0]["reason"] == "extractor_error"
    assert boom[0]["detail"].startswith("boom: ValueError: cannot handle this one")
    assert os.environ["NEWSFLOW_EXTRACTORS"] == str(registry)


def test_a_new_extractor_declares_its_table_and_its_rows_reach_the_lake(tmp_path, site, monkeypatch):
    """One module and one registry line: the table gets a schema, is published, validated, has a
    DuckDB view, a data-dictionary entry and an Airflow Asset. Runs in fresh processes, since the
    schemas are built from the registry when newsflow.schemas is imported."""
    import json
    import subprocess
    import sys

    from newsflow.catalog import all_tables

    (tmp_path / "headline_extractor.py").write_text(textwrap.dedent('''
        from newsflow.extract.base import Column, Table

        class Headline:
            name = "headline"
            version = "1"
            tables = (Table("headline_stats", "Length and first word of each headline.", (
                Column("chars", "int32", "Characters in the title.", False),
                Column("first_word", "string", "The title's first word."))),)

            def run(self, doc, found):
                return [{"chars": len(doc.title), "first_word": (doc.title.split() or [None])[0]}]
    '''))
    default = (Path(default_sources_file()).parent / "extractors.yaml").read_text(encoding="utf-8")
    registry = tmp_path / "extractors.yaml"
    registry.write_text(default + "  headline: headline_extractor:Headline\n", encoding="utf-8")
    env = {**os.environ, "NEWSFLOW_EXTRACTORS": str(registry), "NEWSFLOW_SAMPLE_BASE": site,
           "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    lake = tmp_path / "lake"
    cli = [sys.executable, "-m", "newsflow"]
    done = subprocess.run([*cli, "run", "--sources", sources_with(tmp_path, "{workers: 2}"), "--lake", str(lake),
                           "--date", "2024-06-27"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    import pyarrow.dataset as ds

    rows = ds.dataset(str(lake / "headline_stats"), format="parquet").to_table(
        columns=["article_id", "idx", "chars", "first_word", "extractors"])  # this process has the default schemas
    articles = Lake(str(lake)).read_table("articles", ["article_id", "title"]).to_pylist()
    assert rows.num_rows == len(articles) == 19
    titles = {a["article_id"]: a["title"] for a in articles}
    for r in rows.to_pylist():
        assert r["chars"] == len(titles[r["article_id"]]) and r["idx"] == 0 and "headline=1" in r["extractors"]
    sql = subprocess.run([*cli, "sql", "--lake", str(lake), "--format", "json",
                          "SELECT count(*) AS n, min(chars) > 0 AS ok FROM headline_stats"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert sql.returncode == 0, sql.stderr[-2000:]
    assert json.loads(sql.stdout) in ({"n": 19, "ok": True}, [{"n": 19, "ok": True}])
    dictionary = subprocess.run([*cli, "dictionary"], env=env, capture_output=True, text=True, timeout=120).stdout
    assert "## `headline_stats`" in dictionary and "| `first_word` | string | yes |" in dictionary
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "headline_stats" in all_tables(str(registry))  # what the plugin turns into Assets


def test_an_extractor_declaring_a_bad_table_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    from newsflow.config import ConfigError
    from newsflow.extract.registry import declared_tables

    cases = {"clash": ('Table("articles", "d", (Column("x", "string", "x"),))', "already a lake table"),
             "badtype": ('Table("bad_rows", "d", (Column("x", "text", "x"),))', "has type 'text'"),
             "reserved": ('Table("bad_rows", "d", (Column("article_id", "string", "x"),))', "reserved or repeated")}
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, (table, message) in cases.items():
        (tmp_path / f"bad_{name}.py").write_text(textwrap.dedent(f'''
            from newsflow.extract.base import Column, Table

            class Bad:
                name = "bad"
                version = "1"
                tables = ({table},)

                def run(self, doc, found):
                    return []
        '''))
        registry = tmp_path / f"{name}.yaml"
        registry.write_text(f"extractors:\n  bad: bad_{name}:Bad\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            declared_tables(str(registry))
