"""The one small interface every extractor implements.

An extractor is a class with a ``name`` (the lake table it fills and the key in the
``analyze`` JSON), a ``version`` and ``run(doc, found)``, which returns a list of
plain dicts: the gold schema's fields (``text``, ``normalized``, ``value``...) plus
``start``/``end`` character offsets into ``doc.body`` where that makes sense.
``found`` holds the results of the extractors that ran before it (quotes read
``found["entities"]``), in the order of ``include/extractors.yaml``.

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

    def run(self, doc: Doc, found: dict[str, list[Row]]) -> list[Row]: ...


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
