"""Named entities: people (with the role the text gives), organisations, countries, places.

No statistical NER model is shipped: the ones that exist for Korean are large downloads
or need a GPU, and none resolves 산업부 -> 산업통상자원부 or gives a person's role. So:

1. Gazetteer matches (``include/gazetteers/<lang>*.tsv``, user-extensible), longest first,
   with the language's word boundaries (a Korean match must end at a particle or the word's
   end, so 한국 is not found inside 한국투자증권).
2. Compounds of one-letter country names (한·미·일, 미중) and the standing meetings named
   after them (한·미·일 산업장관회의).
3. People from the grammar of news bylines and attributions: NAME [ORG...] TITLE
   (안덕근 산업부 장관, 지나 러몬도 미국 상무부 장관) and ORG NAME TITLE
   (한국투자증권 이수진 연구원); English "NAME, a TITLE at ORG"; Japanese "ORGの NAME TITLE";
   Vietnamese/Chinese "TITLE NAME". Korean names are checked against the surname list
   and kiwipiepy's analysis (a common noun such as 정부 is not a name).
4. Organisations the gazetteer does not know, from structure: the ORG slot of a person's
   role, company suffixes on a proper noun (…증권, …은행, … Securities), descriptors
   (시장조사업체 X), and "X에 따르면".
5. Minimal references are resolved to the full entity: 최 실장 -> 최민석, Lee -> Lee Sang-woo,
   러몬도 장관 -> 지나 러몬도.

Each entity carries every mention's offsets, which the quote extractor uses to find speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from newsflow.extract.base import END, START, Column, Doc, Row, Table
from newsflow.extract.gazetteer import Gazetteer, load

HANGUL = r"가-힣"
_IS_HANGUL = re.compile(rf"[{HANGUL}]")

# Korean particles and endings that may follow a name inside one written word.
KO_PARTICLES = sorted("""은 는 이 가 을 를 의 에 와 과 도 만 로 으로 에서 에게 께 께서 까지 부터 보다 처럼 측 측은 측이
과의 와의 에는 에서는 에서도 으로부터 로부터 산 발 내 간 등 등은 등이 등을 등의 이나 나 이며 이자 이라며 라며 이라고 라고
이었다 였다 이다 다 과는 와는 과도 와도 만의 마저 조차 에도 에선 에게도 은요 처럼 보다는 같은 중 쪽 의회 당국 정부""".split(),
                      key=len, reverse=True)
_TRAIL_PUNCT = ",.;:!?)]}\"'”’」』…·"
SURNAMES = set("""김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 홍 전 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구
민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예
경 봉 사 부 황보 남궁 제갈 선우 독고 사공 서문""".split())
# Words that end like a department: they belong to a role, they are not organisations.
KO_DEPT = re.compile(r"(?:사업부|사업본부|본부|부문|연구소|연구실|센터|사업장|총괄|실|국|과|팀|담당|지점|지사|부서)$")
# Company/institution suffixes that make a proper noun an organisation.
KO_ORG_SUFFIX = re.compile(
    r"(?:증권|은행|생명|화재|손해보험|보험|카드|캐피탈|자산운용|투자운용|금융지주|지주|전자|전기|화학|케미칼|건설|중공업|조선|해운|"
    r"항공|자동차|모터스|제약|바이오|바이오로직스|통신|텔레콤|에너지|솔루션|그룹|홀딩스|공사|공단|협회|연합회|재단|연구원|연구소|"
    r"기금|위원회|거래소|대학교|상공회의소|상의|중앙회|협의회|협의체|진흥원|조합|신문|일보|방송|리서치|컨설팅|파트너스|인베스트먼트|테크|반도체|디스플레이|"
    r"철강|제철|물산|상사|유통|백화점|마트|푸드|식품|게임즈|엔터테인먼트|랩스|부|청|처|성)$")
KO_DESCRIPTORS = ("시장조사업체", "조사업체", "업체", "기업", "회사", "증권사", "자산운용사", "운용사", "신용평가사", "평가사",
                  "투자은행", "컨설팅업체", "연구기관", "싱크탱크", "외신", "통신사", "은행", "완성차업체", "제조사")
# One-letter country names that make compounds (한·미·일, 미중).
_MIDDOT = "·ㆍ・"
KO_COMPOUND_WORDS = ("한미일", "한미", "한일", "한중", "미중", "미일", "중일", "한러", "미러", "한중일", "북미")


@dataclass
class Mention:
    start: int
    end: int
    type: str
    canonical: str
    surface: str
    role: str | None = None
    minimal: bool = False  # a partial reference (최 실장, Lee) resolved later
    key: str = ""  # surname/title key of a minimal reference
    compound: bool = False


@dataclass
class Entity:
    type: str
    canonical: str
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None


# --- Korean ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


@lru_cache(maxsize=65536)
def _analysis(word: str) -> tuple:
    """kiwipiepy's best analysis of ``word`` alone: (tokens, score). Cached: names, titles and
    terms recur from article to article, and every caller only reads the result."""
    return _kiwi().analyze(word, top_n=1)[0]


def _analyze(word: str):
    """The tokens of ``word``'s best analysis."""
    return _analysis(word)[0]


