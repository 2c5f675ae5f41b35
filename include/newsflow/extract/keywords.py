"""The 10 most characteristic terms of an article.

Candidates are noun phrases as the article writes them:

* Korean: kiwipiepy morphemes; a run of nouns written together is one term
  (핵심+광물 -> 핵심광물), two such runs separated by one space make a phrase
  (대중 수출통제, 반도체 클러스터), and ORG/LOCATION entities count as terms.
  A noun used as a verb stem (강화+하다) is not a topic.
* English/Vietnamese: word n-grams (1-3) that neither start nor end with a stop word.
* Japanese/Chinese: runs of kanji/katakana/Latin between kana or punctuation, and
  their script-homogeneous parts.

Score = tf x idf x position. tf counts every occurrence of the surface form (so a head
noun also gains from the phrases it heads); idf comes from document frequencies the
caller supplies (the pipeline reads them from the lake's ``term_df`` table). Without
any history, a short list of news-generic words (``include/gazetteers/<lang>.stop``)
stands in for idf. Title and lead-paragraph occurrences weigh more.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from newsflow.extract.base import Column, Doc, Row, Table
from newsflow.extract.gazetteer import DEFAULT_DIR, load

NOUN_TAGS = {"NNG", "NNP", "SL", "SH", "XSN", "XPN", "NR"}
EN_STOP = set("""a an the and or but if of in on at to for from by with as is are was were be been being has have had
do does did will would can could should may might must shall this that these those it its they them their he she his her
we our you your i me my not no than then so such also about after before over under into out up down more most less
least very just only other some any each all both which who whom whose what when where why how said says say told tell
new year years month months week weeks day days per percent cent billion million trillion one two three four five six
seven eight nine ten first second third last next according while since because through during against between among
around including within without however although though there here still even much many well back like yet amid""".split())
VI_STOP = set("""và của các những là có được trong cho với này đã sẽ đang một theo từ khi đến về như tại để người năm
tháng ngày cũng không nhiều hơn nhưng thì mà hay hoặc vào ra lại rất đó nên do bởi sau trước trên dưới giữa ông bà anh
chị họ chúng tôi ta nó này kia ấy nay qua tới cùng vẫn đều chỉ còn""".split())
KO_TIME = re.compile(r"(?:년|월|일|분기|반기|올해|내년|작년|지난해|주간|연초|연말)$|^(?:올해|내년|지난해|이날|전날|오는|지난)")
SPEC_EXP = 1.0
LATIN_SPEC = 1.5
TF_EXP = 0.7
DF_PRIOR_DOCS = 20
ENTITY_SPEC = 1.6
TITLE_W = 1.0
NEST_W = 0.6
ZH_BREAK = "的了在和是与对将为及等也都而但被把从向于以其中之或又并且就还已这那有个"
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")
_WORD_START = re.compile(r"[A-Za-z가-힣]")
_ACRONYM = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")
_KEY_GAPS = re.compile(r"[\s·・]")
_SENTENCE_BREAKS = re.compile(r"[.!?;:,\"“”()\n]+")
_EN_WORD = re.compile(r"[\w][\w&'\-]*")


@lru_cache(maxsize=8)
def stopwords(lang: str) -> frozenset[str]:
    """News-generic words that are never keywords (include/gazetteers/<lang>.stop, one per line)."""
    words: set[str] = set()
    for path in sorted(DEFAULT_DIR.glob(f"{lang}*.stop")):
        words.update(w.strip() for w in path.read_text(encoding="utf-8").splitlines()
                     if w.strip() and not w.startswith("#"))
    if lang == "en":
        words |= EN_STOP
    if lang == "vi":
        words |= VI_STOP
    return frozenset(words)


@lru_cache(maxsize=100_000)
def ko_specificity(term: str) -> float:
    """How unusual a term is in general Korean: kiwipiepy's language-model cost of the
    term on its own, scaled so an everyday noun (회의, 시장) is about 1 and a specialised
    one (특례보증, 핵심광물) 2-3. This stands in for document frequencies the lake does
    not have yet, and sharpens them when it does."""
    from newsflow.extract.entities import _analysis

    cost = -_analysis(term)[1]
    return max(0.3, (cost - 10.0) / 6.0) ** SPEC_EXP


def ko_tokens(doc: Doc):
    if "kiwi" not in doc.cache:
        from newsflow.extract.entities import _kiwi

        doc.cache["kiwi"] = _kiwi().tokenize(doc.body)
    return doc.cache["kiwi"]


def _ko_candidates(doc: Doc, entities: list[Row]) -> set[str]:
    """The body's noun terms and its ORG/LOCATION entities, added in the order found (the
    set's order decides ties between equal keyword scores)."""
    cands = set(_ko_noun_terms(doc))
    for e in entities:
        if e["type"] in ("ORG", "LOCATION"):
            cands.add(e["text"])
    return cands


