"""Language from the writing system, refined by the page's own declaration.

Our five languages are told apart by script alone: Hangul -> ko, kana -> ja, Han
without kana -> zh, Latin with Vietnamese letters -> vi. For other Latin-script text
the page's declared language is trusted, defaulting to en.
"""

from __future__ import annotations

import re

_VI = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def detect_language(text: str, hint: str | None = None) -> str | None:
    return language_with_confidence(text, hint)[0]


def language_with_confidence(text: str, hint: str | None = None) -> tuple[str | None, float]:
    """(language, confidence in 0..1): the share of letters in the deciding script, lowered
    when the page declared something else; 0 when there is no text to judge."""
    lang, conf = _detect(text, hint)
    if lang and hint and hint.split("-")[0].lower() != lang and conf < 1.0:
        conf *= 0.8
    return lang, round(conf, 3)


def _script(ch: str) -> str | None:
    """The script a character counts for: hangul, kana, han, latin (any letter below U+2000)."""
    o = ord(ch)
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return "han"
    if ch.isalpha() and o < 0x2000:
        return "latin"
    return None


def _script_table():
    """``_script`` of every character of the Basic Multilingual Plane, as a class number
    (0 none, 1 hangul, 2 kana, 3 han, 4 latin); no character above it counts for a script."""
    import numpy as np

    ids = {None: 0, "hangul": 1, "kana": 2, "han": 3, "latin": 4}
    return np.array([ids[_script(chr(o))] for o in range(0x10000)], dtype=np.uint8)


_SCRIPTS = ("hangul", "kana", "han", "latin")
_TABLE = None


def _script_counts(sample: str) -> dict[str, int]:
    """Letters per script in ``sample``: what counting each distinct character with ``_script``
    gives, from a lookup table over the code points."""
    global _TABLE
    import numpy as np

    if _TABLE is None:
        _TABLE = _script_table()
    codes = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    found = np.bincount(_TABLE[np.minimum(codes, 0xFFFF)], minlength=5)
    return {name: int(found[i + 1]) for i, name in enumerate(_SCRIPTS)}


def _detect(text: str, hint: str | None) -> tuple[str | None, float]:
    sample = text[:5000]
    counts = _script_counts(sample)
    total = sum(counts.values())
    if total == 0:
        return hint, 0.0
    share = {k: v / total for k, v in counts.items()}
    if share["hangul"] > 0.3:
        return "ko", min(1.0, share["hangul"] / 0.6)
    if share["kana"] > 0.05:
        return "ja", min(1.0, (share["kana"] + share["han"]) / 0.8)
    if share["han"] > 0.3:
        return "zh", min(1.0, share["han"] / 0.8)
    if share["latin"] > 0.5:
        vi = len(_VI.findall(sample)) / max(1, counts["latin"])
        if vi > 0.02:
            return "vi", min(1.0, vi / 0.08) * share["latin"]
        if hint and hint not in ("ko", "ja", "zh", "vi"):
            return hint, share["latin"]
        return "en", share["latin"] * (1.0 - vi / 0.02 * 0.5)
    return hint, 0.3 if hint else 0.0


class LanguageExtractor:
    """One row: the article's language and the confidence of that call."""

    name = "language"
    version = "1"

    def run(self, doc, found):
        lang, conf = language_with_confidence(doc.body, hint=doc.lang)
        return [{"lang": lang, "confidence": conf}]