@lru_cache(maxsize=65536)
def ko_is_name(word: str) -> bool:
    """A Korean personal name: surname + 1-3 syllables, not a common word."""
    if not re.fullmatch(rf"[{HANGUL}]{{2,4}}", word):
        return False
    if not (word[0] in SURNAMES or word[:2] in SURNAMES):
        return False
    if len(word) == 4 and word[:2] not in SURNAMES:
        return False  # four syllables: only with a two-syllable surname (남궁, 제갈...); 국제금융 is not a name
    toks = _analyze(word)
    if len(toks) == 1:
        t = toks[0]
        if t.tag == "NNP":
            return True
        if t.tag.startswith("NN"):
            return t.score < (-14.0 if len(word) == 2 else -12.0)
        return False
    # split into pieces: a name the dictionary does not know (최민석 -> 최/민/석), unless it is
    # a noun + particle (정유 + 나 is still a name: three syllables are the common case)
    return len(word) == 3 or not any(t.tag.startswith("J") or t.tag.startswith("E") for t in toks)


@lru_cache(maxsize=65536)
def ko_is_proper(word: str) -> bool:
    """The word holds a proper noun or a Latin name (kiwipiepy NNP / SL), or is a single noun
    the dictionary does not know (a very low language-model score: a new brand or firm)."""
    toks = _analyze(word)
    if any(t.tag in ("NNP", "SL") for t in toks):
        return True
    return len(toks) == 1 and toks[0].tag.startswith("NN") and toks[0].score < -20.0


# KO_PARTICLES by length, longest first: (length, the particles of that length).
_PARTICLES_BY_LEN = [(n, frozenset(p for p in KO_PARTICLES if len(p) == n))
                     for n in sorted({len(p) for p in KO_PARTICLES}, reverse=True)]


@lru_cache(maxsize=65536)
def strip_particle(word: str) -> str:
    """``word`` without trailing punctuation and without the longest particle it ends with
    (at least two characters stay: 이가 keeps its 가)."""
    w = word.rstrip(_TRAIL_PUNCT)
    n = len(w)
    for size, particles in _PARTICLES_BY_LEN:
        if n > size + 1 and w[n - size:] in particles:
            return w[:-size]
    return w


# Nouns that attach to a place or country name in one written word: 뉴욕증시, 미국산, 중국발.
KO_PLACE_SUFFIX = re.compile(r"(?:증시|시장|산|발|행|정부|당국|법인|공장|지역|현지|측|내|외|권|주|도청|시청|군청|시|군|"
                             r"사업장|조선소|캠퍼스|산단|산업단지|공단|항|공항|점|지사|본사)")


def _ko_boundary_ok(text: str, s: int, e: int, place: bool = False) -> bool:
    if s > 0 and _IS_HANGUL.match(text[s - 1]) and text[s - 1] not in "대對":
        return False
    if e < len(text) and _IS_HANGUL.match(text[e]):
        m = re.match(rf"[{HANGUL}]+", text[e:])
        rest = m.group() if m else ""
        if rest in KO_PARTICLES:
            return True
        suffix = KO_PLACE_SUFFIX.match(rest) if place else None
        return bool(suffix and (rest[suffix.end():] == "" or rest[suffix.end():] in KO_PARTICLES))
    return True


def _gazetteer_mentions(text: str, gaz: Gazetteer, lang: str) -> list[Mention]:
    out = []
    for m in gaz.pattern.finditer(text):
        s, e, surface = m.start(), m.end(), m.group()
        if lang == "ko" and not _ko_boundary_ok(text, s, e, gaz.surfaces[surface].type in ("LOCATION", "COUNTRY")):
            continue
        if lang in ("en", "vi"):
            if (s > 0 and (text[s - 1].isalnum())) or (e < len(text) and text[e].isalnum()):
                continue
        if lang in ("ja", "zh") and e < len(text):
            if re.match(r"[ァ-ヶー]", surface[-1]) and re.match(r"[ァ-ヶー]", text[e]):
                continue  # インド inside インドネシア
        entry = gaz.surfaces[surface]
        out.append(Mention(s, e, entry.type, entry.canonical, surface, minimal=entry.strict))
    return out


def _ko_compounds(text: str, gaz: Gazetteer) -> list[Mention]:
    """한·미·일 -> 한국, 미국, 일본; and the meeting named after the compound."""
    letters = "".join(re.escape(c) for c, e in gaz.single.items() if e.type == "COUNTRY")
    if not letters:
        return []
    dotted = rf"[{letters}](?:[{_MIDDOT}][{letters}])+"
    plain = "|".join(sorted(KO_COMPOUND_WORDS, key=len, reverse=True))
    out = []
    for m in re.finditer(rf"(?<![{HANGUL}])(?:{dotted}|{plain})", text):
        s, e, surface = m.start(), m.end(), m.group()
        if surface == "북미":  # North America, not North Korea + US
            continue
        letters_in = [c for c in surface if c not in _MIDDOT]
        for c in letters_in:
            entry = gaz.single.get(c)
            if entry:
                out.append(Mention(s, e, "COUNTRY", entry.canonical, surface, compound=True))
        meet = re.match(rf"\s*(?:첫\s*|제\s*\d+\s*차\s*)?([{HANGUL}]*(?:정상회의|장관회의|각료회의|회의체|협의체|협의회))",
                        text[e:])
        if meet:
            name = meet.group(1)
            out.append(Mention(s, e + meet.end(), "ORG", f"{surface} {name}", text[s:e + meet.end()]))
    return out