def _ko_noun_terms(doc: Doc) -> tuple[str, ...]:
    """The body's noun terms, in the order found: noun runs, then pairs of runs one space
    apart. They depend on the body alone, so ``candidate_terms`` and the keyword extractor
    share them (``doc.cache``, like the tokens)."""
    if "ko_terms" not in doc.cache:
        text = doc.body
        gaz = load("ko")
        terms: list[str] = []
        surfaces = []
        memo = gaz.memo.setdefault("ko_not_term", {})
        for s, e in _ko_noun_runs(text, ko_tokens(doc)):
            term = text[s:e].strip("·")
            rejected = memo.get(term)
            if rejected is None:
                rejected = bool(len(term) < 2 or len(term) > 20 or _DIGIT.search(term) and not _LATIN.search(term)
                                or not _WORD_START.match(term) or KO_TIME.search(term) or gaz.title_at_end(term))
                if len(memo) >= 200_000:
                    memo.clear()
                memo[term] = rejected
            if rejected:
                surfaces.append(None)
                continue
            terms.append(term)
            surfaces.append((s, e, term))
        for a, b in zip(surfaces, surfaces[1:]):  # 대중 수출통제: two noun runs one space apart
            if a and b and text[a[1]:b[0]] == " ":
                terms.append(f"{a[2]} {b[2]}")
        doc.cache["ko_terms"] = tuple(terms)
    return doc.cache["ko_terms"]


def _ko_noun_runs(text: str, toks) -> list[tuple[int, int]]:
    """(start, end) of each run of nouns written together (핵심+광물), from kiwipiepy tokens."""
    runs: list[tuple[int, int]] = []
    # each token's tag, start and end read once (a kiwipiepy Token makes a new object per read)
    tags = [t.tag for t in toks]
    starts = [t.start for t in toks]
    ends = [t.start + t.len for t in toks]
    n = len(tags)
    first = last = -1  # the current run: its first and last token (-1: no run)
    for i in range(n):
        tag, start = tags[i], starts[i]
        glued = i + 1 < n and starts[i + 1] == ends[i]
        nxt = tags[i + 1] if glued else None
        noun = (tag in NOUN_TAGS and nxt not in ("XSV", "XSA")) \
            or (nxt is not None and tag in ("MM", "XPN") and nxt in NOUN_TAGS) \
            or (tag == "SN" and last >= 0 and tags[last] == "SL" and ends[last] == start)
        # (a prefix glued to a noun: 고+대역폭메모리; digits inside a Latin name: HBM3E)
        if noun:
            if last >= 0:
                gap = text[ends[last]:start]
                if gap and not (gap in "·ㆍ" and ends[last] - starts[last] <= 2 and first == last):
                    runs.append((starts[first], ends[last]))
                    first = -1
            if first < 0:
                first = i
            last = i
        elif last >= 0:
            runs.append((starts[first], ends[last]))
            first = last = -1
    if last >= 0:
        runs.append((starts[first], ends[last]))
    return runs


