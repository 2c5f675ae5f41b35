"""Language from the writing system, refined by the page's own declaration.

Our five languages are told apart by script alone: Hangul -> ko, kana -> ja, Han
without kana -> zh, Latin with Vietnamese letters -> vi. For other Latin-script text
the page's declared language is trusted, defaulting to en.
"""

from __future__ import annotations

import re

_VI = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def detect_language(text: str, hint: str | None = None) -> str | None:
    sample = text[:5000]
    counts = {"hangul": 0, "kana": 0, "han": 0, "latin": 0}
    for ch in sample:
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            counts["hangul"] += 1
        elif 0x3040 <= o <= 0x30FF:
            counts["kana"] += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            counts["han"] += 1
        elif ch.isalpha() and o < 0x2000:
            counts["latin"] += 1
    total = sum(counts.values())
    if total == 0:
        return hint
    if counts["hangul"] / total > 0.3:
        return "ko"
    if counts["kana"] / total > 0.05:
        return "ja"
    if counts["han"] / total > 0.3:
        return "zh"
    if counts["latin"] / total > 0.5:
        if len(_VI.findall(sample)) > 0.02 * counts["latin"]:
            return "vi"
        return hint if hint and hint not in ("ko", "ja", "zh", "vi") else "en"
    return hint