_WORD = re.compile(r"\S+")


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each run of non-space characters (``\\S+``): ``str.split`` splits at
    the same spaces, and each word is found where the previous one ended (only spaces lie between)."""
    out = []
    pos = 0
    find = text.find
    for w in text.split():
        s = find(w, pos)
        pos = s + len(w)
        out.append((s, pos, w))
    return out


_MEMO_MAX = 200_000


def _word_title(gaz: Gazetteer, word: str) -> tuple[str, str, str | None]:
    """(the word without particle, that without a parenthesis, the title it ends with or None);
    remembered per gazetteer, as words recur from article to article."""
    memo = gaz.memo.setdefault("word_title", {})
    hit = memo.get(word)
    if hit is None:
        core = strip_particle(word)
        core_nop = core.partition("(")[0]
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        hit = memo[word] = (core, core_nop, gaz.title_at_end(core_nop))
    return hit


def _ko_people(text: str, gaz: Gazetteer, known: list[Mention]) -> list[Mention]:
    """NAME [ORG ...] TITLE, ORG NAME TITLE, and minimal 'surname TITLE' references."""
    by_start = {m.start: m for m in known}
    words = _words(text)
    out: list[Mention] = []

    def known_at(s: int, e: int) -> Mention | None:
        m = by_start.get(s)
        return m if m and m.end <= e and m.type in ("ORG", "COUNTRY", "LOCATION") else None

    for i, (ws, we, w) in enumerate(words):
        # a title ends the word: 장관, 반도체과장; a parenthesis may follow: 대신(장관)
        core, core_nop, title = _word_title(gaz, w)
        if not title:
            continue
        dept = core_nop[: -len(title)]
        if title in gaz.strict_titles:
            # 시장 is "market" unless a place heads it: 구미시장 (the mayor of 구미)
            place = gaz.surfaces.get(dept) or gaz.surfaces.get(dept + "시")
            if not (place and place.type == "LOCATION"):
                continue
        elif dept and not re.fullmatch(rf"[{HANGUL}A-Za-z]{{2,8}}", dept) \
                and not re.fullmatch(r"제?\d+|수석|선임|책임|공동|대표|초대", dept) \
                and not (dept in gaz.surfaces and gaz.surfaces[dept].type == "ORG"):
            continue  # 반도체과장, 무역투자실장, 통상차관보, 경제부지사: a department or field, then the title
        if core_nop in gaz.surfaces:  # 산업연구원 is an organisation, not a title
            continue
        # walk back over organisation words, then the name
        j = i - 1
        org_words: list[tuple[int, int, str]] = []
        name_span = None

        def sep_before(k: int) -> bool:
            """Word k ends a phrase: punctuation, particle, or sentence start."""
            if k < 0:
                return True
            wk = words[k][2]
            if wk[-1] in _TRAIL_PUNCT:
                return True
            if text[words[k][1]:words[k + 1][0]].count("\n"):
                return True
            return strip_particle(wk) != wk.rstrip(_TRAIL_PUNCT) or gaz.title_at_end(strip_particle(wk)) is not None

        # ORG NAME TITLE: 한국투자증권 이수진 연구원
        if j >= 0 and _bare_name(words[j][2]) and not _orgish(words[j][2], gaz):
            name_span = words[j]
            k = j - 1
            while k >= 0 and len(org_words) < 3:
                wk = words[k][2]
                if wk != wk.rstrip(_TRAIL_PUNCT) or strip_particle(wk) != wk or not _orgish(wk, gaz):
                    break
                if text[words[k][1]:words[k + 1][0]].count("\n"):
                    break
                org_words.insert(0, words[k])
                k -= 1
        else:
            free, strong = 0, False
            while j >= 0 and len(org_words) < 5:
                wj = words[j][2]
                if strong and _proper_only(wj, gaz):
                    break  # 매튜 콜린스 [미국 상무부]: left of a known organisation, an unknown word is the name
                acr = re.fullmatch(r".+\([A-Za-z&]{2,8}\)", wj)
                if (wj != wj.rstrip(_TRAIL_PUNCT) and not acr) or (strip_particle(wj) != wj and not _orgish(wj, gaz)):
                    break
                if ko_is_name(wj) and not _orgish(wj, gaz):
                    break
                if not (_orgish(wj, gaz) or KO_DEPT.search(wj)):
                    # a field word between the organisation and the title: 미국 상무부 [산업안보 담당] 차관
                    if free >= 2 or not re.fullmatch(rf"[{HANGUL}]{{2,6}}", wj) or _VERBAL_END.search(wj):
                        break
                    free += 1
                org_words.insert(0, words[j])
                strong = strong or (_orgish(wj, gaz) and not _proper_only(wj, gaz))
                j -= 1
            # free words left of every organisation word belong to the name, not the role
            while org_words and not (_orgish(org_words[0][2], gaz) or KO_DEPT.search(org_words[0][2])):
                org_words.pop(0)
                j += 1
            if j >= 0:
                wj = words[j][2]
                if _bare_name(wj):
                    name_span = words[j]
                    if (org_words and j >= 1 and sep_before(j - 2) and _foreign_part(words[j - 1][2], gaz)
                            and any(_known_type(o[2], gaz) in ("ORG", "COUNTRY") for o in org_words)):
                        # 파벨 노바크 체코 산업통상부 장관: a given name before a surname-like word
                        name_span = (words[j - 1][0], words[j][1], text[words[j - 1][0]:words[j][1]])
                elif org_words and any(_known_type(o[2], gaz) in ("ORG", "COUNTRY") for o in org_words):
                    # a foreign name: 1-3 bare Hangul words after a phrase boundary
                    k, parts = j, []
                    while k >= 0 and len(parts) < 3:
                        wk = words[k][2]
                        if not re.fullmatch(rf"[{HANGUL}]+", wk) or wk in gaz.surfaces or gaz.title_at_end(wk) \
                                or _VERBAL_END.search(wk):
                            break
                        parts.insert(0, words[k])
                        k -= 1
                        if sep_before(k):
                            break
                    if parts and sep_before(k) and len(parts) <= 3 and all(len(p[2]) >= 1 for p in parts):
                        name_span = (parts[0][0], parts[-1][1], text[parts[0][0]:parts[-1][1]])
        if name_span is None and w.rstrip(_TRAIL_PUNCT) == core and i + 1 < len(words) and org_words \
                and "\n" not in text[we:words[i + 1][0]]:
            # ORG TITLE NAME: 금감원 부원장 김민수는 (the name after the title, a particle on the name)
            nxt = strip_particle(words[i + 1][2])
            if ko_is_name(nxt) and not _orgish(nxt, gaz) and nxt not in gaz.surfaces:
                name_span = (words[i + 1][0], words[i + 1][0] + len(nxt), nxt)
        if name_span is None:
            # minimal reference: 김 부위원장, 최 실장
            if j == i - 1 and j >= 0 and words[j][2] in SURNAMES and not org_words:
                out.append(Mention(words[j][0], we, "PERSON", "", text[words[j][0]:ws] + core_nop[:len(core_nop)],
                                   minimal=True, key=words[j][2] + "|" + title))
            continue
        if org_words:
            os_, oe = org_words[0][0], org_words[-1][1]
            role_org = text[os_:oe]
            inside = [m for m in known if os_ <= m.start and m.end <= oe]
            for m in sorted(inside, key=lambda m: -m.start):
                if m.type == "ORG":
                    role_org = role_org[: m.start - os_] + m.canonical + role_org[m.end - os_:]
            for ws_, we_, ow in org_words:
                covered = any(m.start < we_ and ws_ < m.end for m in inside)
                if covered or KO_DEPT.search(ow) or len(ow) < 3 or not ko_is_proper_or_latin(ow):
                    continue
                if KO_LOCAL_GOV.search(ow) and not KO_ORG_SUFFIX.search(ow):
                    continue
                full = ow + "학교" if re.fullmatch(rf"[{HANGUL}]{{2,4}}대", ow) else ow
                if full != ow:
                    role_org = role_org.replace(ow, full)
                out.append(Mention(ws_, we_, "ORG", full, ow))
            role_org = re.sub(r"\([^()]*\)", "", role_org)  # 한국개발연구원(KDI) -> 한국개발연구원
            role = " ".join(role_org.split() + [dept + title])
        else:
            role = dept + title
        ns, ne, name = name_span
        out.append(Mention(ns, ne, "PERSON", name, name, role=role))
    return out


_VERBAL_END = re.compile(r"(?:한|된|할|해|는|던|고|며|서|운|적|을|를|와|과|에|의)$")


def _foreign_part(word: str, gaz) -> bool:
    """A bare Hangul word that can be the given name of a transliterated foreign name (파벨, 마이클)."""
    return bool(re.fullmatch(rf"[{HANGUL}]{{2,5}}", word)) and word not in gaz.surfaces \
        and not gaz.title_at_end(word) and not _VERBAL_END.search(word) and strip_particle(word) == word


def _bare_name(word: str) -> bool:
    """A name written without a particle (정유나 ends in 나 but is a name, not 정유 + 나)."""
    if not ko_is_name(word):
        return False
    return word == strip_particle(word) or (len(word) == 3 and word[-1] not in "은는이가을를의에도과와")


def ko_is_proper_or_latin(word: str) -> bool:
    return bool(re.search(r"[A-Za-z]", word)) or ko_is_proper(word)


def _known_type(word: str, gaz: Gazetteer) -> str | None:
    e = gaz.surfaces.get(word)
    return e.type if e else None


def _proper_only(word: str, gaz: Gazetteer) -> bool:
    """Orgish only because it is an unknown proper noun (no gazetteer entry, no suffix)."""
    w = re.sub(r"\([A-Za-z&]{2,8}\)$", "", word)
    if w in gaz.surfaces or KO_ORG_SUFFIX.search(w) or KO_DEPT.search(w) or re.search(r"[A-Za-z]", w) \
            or re.fullmatch(rf"[{HANGUL}]{{2,4}}대", w):
        return False
    return _orgish(w, gaz)


KO_LOCAL_GOV = re.compile(r"(?:도청|시청|군청|구청|도|시|군|구)$")


def _orgish(word: str, gaz: Gazetteer) -> bool:
    """A word that can stand in the organisation slot of a role."""
    acr = re.fullmatch(r"(.+)\([A-Za-z&]{2,8}\)", word)
    if acr:
        word = acr.group(1)  # 한국개발연구원(KDI)
    if word in gaz.surfaces:
        return gaz.surfaces[word].type in ("ORG", "COUNTRY", "LOCATION")
    gov = KO_LOCAL_GOV.search(word)
    if gov and gaz.surfaces.get(word[:gov.start()], None) and gaz.surfaces[word[:gov.start()]].type == "LOCATION":
        return True  # 경남도, 부산시: a local government
    if re.search(r"[A-Za-z]", word) and re.fullmatch(rf"[A-Za-z0-9&{HANGUL}.\-]+", word):
        return True
    if not re.fullmatch(rf"[{HANGUL}]+", word) or len(word) < 2:
        return False
    suffix = KO_ORG_SUFFIX.search(word) or KO_DEPT.search(word)
    if suffix and len(word) >= 3 and not (len(suffix.group()) == 1 and len(word) <= 3 and ko_is_name(word)
                                          and _analyze(word)[0].tag == "NNP"):
        return True  # 상무부, 조사국, 반도체과 -- but 김태성 (a proper noun) is a name that ends in 성
    # a proper noun the gazetteer lacks (한국수력원자력), or a university's short form (건국대)
    if re.fullmatch(rf"[{HANGUL}]{{2,4}}대", word) and ko_is_proper(word[:-1]):
        return True
    return len(word) >= 3 and not ko_is_name(word) and ko_is_proper(word)


_KO_DESCRIBED = re.compile(rf"(?:{'|'.join(sorted(KO_DESCRIPTORS, key=len, reverse=True))})\s+"
                          rf"([A-Za-z{HANGUL}][A-Za-z0-9&{HANGUL}]+)")
_KO_ACCORDING = re.compile(rf"([A-Za-z{HANGUL}][A-Za-z0-9&{HANGUL}]+)에 따르면")
_KO_NAME_WORD = re.compile(rf"(?<![{HANGUL}A-Za-z])([A-Za-z{HANGUL}][A-Za-z0-9&{HANGUL}]{{2,}})")
_KO_COMPANY_END = re.compile(r"(?:증권|은행|전자|중공업|홀딩스|금융지주|자산운용|그룹|공사)$")
_KO_INSTITUTION_END = re.compile(r"(?:협회|연합회|협의회|중앙회|진흥원|재단|공단|상공회의소|대학교|법원|연구원|연구소)$")
_KO_AGENCY_END = re.compile(r"(?:청|처|위원회|공사)$")


def _ko_structural_orgs(text: str, gaz: Gazetteer) -> list[Mention]:
    out = []
    for m in _KO_DESCRIBED.finditer(text):
        w = strip_particle(m.group(1))
        if w not in gaz.surfaces and ko_is_proper_or_latin(w) and not ko_is_name(w):
            out.append(Mention(m.start(1), m.start(1) + len(w), "ORG", w, w))
    for m in _KO_ACCORDING.finditer(text):
        w = m.group(1)
        if w not in gaz.surfaces and ko_is_proper_or_latin(w) and not ko_is_name(w):
            out.append(Mention(m.start(1), m.end(1), "ORG", w, w))
    for m in _KO_NAME_WORD.finditer(text):
        w = m.group(1)
        if len(w) < 4:
            continue  # what strip_particle leaves of it is shorter still
        core = strip_particle(w)
        if core in gaz.surfaces or len(core) < 4 or KO_DEPT.search(core):
            continue
        company = _KO_COMPANY_END.search(core)
        institution = _KO_INSTITUTION_END.search(core) \
            or (len(core) >= 6 and _KO_AGENCY_END.search(core))  # 대구경북경제자유구역청
        if (company and ko_is_proper_or_latin(core[:company.start()])) or (institution and institution.start() >= 2):
            out.append(Mention(m.start(1), m.start(1) + len(core), "ORG", core, core))
    return out


KO_LATIN_CO = re.compile(rf"(?<![A-Za-z0-9{HANGUL}])((?:SK|LG|GS|CJ|KB|HD|LS|KT|DB|HL|OCI|NH|BNK|DGB|JB|KCC|SM|JYP|YG)"
                         rf"[{HANGUL}]{{2,8}})")


def _ko_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    found = _gazetteer_mentions(text, gaz, "ko") + _ko_compounds(text, gaz)
    taken = [(m.start, m.end) for m in found]
    for m in KO_LATIN_CO.finditer(text):
        name = strip_particle(m.group(1))
        s, e = m.start(1), m.start(1) + len(name)
        if not any(a < e and s < b for a, b in taken):
            found.append(Mention(s, e, "ORG", name, name))  # a group prefix + Hangul: a group company
    found += _ko_structural_orgs(text, gaz)
    found = _resolve_overlaps(found)
    found += _ko_people(text, gaz, found)
    return found


# --- English ----------------------------------------------------------------------------------

EN_ORG_SUFFIX = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Company|Group|Industries|Holdings|Bank|Securities|Research|Engineering|Energy|Motor|"
    r"Motors|Electronics|Ocean|Shipbuilding|Ministry|Agency|Commission|Institute|Association|Council|Fund|Exchange|"
    r"Capital|Partners|Airlines|Chemical|Steel|Financial|Insurance|University|Office|Department|Federation|Authority|"
    r"Bureau|Service|Board|Committee|Consultancy|Consulting|Technologies|Technology|Semiconductor|Solutions|Systems|"
    r"Pharmaceuticals|Investment|Investments|Asset Management|Heavy Industries|Construction|Telecom|Logistics|Foundation|"
    r"Games|Entertainment|Media|Pictures|Labs|Display|Innotek|Chem|Biologics|Mobility|Bank|Card|Life|Airlines?|"
    r"Union|Party|Assembly|Court|Administration|Agency|Corps|Institute|Cooperative|Shipyard|Shipbuilding|Marine)\.?$")
_CAP = r"[A-Z][\w'&\-]*(?:\.[A-Z][\w'&\-]*)*"
_EN_SEQ = re.compile(rf"{_CAP}(?:(?:\s+|\s*&\s*|\s+(?:of|and|for|de|the)\s+){_CAP})*")
EN_ORG_HEAD = re.compile(r"^(?:Ministry|Department|Bank|Institute|Bureau|Office|Agency|Council|Federation|"
                         r"Association|Commission|Board|University|Korea Institute|Korea Development)\b(?:\s+(?:of|for)\b)?")
EN_KOREAN_NAME = re.compile(r"^[A-Z][a-z]{1,5}\s+[A-Z][a-z]+-[a-z]+$")
EN_PERSON = re.compile(r"^(?:[A-Z][a-z]+(?:-[a-z]+)?)(?:\s+[A-Z][a-z]+(?:-[a-z]+)?){1,2}$")


def _en_person_role(after: str, titles: str, gaz: Gazetteer, found: list[Mention]) -> str | None:
    """', a vice president at ORG' / ', ORG's chief financial officer' -> 'TITLE, ORG'."""
    rm = re.match(rf",\s+(?:(?:a|an|the)\s+)?((?:[\w-]+\s+){{0,3}}?(?:{titles}))\s+(?:in|at|of|for|with)\s+(?:the\s+)?"
                  rf"([A-Z][\w&'.\- ]*?)(?=[,.;]|\s+said|$)", after, re.I)
    if rm and rm.group(2)[:1].isupper():
        return f"{rm.group(1)}, {rm.group(2).strip()}"
    if rm:
        return rm.group(1)  # "director general at the ministry": the body is anaphoric, keep the title
    rm = re.match(rf",\s+([A-Z][\w&.\- ]*?)['’]s\s+((?:[\w-]+\s+){{0,3}}?(?:{titles}))\b", after, re.I)
    if rm:
        org = rm.group(1).strip()
        entry = gaz.surfaces.get(org)
        return f"{rm.group(2)}, {entry.canonical if entry else org}"
    return None