def _en_ngrams(doc: Doc, stop: frozenset[str]) -> list[str]:
    """The body's 1-3 word sequences that neither start nor end with a stop word and hold no
    digit, each once, in the order first found (``_en_candidates`` adds them to a set in this
    order, so the set is the same as when they are added one by one as found). Cached per
    document and stop list: ``candidate_terms`` and the keyword extractor both ask."""
    cached = doc.cache.get("en_ngrams")
    if cached is not None and cached[0] is stop:
        return cached[1]
    seen: dict[str, None] = {}
    for sent in _SENTENCE_BREAKS.split(doc.body):
        words = _EN_WORD.findall(sent)
        stopped = [w.lower() in stop for w in words]
        digits = [_DIGIT.search(w) is not None for w in words]
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                # neither end a stop word (a middle one may be: "Bank of Korea"), no digits
                if stopped[i] or stopped[i + n - 1] or any(digits[i:i + n]):
                    continue
                seen[" ".join(words[i:i + n])] = None
    out = list(seen)
    doc.cache["en_ngrams"] = (stop, out)
    return out


def _en_candidates(doc: Doc, entities: list[Row], stop: frozenset[str]) -> set[str]:
    cands: set[str] = set(_en_ngrams(doc, stop))
    for e in entities:
        if e["type"] in ("ORG", "LOCATION", "COUNTRY"):
            cands.add(e["text"])
    return cands


_CJK_RUN = {"ja": re.compile(r"[一-龥ァ-ヶーA-Za-z0-9・]+"), "zh": re.compile(r"[一-龥A-Za-z0-9]+")}
_ZH_BREAK = re.compile(f"[{ZH_BREAK}]")
_CJK_PART = re.compile(r"[一-龥]+|[ァ-ヶー・]+|[A-Za-z][A-Za-z0-9]*")


def _cjk_terms(doc: Doc, lang: str) -> list[str]:
    """The body's kanji/katakana/Latin runs and their script-homogeneous parts (2-12 characters,
    no digit), each once, in the order first found; cached per document and language."""
    key = "cjk_terms:" + lang
    if key not in doc.cache:
        seen: dict[str, None] = {}
        for m in _CJK_RUN["ja" if lang == "ja" else "zh"].finditer(doc.body):
            run = m.group()
            pieces = [run]
            if lang == "zh":
                pieces = [p for p in _ZH_BREAK.split(run) if p]
            for p in pieces:
                parts = _CJK_PART.findall(p)
                for q in ([p] if len(parts) > 1 else []) + parts:
                    if 2 <= len(q) <= 12 and not _DIGIT.search(q):
                        seen[q] = None
        doc.cache[key] = list(seen)
    return doc.cache[key]


def _cjk_candidates(doc: Doc, entities: list[Row], lang: str) -> set[str]:
    cands: set[str] = set(_cjk_terms(doc, lang))
    for e in entities:
        if e["type"] in ("ORG", "LOCATION", "COUNTRY"):
            cands.add(e["text"])
    return cands


