"""Faster ``finditer`` for patterns that cannot say where a match may start.

A pattern that opens with a lookbehind or an optional group (``(?<!\\w)(?:지난\\s)?\\d+일``)
gives Python's regex engine no first character to look for, so ``finditer`` runs the whole
pattern at every position of the text. ``starts(rx)`` works out, from the pattern itself, a
one-character pattern for the characters a match can begin with, and ``finditer`` tries ``rx``
only at those positions (``rx.match(text, i)`` sees the text before ``i``, as the search does):
the same matches, in the same order, at a fraction of the cost when those characters are
rare in the text. Patterns whose first characters are frequent ones (small Latin letters, more
than three Hangul syllables...) or not worked out here are left to ``rx.finditer``.
"""

from __future__ import annotations

import re
from typing import Iterator


class _Unknown(Exception):
    """A construct whose first characters are not worked out here."""


def _first(items, icase: bool, out: list[tuple]) -> bool:
    """Add to ``out`` every character a match of the sequence ``items`` can start with, as
    ("char", c, icase), ("range", lo, hi, icase) or ("category", code); True when the sequence
    can match the empty string."""
    from re import _constants as c

    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the next item starts the match
        if op is c.LITERAL:
            out.append(("char", chr(av), icase))
            return False
        if op is c.IN:
            for kind, value in av:
                if kind is c.LITERAL:
                    out.append(("char", chr(value), icase))
                elif kind is c.RANGE:
                    out.append(("range", chr(value[0]), chr(value[1]), icase))
                elif kind is c.CATEGORY:
                    out.append(("category", value))
                else:
                    raise _Unknown  # a negated class
            return False
        if op is c.SUBPATTERN:
            _, add, remove, sub = av
            sub_icase = (icase or bool(add & c.SRE_FLAG_IGNORECASE)) and not remove & c.SRE_FLAG_IGNORECASE
            if not _first(sub.data, sub_icase, out):
                return False
            continue
        if op is c.ATOMIC_GROUP:
            if not _first(av.data, icase, out):
                return False
            continue
        if op is c.BRANCH:
            empty = False
            for branch in av[1]:
                empty |= _first(branch.data, icase, out)
            if not empty:
                return False
            continue
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, _, sub = av
            if not _first(sub.data, icase, out) and lo >= 1:
                return False
            continue
        raise _Unknown  # ANY, NOT_LITERAL, group references...
    return True


def _ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _class(found: list[tuple]) -> re.Pattern | None:
    """The character class of ``found`` when its characters are rare enough in running text
    for ``finditer`` to pay: digits, symbols, capital Latin letters, Chinese characters and
    at most three others (Hangul syllables, kana, small letters are frequent)."""
    from re import _constants as c

    pieces, icase, others = [], False, set()
    for item in found:
        if item[0] == "category":
            if item[1] is not c.CATEGORY_DIGIT:
                return None
            pieces.append(r"\d")
            continue
        if item[0] == "range":
            _, lo, hi, ic = item
            if not (lo.isdigit() and hi.isdigit()):
                return None
            pieces.append(f"{re.escape(lo)}-{re.escape(hi)}")
            icase |= ic
            continue
        _, ch, ic = item
        if ch.isalpha() and (ch.lower() != ch.upper() and (ic or not ch.isupper() or not ch.isascii())):
            return None  # a small letter, or a letter matched in either case: everywhere in the text
        if ch.isalpha() and not (ch.isascii() or _ideograph(ch)):
            others.add(ch)
        pieces.append(re.escape(ch))
        icase |= ic
    if not pieces or len(others) > 3:
        return None
    return re.compile("[" + "".join(pieces) + "]", re.IGNORECASE if icase else 0)


_STARTS: dict[re.Pattern, re.Pattern | None] = {}


def starts(rx: re.Pattern) -> re.Pattern | None:
    """One character a match of ``rx`` can start with (a character class), or None when that is
    not known, is too frequent a character to help, or ``rx`` can match the empty string."""
    if rx not in _STARTS:
        try:
            from re import _parser

            tree = _parser.parse(rx.pattern, rx.flags)
            found: list[tuple] = []
            if _first(tree.data, bool(tree.state.flags & re.IGNORECASE), found):
                raise _Unknown  # it can match the empty string
            _STARTS[rx] = _class(found)
        except Exception:  # _Unknown, or another Python's parser
            _STARTS[rx] = None
    return _STARTS[rx]


def finditer(rx: re.Pattern, text: str) -> Iterator[re.Match]:
    """``rx.finditer(text)``, trying ``rx`` only where a match can start."""
    first = starts(rx)
    if first is None:
        yield from rx.finditer(text)
        return
    match = rx.match
    pos = 0
    for c in first.finditer(text):
        i = c.start()
        if i >= pos and (m := match(text, i)) is not None:
            yield m
            pos = m.end()
