"""The data contract: schemas as code, the generated data dictionary, schema evolution."""

from pathlib import Path

import pyarrow as pa

from newsflow.schemas import KEYS, MODE, PARTITION_KEYS, SPEC, TABLES, data_dictionary

ROOT = Path(__file__).resolve().parents[2]


def test_data_dictionary_is_generated_from_the_schemas():
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert doc == data_dictionary() + "\n", "run: python -m newsflow dictionary --out docs/data-dictionary.md"


def test_views_file_defines_every_table_of_the_schemas():
    from newsflow.schemas import with_table_views

    text = (ROOT / "include" / "sql" / "views.sql").read_text(encoding="utf-8")
    assert text == with_table_views(text), "run: python -m newsflow dictionary --views include/sql/views.sql"
    for name in TABLES:
        assert f"CREATE OR REPLACE VIEW {name} AS" in text


def test_every_table_and_column_is_described_and_keys_are_not_nullable():
    required = {"articles", "entities", "quotes", "dates", "numbers", "keywords", "raw_pages", "fetch_log",
                "rejects", "runs"}
    assert required <= set(TABLES)
    for name, schema in TABLES.items():
        assert SPEC[name][0], name
        assert "schema_version" in schema.names and not schema.field("schema_version").nullable
        for f in schema:
            assert f.metadata and f.metadata[b"description"], (name, f.name)
            assert f.name not in PARTITION_KEYS, "partition keys live only in directory names"
            assert not pa.types.is_timestamp(f.type) or (f.type.unit == "us" and f.type.tz == "UTC")
        for k in KEYS[name]:
            assert not schema.field(k).nullable, (name, k)
        assert MODE[name] in ("upsert", "replace")
