"""The lake's table names: the core tables and every table the registered extractors declare.

Light on purpose (the standard library, PyYAML and the extractor modules; no pyarrow, no
pandas): DAG files read it while they are parsed, to declare one Asset per table. The schemas
themselves live in ``newsflow.schemas``, built from the same declarations.
"""

from __future__ import annotations

# The tables every lake has, whatever extractors run. A test keeps these equal to schemas.SPEC.
CORE_TABLES = ("articles", "fetch_log", "rejects", "raw_pages", "signatures", "lsh_bands", "runs", "term_df",
               "template_lines")
# What only fetching writes: a replay rewrites every other table.
FETCH_TABLES = ("fetch_log", "raw_pages")


def fact_tables(registry: str | None = None) -> tuple[str, ...]:
    """The tables the registry's extractors declare, in registry order."""
    from newsflow.extract.registry import declared_tables

    return tuple(declared_tables(registry))


def all_tables(registry: str | None = None) -> tuple[str, ...]:
    return (*CORE_TABLES, *fact_tables(registry))


def replay_tables(registry: str | None = None) -> tuple[str, ...]:
    return tuple(t for t in all_tables(registry) if t not in FETCH_TABLES)