def _en_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    found = _gazetteer_mentions(text, gaz, "en")
    taken = [(m.start, m.end) for m in found]
    titles = "|".join(re.escape(t) for t in gaz.titles)
    title_words = {w.lower() for t in gaz.titles for w in t.split()}
    # "Financial Supervisory Service (FSS)": a capitalised name with its acronym is an organisation
    for m in re.finditer(r"((?:[A-Z][\w&.\-]*)(?:\s+(?:of|and|for|on|&|[A-Z][\w&.\-]*))+)\s+\(([A-Z][A-Za-z&]{1,7})\)", text):
        s, e = m.start(1), m.end(1)
        name = re.sub(r"^(?:The|A|An)\s+", "", m.group(1))
        s = e - len(name)
        if not any(a < e and s < b for a, b in taken) and len(name.split()) >= 2:
            found.append(Mention(s, e, "ORG", name, name))
            found.append(Mention(m.start(2), m.end(2), "ORG", name, m.group(2)))
            taken += [(s, e), (m.start(2), m.end(2))]
            for a in re.finditer(rf"\b{re.escape(m.group(2))}\b", text):
                if a.start() > m.end(2):
                    found.append(Mention(a.start(), a.end(), "ORG", name, m.group(2)))
                    taken.append((a.start(), a.end()))
    for m in _EN_SEQ.finditer(text):
        s, e, seq = m.start(), m.end(), m.group().rstrip(".,")
        e = s + len(seq)
        is_org = (EN_ORG_SUFFIX.search(seq) or EN_ORG_HEAD.match(seq)) and len(seq.split()) >= 2
        inside = [f for f in found if s <= f.start and f.end <= e]
        if is_org and inside and all(f.type in ("COUNTRY", "LOCATION") for f in inside) \
                and not any(a < e and s < b for a, b in taken if not any((f.start, f.end) == (a, b) for f in inside)):
            # "Korea Customs Service": the organisation, not the country it starts with
            found = [f for f in found if f not in inside or f.type == "COUNTRY"]
            for f in inside:
                if f.type == "COUNTRY":
                    f.compound = True  # keep it beside the organisation that contains it
        elif any(a < e and s < b for a, b in taken):
            continue
        if is_org:
            seq2 = re.sub(r"^(?:The|A|An)\s+", "", seq)
            found.append(Mention(e - len(seq2), e, "ORG", seq2, seq2))
            taken.append((s, e))
            continue
        # "Finance Minister Yoon Seong-ho": a capitalised title in front of the name
        words = seq.split()
        lead = 0
        while lead < len(words) - 2 and words[lead].lower() in title_words | {"finance", "trade", "industry",
                                                                              "foreign", "deputy", "vice"}:
            lead += 1
        title_prefix = " ".join(words[:lead])
        if not lead and len(words) > 2 and EN_KOREAN_NAME.match(" ".join(words[-2:])):
            # "Amorepacific CEO Park Jae-hoon": organisation and title in front of a Korean name
            lead = len(words) - 2
            head = words[:lead]
            t_at = max((i for i, w in enumerate(head) if w.lower() in title_words or w.isupper()), default=-1)
            title_prefix = (" ".join(head[t_at:]) + (", " + " ".join(head[:t_at]) if t_at > 0 else "")) \
                if t_at >= 0 else ""
            if t_at > 0:  # the words before the title name the organisation
                org = " ".join(head[:t_at])
                entry = gaz.surfaces.get(org)
                found.append(Mention(s, s + len(org), "ORG", entry.canonical if entry else org, org))
        if lead:
            s = s + len(seq) - len(" ".join(words[lead:]))
            seq = " ".join(words[lead:])
        if not EN_PERSON.match(seq):
            continue
        before, after = text[max(0, s - 40):s], text[e:e + 80]
        korean_name = bool(EN_KOREAN_NAME.match(seq))  # Lee Sang-woo: a romanised Korean name is a person
        said = re.search(r"(?:said|says|told|according to|added|noted)\s*$", before) or \
            re.match(r"\s*(?:said|says|told|added|noted)\b", after)
        appos = re.match(rf",\s+(?:a|an|the)?\s*(?:[\w'’&.-]+\s+){{0,4}}(?:{titles})\b", after, re.I) if titles else None
        titled = bool(title_prefix) or (re.search(rf"(?:{titles})\s+$", before, re.I) if titles else None)
        if said or appos or titled or korean_name:
            role = _en_person_role(after, titles, gaz, found) if appos else None
            if not role and title_prefix:
                role = title_prefix
            found.append(Mention(s, e, "PERSON", seq, seq, role=role))
    return _resolve_overlaps(found)


