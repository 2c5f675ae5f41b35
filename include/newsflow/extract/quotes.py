"""Direct quotes and who said them.

A quote is the text between a pair of double quotation marks (" ", “ ”, 「 」, 『 』);
single quotes mark names and titles in Korean news and are not quotes. Quoted terms
("excessive herd behavior") count; one- or two-word labels without a speech verb
around them do not.

The speaker comes from the entities found before (their mentions' offsets), by the
grammar of attribution:

* Korean/Japanese/Chinese/Vietnamese put the speaker before the quote as the subject
  (안덕근 장관은 "…"라고 말했다, パク氏は「…」と述べた): the last PERSON/ORG mention in the
  sentence before the quote, preferring the one marked as subject (은/는/이/가, は/が).
  A pronoun subject (그는, 이들은, 同氏は) or no subject at all continues the previous
  speaker, as does the second quote of `"A"라며 "B"고 말했다`.
* English puts it on either side: `"…," said X`, `"…," X said`, `X said: "…"`; a
  paragraph that goes on quoting without a new attribution keeps the last speaker.
* A spokesperson (산업부 관계자, a ministry official) is attributed to the organisation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from newsflow.extract.base import END, START, Column, Doc, Row, Table

PAIRS = {"“": "”", "「": "」", "『": "』", "\"": "\""}
SPEECH_KO = re.compile(r"^(?:이?라며|이?라고|고|며|면서|이?라는|이?란|이?라)\b|^(?:이?라며|이?라고|고\s|며\s|면서)")
SPEECH_JA = re.compile(r"^(?:と|との)")
SPEECH_EN = re.compile(r"^\s*,?\s*(?:he|she|they|it|[\w'’.-]+(?:\s+[\w'’.-]+){0,5})?\s*(?:said|says|added|told|noted|wrote|"
                       r"warned|stressed)\b", re.I)
# "…," an official at the Ministry of X said: a spokesperson speaks for the organisation
SPOKES_EN = re.compile(r"(?:an?|the|one)\s+(?:\w+\s+){0,2}?(?:officials?|spokes(?:person|man|woman)|representatives?)\s+"
                       r"(?:at|of|from|with|for)\s+(?:the\s+)?", re.I)
PRONOUN = {
    "ko": re.compile(r"(?:^|\s)(?:그|그녀|이들|그들|그는|그녀는|이 관계자|이 관계자들|이 당국자)(?:은|는|이|가|도)?\s"),
    "ja": re.compile(r"(?:同氏|彼|彼女|同社|同省)(?:は|が|も)"),
    "zh": re.compile(r"(?:他|她|他们|该负责人)(?:表示|说|称|指出)?"),
    "vi": re.compile(r"(?:^|\s)(?:ông|bà|anh|chị|họ)\s", re.I),
    "en": re.compile(r"\b(?:he|she|they)\b", re.I),
}
# Sources the text does not name: their quotes have no speaker (and are not attributed to
# whoever was named before them).
ANONYMOUS = {
    "ko": re.compile(r"(?:^|\s)(?:한|익명의|익명을 요구한|다른|또 다른|복수의|일부)\s+(?:\S+\s+){0,3}?"
                     r"(?:관계자|관계자들|전문가|전문가들|직원|임원|당국자|소식통|애널리스트|연구원|대표|사장|교수|주민|상인|"
                     r"투자자|업체 대표)(?:은|는|이|가|도)\s"),
    "en": re.compile(r"\b(?:an?|one|another)\s+(?:\w+\s+){0,3}?(?:official|source|executive|analyst|insider|"
                     r"expert|trader|banker|person)\b(?!\s+(?:at|of|from|with|for)\s+(?:the\s+)?[A-Z])", re.I),
    "ja": re.compile(r"(?:ある|別の)\S{0,10}?(?:関係者|幹部|担当者|アナリスト)は"),
    "vi": re.compile(r"(?:một|một số)\s+(?:\S+\s+){0,3}?(?:quan chức|chuyên gia|lãnh đạo|nguồn tin)", re.I),
    "zh": re.compile(r"(?:一位|一名|某)\S{0,8}?(?:人士|官员|负责人|分析师)"),
}
# The organisation named before: 회사 측은 "…", 同社は「…」, the company said
ORG_ANAPHOR = {
    "ko": re.compile(r"(?:^|\s)(?:회사\s?측|이 회사|그 회사|같은 회사|해당 회사|해당 업체|이 은행|해당 은행|이 기관|회사)"
                     r"(?:은|는|이|가|도|측은|측이)\s"),
    "ja": re.compile(r"(?:同社|同行|同省)(?:は|が|も)"),
    "zh": re.compile(r"(?:该公司|该行|该部)"),
}
PRONOUN_AFTER = re.compile(r"^[”\"」]?\s*[,，、]?\s*(?:(?:ông|bà|anh|chị|họ)\s+(?:nói|cho biết|khẳng định|nhấn mạnh)|"
                           r"(?:he|she|they)\s+(?:said|added)|と(?:彼|彼女|同氏)は|(?:他|她)(?:说|表示))", re.I)
SUBJECT = {"ko": re.compile(r"^\S*?(?:은|는|이|가|께서|측은|측이)(?=[\s,])"),
           "ja": re.compile(r"^[^、。「]{0,20}?(?:は|が)"),
           "zh": re.compile(r"^[^，。“]{0,20}?(?:表示|说|称|指出|强调)"),
           "vi": re.compile(r"^[^,.“\"]{0,40}?(?:cho biết|nói|khẳng định|nhấn mạnh)")}


# a subject or topic the sentence names before its quote (하트 장관은, 한 외환딜러는, 同社は): then
# the quote is that subject's, named or not, and never the previous speaker's. Adverbials that
# carry 는 (이에 대해서는, 시장에서는) name no speaker.
_TOPIC_SUBJECT = {
    "ko": re.compile(r"(?:^|\s)(?!\S*(?:에서는|에는|서는|로는|으로는|에게는|까지는|부터는|때는|데는|것은|점은)\s)"
                     r"\S+(?:은|는|께서)\s"),
    "ja": re.compile(r"\S+(?:は|が)(?!\S*[」』])"),
}
_QUOTED = re.compile(r"[\"“「『][^\"”」』\n]*[\"”」』]")
_ALSO_SAID = re.compile(r"(?:이?라고도|고도)\s")


def _after_quotes(text: str, qe: int) -> str:
    """What follows the closing mark of a quote and of any quote chained to it ("A"며 "B"고도)."""
    rest = text[qe + 1:qe + 400]
    while (m := re.match(r"(?:이?라며|며|면서)\s*[\"“][^\"”\n]*[\"”]", rest)):
        rest = rest[m.end():]
    return rest


_OPENING = re.compile("[" + re.escape("".join(PAIRS)) + "]")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quote's inner text; pairs never cross a paragraph break."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        p, base = para.group(), para.start()
        m = _OPENING.search(p)
        while m:
            i = m.start()
            j = p.find(PAIRS[m.group()], i + 1)
            if j > i + 1:
                spans.append((base + i + 1, base + j))
                m = _OPENING.search(p, j + 1)
            else:
                m = _OPENING.search(p, i + 1)
    return spans


def _is_speech(text: str, s: int, e: int, lang: str) -> bool:
    inner = text[s:e].strip()
    after = text[e + 1:e + 30]
    before = text[max(0, s - 40):s - 1]
    if lang == "ko" and SPEECH_KO.match(after):
        return True
    if lang == "ja" and SPEECH_JA.match(after):
        return len(inner) > 4
    if lang == "en" and (SPEECH_EN.match(after) or re.search(r"(?:said|says|added|told \w+)[:,]?\s*$", before)):
        return True
    words = len(inner.split()) if lang in ("en", "vi", "ko") else len(inner) // 4
    if words >= 3 or re.search(r"[.!?。！？다]$", inner):
        return True
    if lang == "en" and words >= 2 and re.search(r"\b(?:against|of|called|dubbed|as)\s*$", before):
        return True  # partial quotes: warn against "excessive herd behavior"
    return False


class _Mentions:
    def __init__(self, entities: list[Row]):
        ms = []
        for e in entities:
            if e["type"] not in ("PERSON", "ORG"):
                continue
            for s, t in e.get("mentions") or [[e["start"], e["end"]]]:
                ms.append((s, t, e["canonical"], e["type"]))
        ms.sort()
        self.ms = ms
        self.starts = [m[0] for m in ms]

    def between(self, a: int, b: int) -> list[tuple[int, int, str, str]]:
        i = bisect_right(self.starts, a - 1)
        out = []
        while i < len(self.ms) and self.ms[i][0] < b:
            if self.ms[i][1] <= b:
                out.append(self.ms[i])
            i += 1
        return out


def _pick_before(text: str, cands: list, lang: str, quote_start: int):
    """The subject among mentions before a quote: marked subject > last person > last org."""
    if not cands:
        return None
    subj = SUBJECT.get(lang)
    marked = []
    for c in cands:
        tail = text[c[1]:quote_start]
        if subj and subj.match(tail) or (lang == "ko" and re.match(r"^(?:\s\S+){0,6}?(?:은|는|이|가)(?=\s)", tail)):
            marked.append(c)
    # the subject's own role may name an organisation (박성호 산업부 과장은): the person wins
    for pool in ([c for c in marked if c[3] == "PERSON"], marked, [c for c in cands if c[3] == "PERSON"], cands):
        if pool:
            return pool[-1]
    return None


def extract_quotes(doc: Doc, entities: list[Row]) -> list[Row]:
    text, lang = doc.body, doc.lang
    mentions = _Mentions(entities)
    sentences = doc.sentences()
    sent_starts = [s for s, _ in sentences]
    rows: list[Row] = []
    last_speaker: tuple[str, str] | None = None
    last_para = -1
    last_end = 0
    last_anonymous = False  # the quote before was an unnamed source's
    prev_para_speaker: tuple[str, str] | None = None  # who spoke last in the paragraph before
    for qs, qe in find_quotes(text):
        if not _is_speech(text, qs, qe, lang):
            continue
        para_start = text.rfind("\n", 0, qs) + 1
        if para_start != last_para:
            adjacent = last_para >= 0 and "\n" not in text[last_end:para_start - 1]
            prev_para_speaker = para_speaker if last_para >= 0 and adjacent else None
            last_para, last_end = para_start, para_start
            para_speaker = None
        si = max(0, bisect_right(sent_starts, qs - 1) - 1)
        s_start, s_end = sentences[si] if sentences else (0, len(text))
        s_start = max(s_start, para_start)
        win_start = max(s_start, last_end)
        speaker = None
        how = ""
        window = text[win_start:qs - 1]
        if lang == "en":
            after = text[qe + 1:min(s_end, qe + 120) if s_end > qe else qe + 120]
            m = SPEECH_EN.match(after)
            sp = SPOKES_EN.match(after.lstrip(" ,"))
            if sp:
                off = qe + 1 + (len(after) - len(after.lstrip(" ,"))) + sp.end()
                org = [c for c in mentions.between(off, off + 80) if c[3] == "ORG" and c[0] <= off + 2]
                if org:
                    speaker, how = org[0], "spokesperson"
            if speaker is None and m:
                cands = mentions.between(qe + 1, qe + 1 + m.end() + 60)
                person = [c for c in cands if c[0] <= qe + 1 + m.end() + 2]
                person = [c for c in person if c[3] == "PERSON"] or person  # "Acme CEO Kim said": Kim
                if person:
                    speaker, how = person[0], "after"
                elif re.match(r"\s*,?\s*(?:he|she|they)\b", after, re.I):
                    speaker, how = ("pronoun", None, *(last_speaker or (None, None))), "pronoun"
            else:
                # "…," Kwon Min-seo, Kakao's chief financial officer, said ...
                near = [c for c in mentions.between(qe + 1, qe + 150) if c[0] <= qe + 4 and c[3] == "PERSON"
                        and "\n" not in text[qe:c[0]]]
                if near and re.match(r"(?:,[^\".“”]{0,90},)?\s+(?:said|says|added|told)\b", text[near[0][1]:near[0][1] + 110]):
                    speaker, how = near[0], "after"
            if speaker is None:
                cands = mentions.between(win_start, qs)
                people = [c for c in cands if c[3] == "PERSON"]
                if cands and re.search(r"(?:said|says|added|told \w+)[:,]?\s*$", text[cands[-1][1]:qs - 1]):
                    # "X, chief economist at ORG, said:" -- the person, not the ORG of the appositive
                    speaker, how = (people[-1] if people else cands[-1]), "before"
                elif people and re.search(r"\b(?:said|says|added|noted|describ\w+|call\w*|warn\w*)\b",
                                          text[people[-1][1]:qs - 1]):
                    speaker, how = people[-1], "before"  # Kwon said ..., describing it as "…"
        else:
            cands = mentions.between(win_start, qs)
            pron = PRONOUN.get(lang)
            pm = pron.search(window) if pron else None
            anon = ANONYMOUS.get(lang)
            am = anon.search(window) if anon else None
            om = ORG_ANAPHOR.get(lang)
            om = om.search(window) if om else None
            after_last = (lambda m: m and (not cands or cands[-1][1] <= win_start + m.start()))
            if after_last(am):
                how = "anonymous"  # 한 업계 관계자는 "…": nobody we can name
            elif after_last(om):
                orgs = [c for c in mentions.between(0, qs) if c[3] == "ORG"]
                if orgs:
                    # 회사 측은 "…": the company the story is about (the organisation named most
                    # often so far), the last named of those when several are named as often
                    count = Counter(c[2] for c in orgs)
                    top = max(count.values())
                    speaker, how = [c for c in orgs if count[c[2]] == top][-1], "company"
            elif after_last(pm):
                speaker, how = ("pronoun", None, *(last_speaker or (None, None))), "pronoun"
            elif cands:
                speaker, how = _pick_before(text, cands, lang, qs - 1), "before"
            if speaker is None and how != "anonymous":
                after_cands = mentions.between(qe + 1, s_end)
                if after_cands:  # "…"라고 김철수 대표는 말했다
                    people = [c for c in after_cands if c[3] == "PERSON"]
                    speaker, how = (people[0] if people else after_cands[0]), "after"
        if speaker is None and para_speaker and how != "anonymous":
            speaker, how = ("cont", None, *para_speaker), "continued"
        if (speaker is None and how != "anonymous" and lang in ("ko", "ja") and last_speaker and not last_anonymous
                and not any(c[3] == "PERSON" for c in mentions.between(win_start, qs))
                and not _TOPIC_SUBJECT[lang].search(window)
                and not _TOPIC_SUBJECT[lang].search(
                    " " + _QUOTED.sub(" ", text[qe + 1:max(qe + 1, s_end)]))
                and (prev_para_speaker == last_speaker or _ALSO_SAID.match(_after_quotes(text, qe)))):
            # no subject at all, right after the speaker's own paragraph ("…"며 "…"고 말했다), or
            # "…"고도 했다 (also said): the speaker goes on talking
            speaker, how = ("cont", None, *last_speaker), "continued"
        if speaker is None and how != "anonymous" and PRONOUN_AFTER.match(text[qe + 1:qe + 40]) and last_speaker:
            speaker, how = ("pronoun", None, *last_speaker), "pronoun"  # "…", ông nói / 」と彼は述べた
        if speaker is None and lang == "en":
            # first quote of a paragraph, attribution later: "…" X said in the next sentence
            nxt = [c for c in mentions.between(qe + 1, min(len(text), qe + 200)) if c[3] == "PERSON"]
            if nxt and re.match(r"\W*(?:said|says|added)\b", text[nxt[0][1]:nxt[0][1] + 12]):
                speaker, how = nxt[0], "next"
        canonical, typ = (speaker[2], speaker[3]) if speaker else (None, None)
        rows.append({"text": text[qs:qe], "speaker": canonical, "speaker_type": typ, "start": qs, "end": qe,
                     "attribution": how or None})
        if canonical:
            last_speaker = para_speaker = (canonical, typ)
        last_anonymous = how == "anonymous"
        last_end = qe + 1
    return rows


class QuoteExtractor:
    name = "quotes"
    version = "1"
    tables = (Table("quotes", "One row per direct quote, with its speaker.", (
        Column("speaker", "string", "Canonical name of the speaking person or organisation; null for unnamed sources."),
        Column("speaker_type", "string", "PERSON or ORG."),
        Column("text", "string", "The quoted words (between the marks).", False),
        START, END,
        Column("attribution", "string", "How the speaker was found (before, after, pronoun, continued...)."))),)

    def run(self, doc: Doc, found: dict[str, list[Row]]) -> list[Row]:
        return extract_quotes(doc, found.get("entities", []))
