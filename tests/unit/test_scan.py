"""extract._scan.finditer must find exactly what re.finditer finds, for every pattern of the
extractors that use it, on any text (hypothesis draws texts from the characters those
patterns care about)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import _scan, dates, numbers


def _patterns() -> list[re.Pattern]:
    found = []
    for module in (dates, numbers):
        for value in vars(module).values():
            if isinstance(value, re.Pattern):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                found += [v for v in value if isinstance(v, re.Pattern)]
                found += [x for v in value if isinstance(v, tuple) for x in v if isinstance(x, re.Pattern)]
    return found


PATTERNS = _patterns()
ALPHABET = st.sampled_from(list("0123456789 .,%$~-/\n") + list("지난오는올해내년월일년분기상하반주억조만원달러명배대")
                           + list("abcdefgQqHhTuesdaylastnextyearmonthweekbilliontrillion")
                           + list("年月日元亿万兆円前後上下半期第百分点") + ["tháng", "năm", "quý", "tỷ", "₩", "€", "£"])


def test_the_extractors_have_patterns_to_check():
    assert len(PATTERNS) >= 10
    assert any(_scan.starts(p) is not None for p in PATTERNS)  # some patterns take the fast path


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_scan_finds_the_same_matches_as_finditer(text):
    for rx in PATTERNS:
        want = [(m.span(), m.groups()) for m in rx.finditer(text)]
        got = [(m.span(), m.groups()) for m in _scan.finditer(rx, text)]
        assert got == want, rx.pattern