# --- Japanese / Chinese / Vietnamese --------------------------------------------------------

JA_ORG_SUFFIX = r"(?:グループ|証券|銀行|取引所|自動車|電子|ソリューション|省|庁|商事|重工業|製鉄|ホールディングス|研究所|協会|機構|委員会)"


def _ja_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    found = _gazetteer_mentions(text, gaz, "ja")
    titles = "|".join(re.escape(t) for t in gaz.titles) or "(?!x)x"
    for m in re.finditer(rf"(?<![ァ-ヶー一-龥])(同国|[一-龥]{{2,4}})?([ァ-ヶーA-Za-z一-龥]{{1,12}}{JA_ORG_SUFFIX})", text):
        org = m.group(2)
        if any(f.start <= m.start(2) < f.end for f in found):
            continue
        canonical = org
        if re.fullmatch(r"[一-龥]+", org) and not re.search(r"(?:グループ|証券|銀行|取引所|省|庁)$", org):
            continue  # 電気自動車 is a product class, not a company
        if m.group(1) == "同国":
            prev = [f for f in found if f.type == "COUNTRY" and f.end <= m.start()]
            if prev:
                canonical = prev[-1].canonical + org
        elif m.group(1):
            org = canonical = m.group(1) + org  # 未来アセット証券: the kanji run is part of the name
        start = m.start(2) if m.group(1) == "同国" or not m.group(1) else m.start(1)
        found.append(Mention(start, m.end(2), "ORG", canonical, org))
    found = _resolve_overlaps(found)
    for m in re.finditer(r"[ァ-ヶー]{2,}(?:州|県|市|省)", text):
        if not any(f.start < m.end() and m.start() < f.end for f in found):
            found.append(Mention(m.start(), m.end(), "LOCATION", m.group(), m.group()))  # インディアナ州
    person = re.compile(rf"([ァ-ヶー]+(?:・[ァ-ヶー]+)+|[一-龥]{{2,4}})(?:({titles})|氏)")
    for m in person.finditer(text):
        name = m.group(1)
        if name in gaz.surfaces or any(f.start <= m.start(1) < f.end for f in found):
            continue
        if "・" not in name and not m.group(0).endswith("氏"):
            continue
        role = m.group(2)
        before = text[max(0, m.start() - 30):m.start()]
        orgs = [f for f in found if f.type == "ORG" and f.end <= m.start() and m.start() - f.end <= 12]
        tb = re.search(rf"({titles})、$", before)
        if tb:
            role = tb.group(1)
        if role and orgs and re.match(r"^の|^$", text[orgs[-1].end:m.start() - (len(tb.group(0)) if tb else 0)]):
            role = orgs[-1].canonical + role
        found.append(Mention(m.start(1), m.end(1), "PERSON", name, name, role=role))
    return found


