"""Gazetteers: the names we know, read from tab-separated files users can extend.

``include/gazetteers/<lang>*.tsv`` (plus every ``<lang>*.tsv`` in the directories named by
``NEWSFLOW_GAZETTEERS``, separated by ``:``) hold one entity per line::

    type<TAB>canonical<TAB>alias|alias|...<TAB>flags

``type`` is COUNTRY, LOCATION, ORG, PERSON or TITLE. The flag ``strict`` marks aliases that
are ambiguous on their own (경기 is both the province and "the economy"): they count only
next to another place. One-character aliases (한, 미, 日) only count inside compounds
such as 한·미·일. A later file overrides an earlier one for the same surface form.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TYPES = {"COUNTRY", "LOCATION", "ORG", "PERSON", "TITLE"}
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "gazetteers"


class GazetteerError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    type: str
    canonical: str
    strict: bool = False


@dataclass
class Gazetteer:
    lang: str
    surfaces: dict[str, Entry] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    strict_titles: set[str] = field(default_factory=set)  # titles that need a place before them (구미시장)
    single: dict[str, Entry] = field(default_factory=dict)  # one-character aliases (compounds only)
    files: list[str] = field(default_factory=list)
    _pattern: re.Pattern | None = None
    _title_index: tuple[dict[str, tuple[int, str]], list[int], set[str]] | None = field(
        default=None, repr=False, compare=False)
    # what the extractors work out from this gazetteer, per word: one dict per purpose
    # (entities: a word's title; keywords: whether a noun run is a term)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def pattern(self) -> re.Pattern:
        """Every surface form; at each position the longest one matches (so 한국전력 beats 한국).
        The forms are written as a trie (한국(?:전력)?): one alternation of hundreds of names
        would be tried name by name at every position."""
        if self._pattern is None:
            self._pattern = re.compile(trie_regex(self.surfaces) or r"(?!x)x")
        return self._pattern

    def title_at_end(self, word: str) -> str | None:
        """The longest known title that ``word`` ends with (in English, ignoring case), or None.

        Of several titles the word ends with, the one first in ``titles`` (longest first) wins.
        A lookup of the word's endings in an index built on first use, like ``pattern``."""
        if self._title_index is None:
            self._title_index = self._index_titles()
        index, sizes, last_chars = self._title_index
        w = word.lower() if self.lang == "en" else word
        if w[-1:] not in last_chars and "" not in index:
            return None  # most words: no title ends with their last character
        n = len(w)
        best: tuple[int, str] | None = None
        for size in sizes:
            hit = index.get(w[n - size:]) if size <= n else None
            if hit is not None and (best is None or hit < best):
                best = hit
        return best[1] if best else None

    def _index_titles(self) -> tuple[dict[str, tuple[int, str]], list[int], set[str]]:
        """(matching form -> (position in ``titles``, title) of the first title with that form,
        the lengths of the forms, longest first, and the forms' last characters)."""
        index: dict[str, tuple[int, str]] = {}
        for rank, t in enumerate(self.titles):
            index.setdefault(t.lower() if self.lang == "en" else t, (rank, t))
        return index, sorted({len(k) for k in index}, reverse=True), {k[-1:] for k in index}


def trie_regex(words) -> str:
    """A regex that matches, at a position, the longest of ``words`` that starts there.

    Children are tried before the word that ends at their node, and the text decides which
    child can go on, so the first match the regex finds is the longest word."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("NEWSFLOW_GAZETTEERS", "").split(":") if p]
    return [DEFAULT_DIR, *extra]


def parse_line(line: str, where: str) -> tuple[str, str, list[str], bool] | None:
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    cols = line.split("\t")
    if len(cols) < 2 or not cols[1].strip():
        raise GazetteerError(f"{where}: expected 'type<TAB>canonical[<TAB>aliases[<TAB>flags]]', got {line!r}")
    typ = cols[0].strip().upper()
    if typ not in TYPES:
        raise GazetteerError(f"{where}: unknown type {cols[0]!r}; use one of {', '.join(sorted(TYPES))}")
    aliases = [a.strip() for a in cols[2].split("|")] if len(cols) > 2 else []
    flags = {f.strip() for f in cols[3].split(",")} if len(cols) > 3 else set()
    unknown = flags - {"strict", ""}
    if unknown:
        raise GazetteerError(f"{where}: unknown flag(s) {sorted(unknown)}; the only flag is 'strict'")
    return typ, cols[1].strip(), [a for a in aliases if a], "strict" in flags


@lru_cache(maxsize=16)
def load(lang: str) -> Gazetteer:
    gaz = Gazetteer(lang)
    titles: set[str] = set()
    for d in _dirs():
        if not d.is_dir():
            continue
        for path in sorted(d.glob(f"{lang}*.tsv")):
            gaz.files.append(str(path))
            for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                parsed = parse_line(line, f"{path}:{no}")
                if parsed is None:
                    continue
                typ, canonical, aliases, strict = parsed
                if typ == "TITLE":
                    titles.update([canonical, *aliases])
                    if strict:
                        gaz.strict_titles.add(canonical)
                    continue
                gaz.surfaces[canonical] = Entry(typ, canonical)
                for a in aliases:
                    if len(a) == 1:
                        gaz.single[a] = Entry(typ, canonical)
                    else:
                        gaz.surfaces[a] = Entry(typ, canonical, strict)
    gaz.titles = sorted(titles, key=len, reverse=True)
    return gaz
