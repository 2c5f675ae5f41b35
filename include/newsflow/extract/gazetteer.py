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

    @property
    def pattern(self) -> re.Pattern:
        """One alternation of every surface form, longest first (so 한국전력 beats 한국)."""
        if self._pattern is None:
            forms = sorted(self.surfaces, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(f) for f in forms) or r"(?!x)x")
        return self._pattern

    def title_at_end(self, word: str) -> str | None:
        """The longest known title that ``word`` ends with, or None."""
        for t in self.titles:
            if word.endswith(t) if self.lang != "en" else word.lower().endswith(t.lower()):
                return t
        return None


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