ZH_ORG = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,10}?(?:协会|银行|集团|公司|交易所|委员会|研究院|研究所|通讯社)")
_ZH_FUNCTION = set("的了在和是与对将为及等也都而但被把从向于以其中之或又并且就还已这那有个月年日起")


def _zh_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    found = _gazetteer_mentions(text, gaz, "zh")
    for m in ZH_ORG.finditer(text):
        if _ZH_FUNCTION & set(m.group()[:-2]):
            continue
        if not any(f.start < m.end() and m.start() < f.end for f in found):
            found.append(Mention(m.start(), m.end(), "ORG", m.group(), m.group()))
    found = _resolve_overlaps(found)
    titles = "|".join(re.escape(t) for t in gaz.titles) or "(?!x)x"
    for m in re.finditer(rf"({titles})([\u4e00-\u9fff]{{2,3}})(?=表示|说|称|指出|强调|认为|介绍|透露|，|、)", text):
        orgs = [f for f in found if f.type == "ORG" and 0 <= m.start() - f.end <= 2]
        role = (orgs[-1].canonical if orgs else "") + m.group(1)
        found.append(Mention(m.start(2), m.end(2), "PERSON", m.group(2), m.group(2), role=role))
    return found


_VI_NAME = r"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]+(?:-[\wÀ-ỹ]+)?(?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]+(?:-[\wÀ-ỹ]+)?){1,3}"


