"""The one small interface every extractor implements.

An extractor is a class with a ``name`` (the key in the ``analyze`` JSON), a ``version``
and ``run(doc, found)``, which returns a list of plain dicts: the gold schema's fields
(``text``, ``normalized``, ``value``...) plus ``start``/``end`` character offsets into
``doc.body`` where that makes sense. ``found`` holds the results of the extractors that ran
before it (quotes read ``found["entities"]``), in the order of ``include/extractors.yaml``.

What reaches the lake is declared by the extractor itself: ``tables`` lists its lake tables
(:class:`Table`: name, description, columns with a type and a description). The registry
turns these into the tables' schemas, publish keys, Airflow Assets, DuckDB views and data
dictionary entries, so a new extractor's rows reach the lake with no other edit. Every row
of such a table also carries ``date``, ``article_id``, ``idx`` (the row's order within the
article), ``extractors``, ``run_id`` and ``schema_version``. By default the ``i``-th dict
``run`` returns becomes row ``idx = i`` of the first table, its columns taken by name; an
extractor that needs another mapping defines ``table_rows(rows) -> {table: [row, ...]}``.

Extractors are pure: no network, no Airflow, no lake writes. Anything slow to build
(a tokenizer, a gazetteer automaton) is built once per process and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

Row = dict[str, Any]


@dataclass
class Doc:
    """One clean article as the extractors see it."""

    body: str
    lang: str = "ko"
    published: date | None = None
    title: str = ""
    article_id: str = ""
    # Document frequencies for keyword weighting (term -> number of docs) and their
    # corpus size; empty when no history is known.
    df: dict[str, int] = field(default_factory=dict)
    n_docs: int = 0
    cache: dict[str, Any] = field(default_factory=dict)

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) spans of sentences in ``body`` (paragraph breaks always split)."""
        if "sentences" not in self.cache:
            self.cache["sentences"] = split_sentences(self.body)
        return self.cache["sentences"]


class Extractor(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    tables: ClassVar[tuple["Table", ...]]  # may be absent: the extractor writes no table of its own

    def run(self, doc: Doc, found: dict[str, list[Row]]) -> list[Row]: ...


# Column types an extractor may declare (the lake's Arrow types are derived from these names).
COLUMN_TYPES = ("string", "int32", "int64", "float32", "float64", "bool", "date", "list<string>")


@dataclass(frozen=True)
class Column:
    """One column of an extractor's table: ``type`` is one of ``COLUMN_TYPES``."""

    name: str
    type: str
    doc: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    """A lake table an extractor fills: one row per fact, keyed by (article_id, idx)."""

    name: str
    doc: str
    columns: tuple[Column, ...]


START = Column("start", "int32", "Character offset where `text` starts in `articles.body`.")
END = Column("end", "int32", "Character offset just after `text` in `articles.body`.")


def table_rows(extractor: Any, rows: list[Row]) -> dict[str, list[Row]]:
    """The extractor's lake rows per table (without the columns every fact row carries but ``idx``)."""
    custom = getattr(extractor, "table_rows", None)
    if custom is not None:
        return custom(rows)
    tables = getattr(extractor, "tables", ())
    if not tables:
        return {}
    cols = [c.name for c in tables[0].columns]
    return {tables[0].name: [{"idx": i, **{c: r.get(c) for c in cols}} for i, r in enumerate(rows)]}


# Sentence ends: . ! ? 。 ！ ？ followed by space/newline/end, but not inside quotes
# (a quote may hold several sentences and still be one utterance).
_OPEN = "\"“「『"
_CLOSE = {"\"": "\"", "“": "”", "「": "」", "『": "』"}
_END = re.compile(r"[.!?。！？](?=\s|$)|\n")
# The only characters that change the state below: quote marks, sentence ends, newlines.
_SIGNIFICANT = re.compile("[" + re.escape(_OPEN + "".join(_CLOSE.values()) + ".!?。！？") + "\n]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    depth: list[str] = []
    n = len(text)
    for m in _SIGNIFICANT.finditer(text):
        i, ch = m.start(), m.group()
        if depth and ch == depth[-1]:
            depth.pop()
        elif ch in _OPEN and not (ch == "\"" and depth and depth[-1] == "\""):
            depth.append(_CLOSE[ch])
        if ch == "\n":
            depth.clear()
        if not depth and _END.match(text, i):
            end = i + 1 if ch != "\n" else i
            if text[start:end].strip():
                spans.append((start, end))
            start = i + 1
    if text[start:].strip():
        spans.append((start, n))
    return spans