def extract_keywords(doc: Doc, entities: list[Row], top: int = 10) -> list[Row]:
    lang = doc.lang
    stop = stopwords(lang)
    people = {e["text"] for e in entities if e["type"] == "PERSON"} | {a for e in entities if e["type"] == "PERSON"
                                                                       for a in e.get("aliases", [])}
    if lang == "ko":
        cands = _ko_candidates(doc, entities)
    elif lang in ("ja", "zh"):
        cands = _cjk_candidates(doc, entities, lang)
    else:
        cands = _en_candidates(doc, entities, stop)
    named = {e["text"] for e in entities if e["type"] in ("ORG", "LOCATION")}
    body = doc.body
    fold = lang in ("en", "vi")
    hay = body.lower() if fold else body
    title = (doc.title.lower() if fold else doc.title) or ""
    lead = hay[: max(200, hay.find("\n"))]
    grams = _ngram_counts(hay) if fold else Counter()
    scores: dict[str, float] = {}
    seen_keys: dict[str, str] = {}
    names = [p for p in people if p]
    name_starts = {p[0] for p in names}  # a term holding a name holds its first character
    for term in cands:
        key = term.lower() if fold else term
        if len(key) < 2 or key in stop or term in people \
                or not name_starts.isdisjoint(term) and any(p in term for p in names):
            continue
        words = key.split()
        if (len(words) != 1 or words[0] != key) and any(w in stop for w in words):
            continue  # 이상 고용률, 지원 방안: a phrase with a news-generic word is not a topic
        tf = grams[key] if fold else hay.count(key)
        if tf == 0:
            continue
        n_words = len(words)
        if fold and n_words > 1 and tf < 2:
            continue  # an English phrase must recur to be a topic
        if lang == "ko" and " " in key and tf < 2 and key not in title:
            continue
        df = doc.df.get(key, 0)
        # idf, shrunk towards 1 while the history is small (20 documents say little about a term)
        idf = 1.0
        if doc.n_docs:
            trust = doc.n_docs / (doc.n_docs + DF_PRIOR_DOCS)
            idf = 1.0 + trust * math.log((doc.n_docs + 1) / (df + 1))
        if lang == "ko":
            parts = term.split(" ")
            spec = max(map(ko_specificity, parts)) * (1.1 if len(parts) > 1 else 1.0)
            if _ACRONYM.fullmatch(term):
                spec = LATIN_SPEC  # the LM knows little of acronyms; in Korean text they are topical
            if term in named:
                spec = max(spec, 1.0)
            idf *= spec
        weight = 1.0 + TITLE_W * (key in title) + 0.3 * (key in lead)
        length = 1.0 + 0.15 * min(len(key) - 2, 6) if not fold else 1.0 + 0.3 * (n_words - 1)
        if fold and key == term.lower() and term[:1].isupper() and n_words == 1:
            length *= 0.8  # a lone capitalised word is often a name part, not a topic
        scores[term] = tf ** TF_EXP * idf * weight * length
        k = _KEY_GAPS.sub("", key)
        if k in seen_keys and scores[seen_keys[k]] >= scores[term]:
            del scores[term]
        else:
            if k in seen_keys:
                scores.pop(seen_keys[k], None)
            seen_keys[k] = term
    # one entry per entity: 금융위 and 금융위원회 are the same keyword
    owner = {}
    for e in entities:
        for form in [e["text"], *e.get("aliases", [])]:
            owner.setdefault(form, e["text"])
    best: dict[str, tuple[str, float]] = {}
    for term, score in scores.items():
        o = owner.get(term, term)
        if o not in best or score > best[o][1]:
            best[o] = (o if o in scores or o == term else term, score)
    pool = {t: sc for t, sc in best.values()}
    ranked = {t: (sc, t) for t, sc in pool.items()}  # what the choice compares: (weight, term)
    out: list[Row] = []
    while ranked and len(out) < top:
        term = max(ranked.values())[1]
        del ranked[term]
        score = pool[term]
        out.append({"text": term, "score": round(score, 4), "rank": len(out) + 1})
        # a term nested in one already chosen (산업장관회의 in 한·미·일 산업장관회의) weighs less
        ranked.update({t: (pool[t] * NEST_W, t) for t in ranked if t in term or term in t})
    return out


def _ngram_counts(hay: str) -> Counter:
    """Counts of every 1-3 word sequence (lowercased), within sentence pieces."""
    grams: list[str] = []
    for sent in _SENTENCE_BREAKS.split(hay):
        words = _EN_WORD.findall(sent)
        grams += words
        if len(words) > 1:
            grams += map(" ".join, zip(words, words[1:]))
            grams += map(" ".join, zip(words, words[1:], words[2:]))
    return Counter(grams)


def candidate_terms(doc: Doc, entities: list[Row]) -> set[str]:
    """The terms whose document frequency the lake keeps (``term_df``)."""
    lang = doc.lang
    if lang == "ko":
        terms = _ko_candidates(doc, entities)
    elif lang in ("ja", "zh"):
        terms = _cjk_candidates(doc, entities, lang)
    else:
        terms = {t.lower() for t in _en_candidates(doc, entities, stopwords(lang))}
    return terms


class KeywordExtractor:
    name = "keywords"
    version = "1"
    tables = (Table("keywords", "The 10 most characteristic terms of each article, best first (`idx` is the rank, "
                    "0 = best).", (
        Column("term", "string", "The term as written in the article.", False),
        Column("score", "float64", "tf x idf x position score."))),)

    def table_rows(self, rows: list[dict]) -> dict[str, list[dict]]:
        return {"keywords": [{"idx": i, "term": k["text"], "score": k.get("score")} for i, k in enumerate(rows)]}

    def run(self, doc: Doc, found: dict[str, list[Row]]) -> list[Row]:
        return extract_keywords(doc, found.get("entities", []))