def _vi_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    found = _resolve_overlaps(_gazetteer_mentions(text, gaz, "vi"))
    titles = "|".join(re.escape(t) for t in gaz.titles) or "(?!x)x"
    for m in re.finditer(rf"(?:(?:ông|bà|Ông|Bà)\s+|({titles})\s+)({_VI_NAME})", text):
        s, e = m.start(2), m.end(2)
        if any(f.start <= s < f.end for f in found):
            continue
        role = m.group(1)
        appos = re.match(rf",\s+((?:{titles})\s+[^,.]+?),", text[e:e + 120], re.I)
        if appos and not role:
            role = appos.group(1)
            org = re.sub(rf"^(?:{titles})\s+", "", role, flags=re.I)
            if org and org[0].isupper():
                found.append(Mention(e + appos.start(1) + len(role) - len(org), e + appos.end(1), "ORG", org, org))
        found.append(Mention(s, e, "PERSON", m.group(2), m.group(2), role=role))
    for m in re.finditer(rf"(?:Công ty|Tập đoàn|Ngân hàng|Bộ|Tổng cục|Cục|Quỹ|Hiệp hội|Ban quản lý)\s+{_VI_NAME}", text):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Mention(m.start(), m.end(), "ORG", m.group(), m.group()))
    return found


# --- resolution -------------------------------------------------------------------------------

def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest mention where two overlap. The countries of a compound (한·미·일) stay
    beside whatever contains them (한·미·일 외교장관회의)."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        clash = [o for o in out if o.start < m.end and m.start < o.end and not (o.compound or m.compound)]
        if not clash:
            out.append(m)
        elif all(o.compound and m.compound and (o.start, o.end) == (m.start, m.end) for o in clash):
            out.append(m)
    return out


