"""Top keywords by frequency, with light per-language tokenisation.

A placeholder-quality extractor for the skeleton: Korean tokens have common particles
and endings stripped; Chinese/Japanese use runs of Han/katakana; others use words.
"""

from __future__ import annotations

import re
from collections import Counter

_KO_SUFFIX = re.compile(
    r"(?:에서는|에서도|으로는|으로도|에게서|이라며|이라고|라며|라고|했다|한다|하고|하는|하며|에서|으로|에게|까지|부터|보다|처럼|"
    r"이다|이며|은|는|이|가|을|를|의|에|로|와|과|도|만|께서|엔)$")
_STOP = {
    "ko": {"있다", "없다", "것이", "것으로", "밝혔다", "말했다", "했다", "이번", "지난", "올해", "오는", "통해", "위해", "대한",
           "따라", "관련", "이날", "대해", "등을", "한편", "또한", "그러나", "하지만", "기자", "것", "수", "등", "및", "더", "약"},
    "en": {"the", "and", "for", "that", "with", "from", "this", "was", "were", "are", "has", "have", "had", "its",
           "said", "says", "will", "would", "could", "also", "than", "into", "over", "after", "about", "their",
           "they", "but", "not", "which", "who", "been", "more", "year", "last", "new", "per", "cent", "percent"},
}


def _tokens(text: str, lang: str | None) -> list[str]:
    if lang == "ko":
        out = []
        for tok in re.findall(r"[가-힣A-Za-z0-9]+", text):
            if re.fullmatch(r"[가-힣]+", tok):
                tok = _KO_SUFFIX.sub("", tok)
            if len(tok) >= 2 and not tok.isdigit():
                out.append(tok)
        return out
    if lang in ("zh", "ja"):
        return re.findall(r"[\u4e00-\u9fff]{2,6}|[\u30a0-\u30ff]{2,}", text)
    return [w.lower() for w in re.findall(r"[^\W\d_][\w'-]{2,}", text)]


def keywords(text: str, lang: str | None, top: int = 10) -> list[str]:
    stop = _STOP.get(lang or "", set()) | _STOP["en"]
    counts = Counter(t for t in _tokens(text, lang) if t.lower() not in stop)
    return [w for w, n in counts.most_common(top)]