def _strict_ok(m: Mention, mentions: list[Mention], text: str) -> bool:
    """A strict alias (경기) needs a neighbouring place: 경기·인천, 경기 평택."""
    for o in mentions:
        if o is m or o.type != "LOCATION" or o.minimal:
            continue
        gap = text[min(m.end, o.end):max(m.start, o.start)] if (o.start >= m.end or m.start >= o.end) else ""
        if len(gap) <= 2 and re.fullmatch(r"[\s·,ㆍ・]*", gap):
            return True
    return False


def _countries_in_orgs(mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """미국 상무부 also mentions the country 미국; 일본 경제산업성 mentions 일본."""
    out = []
    for m in mentions:
        if m.type != "ORG":
            continue
        head = re.match(r"(\S+)\s", m.surface)
        entry = gaz.surfaces.get(head.group(1)) if head else None
        if entry and entry.type == "COUNTRY":
            out.append(Mention(m.start, m.start + len(head.group(1)), "COUNTRY", entry.canonical, head.group(1)))
    return out


def group(mentions: list[Mention], text: str, lang: str) -> list[Entity]:
    entities: dict[tuple[str, str], Entity] = {}
    minimal: list[Mention] = []
    for m in sorted(mentions, key=lambda m: m.start):
        if m.type == "PERSON" and m.minimal:
            minimal.append(m)
            continue
        if m.minimal and not _strict_ok(m, mentions, text):
            continue
        ent = entities.setdefault((m.type, m.canonical), Entity(m.type, m.canonical))
        ent.mentions.append(m)
        if m.role and not ent.role:
            ent.role = m.role
    people = [e for e in entities.values() if e.type == "PERSON"]
    for m in minimal:  # 김 부위원장 -> the 김 whose role ends with 부위원장 (or the only 김)
        surname, title = m.key.split("|")
        cands = [p for p in people if p.canonical.startswith(surname) and p.mentions[0].start < m.start]
        best = [p for p in cands if p.role and p.role.endswith(title)] or cands
        if len(best) >= 1:
            best[-1].mentions.append(Mention(m.start, m.end, "PERSON", best[-1].canonical, m.surface, minimal=True))
    # other references to known people: surname/last name alone (Lee said; 러몬도 장관은)
    for p in people:
        parts = p.canonical.split()
        short = {parts[-1]} if len(parts) > 1 and lang in ("ko", "ja") else set()
        if lang == "ja" and "・" in p.canonical:
            short = {p.canonical.split("・")[0] + "氏"}  # キム・ウジン -> キム氏 (Korean surname first)
        if lang in ("en", "vi") and len(parts) > 1:
            short = {parts[0] if re.fullmatch(r"[A-Z][a-z]+", parts[0]) and "-" in p.canonical else parts[-1]}
        for s in short:
            for mm in re.finditer(re.escape(s), text):
                if any(x.start <= mm.start() < x.end for x in p.mentions):
                    continue
                if lang in ("en", "vi") and ((mm.start() and text[mm.start() - 1].isalnum())
                                             or (mm.end() < len(text) and text[mm.end()].isalnum())):
                    continue
                if lang == "ko" and not _ko_boundary_ok(text, mm.start(), mm.end()):
                    continue
                p.mentions.append(Mention(mm.start(), mm.end(), "PERSON", p.canonical, s, minimal=True))
        p.mentions.sort(key=lambda x: x.start)
    return list(entities.values())


_MENTIONS = {"ko": _ko_mentions, "en": _en_mentions, "ja": _ja_mentions, "zh": _zh_mentions, "vi": _vi_mentions}


def find_entities(text: str, lang: str) -> list[Entity]:
    lang = lang if lang in _MENTIONS else "en"
    gaz = load(lang)
    mentions = _MENTIONS[lang](text, gaz)
    return group(mentions + _countries_in_orgs(mentions, gaz), text, lang)


def to_rows(entities: list[Entity]) -> list[Row]:
    rows = []
    for e in entities:
        full = [m for m in e.mentions if not m.minimal and not m.compound] or e.mentions
        first = min(full, key=lambda m: m.start)
        aliases = []
        for m in e.mentions:
            if m.surface != first.surface and m.surface not in aliases and not (m.compound and len(full) != len(
                    [x for x in e.mentions if x.compound]) and m.compound):
                aliases.append(m.surface)
        row: Row = {"text": first.surface, "type": e.type, "canonical": e.canonical, "start": first.start,
                    "end": first.end, "aliases": aliases, "mentions": [[m.start, m.end] for m in e.mentions]}
        if e.type == "PERSON":
            row["role"] = e.role
        rows.append(row)
    return sorted(rows, key=lambda r: r["start"])


class EntityExtractor:
    name = "entities"
    version = "1"
    tables = (Table("entities", "One row per entity per article: people (with role), organisations, countries, places.", (
        Column("type", "string", "PERSON, ORG, COUNTRY or LOCATION.", False),
        Column("canonical", "string", "Normalised full name (산업부 -> 산업통상자원부).", False),
        Column("text", "string", "First full mention as written."),
        Column("role", "string", "PERSON only: the title the text gives, organisation in full."),
        Column("aliases", "list<string>", "Other surface forms in the article (short names, surname + title)."),
        START, END,
        Column("mentions", "int32", "Number of mentions in the article."))),)

    def table_rows(self, rows: list[dict]) -> dict[str, list[dict]]:
        return {"entities": [{"idx": i, "type": e["type"], "canonical": e["canonical"], "text": e["text"],
                              "role": e.get("role"), "aliases": e.get("aliases", []), "start": e["start"],
                              "end": e["end"], "mentions": len(e.get("mentions", []))} for i, e in enumerate(rows)]}

    def run(self, doc: Doc, found: dict[str, list[Row]]) -> list[Row]:
        return to_rows(find_entities(doc.body, doc.lang))
