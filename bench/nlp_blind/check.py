#!/usr/bin/env python3
"""Check the blind extraction set (bench/nlp_blind/*.json) against the gold conventions.

  python3 bench/nlp_blind/check.py [DIR]

Errors (exit 1): schema, ids, texts/aliases/keywords not verbatim in body, quote
speakers that are not PERSON/ORG canonicals, duplicate date surfaces, malformed
or mis-resolved dates, numbers whose text does not re-read to the annotated
value/unit, duplicate (value, unit) pairs.
Warnings: quoted spans, money/percent amounts and date-like words in the body
that are not annotated (intentional gaps are listed in ALLOWED_UNANNOTATED).
Stdlib only.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

LANGS = {"ko", "en", "ja", "zh", "vi"}
TYPES = {"PERSON", "ORG", "LOCATION", "COUNTRY"}
UNITS = {"KRW", "USD", "JPY", "CNY", "EUR", "VND", "%", "%p"}
KEYS = ["id", "lang", "published", "title", "body", "entities", "quotes", "dates", "keywords", "numbers"]
NORM_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?$")

# quoted spans deliberately left unannotated: anonymous sources (the gold has no
# anonymous quotes).  Single-quoted titles ('...') are never treated as quotes.
ALLOWED_UNANNOTATED = {
    "bl_ko_01": ["추가 규제가 이어지면 중국 고객사 이탈이 빨라질 수 있다"],
    "bl_ko_02": ["당국 눈치를 보느라 은행마다 기준이 제각각이어서 소비자 혼란이 커지고 있다"],
    "bl_ko_03": ["원청 파업으로 일감이 끊기면 하청 노동자들이 가장 먼저 피해를 본다"],
    "bl_ko_04": ["국민연금이 국내 주식 비중을 줄이는 과정에서 매도 물량이 쏟아질 수 있다"],
    "bl_ko_05": ["매각 작업이 늦어지면서 직원들의 불안감이 커지고 있다"],
    "bl_ko_06": ["보조금만으로는 수도권 인재를 지방으로 끌어오기 어렵다"],
}

# ---------------------------------------------------------------- numbers
KO_CUR = {"원": "KRW", "달러": "USD", "엔": "JPY", "위안": "CNY", "유로": "EUR"}
JA_CUR = {"ウォン": "KRW", "ドル": "USD", "円": "JPY", "元": "CNY", "ユーロ": "EUR"}


def _f(s: str) -> float:
    return float(s.replace(",", ""))


def read_cjk_money(txt: str, cur: dict, big: tuple[str, str, str]):
    cho, eok, man = big
    m = re.fullmatch(rf"(-?)(?:([\d,.]+){cho})?(?:([\d,.]+){eok})?(?:([\d,.]+){man})?([\d,.]+)?({'|'.join(cur)})", txt)
    if not m or not any(m.group(i) for i in (2, 3, 4, 5)):
        return None
    v = sum(_f(m.group(i)) * mult for i, mult in ((2, 1e12), (3, 1e8), (4, 1e4), (5, 1)) if m.group(i))
    return (-v if m.group(1) else v), cur[m.group(6)]


def read_number(txt: str, lang: str):
    t = txt.strip()
    if lang in ("ko", "ja"):
        m = re.fullmatch(r"(-?[\d,.]+)\s*(%포인트|%p|ポイント)", t)
        if m:
            return _f(m.group(1)), "%p"
        m = re.fullmatch(r"(-?[\d,.]+)\s*[%％]", t)
        if m:
            return _f(m.group(1)), "%"
        if lang == "ko":
            return read_cjk_money(t, KO_CUR, ("조", "억", "만"))
        return read_cjk_money(t, JA_CUR, ("兆", "億", "万"))
    if lang == "en":
        scale = {"": 1, "million": 1e6, "billion": 1e9, "trillion": 1e12}
        m = re.fullmatch(r"(-?[\d,.]+) percentage points?", t)
        if m:
            return _f(m.group(1)), "%p"
        m = re.fullmatch(r"(-?[\d,.]+) percent", t)
        if m:
            return _f(m.group(1)), "%"
        m = re.fullmatch(r"\$([\d,.]+)(?: (million|billion|trillion))?", t)
        if m:
            return _f(m.group(1)) * scale[m.group(2) or ""], "USD"
        m = re.fullmatch(r"([\d,.]+)(?: (million|billion|trillion))? (won|yen|yuan)", t)
        if m:
            return _f(m.group(1)) * scale[m.group(2) or ""], {"won": "KRW", "yen": "JPY", "yuan": "CNY"}[m.group(3)]
        return None
    if lang == "vi":
        def vnum(s):  # 1.234,5 -> 1234.5
            return float(s.replace(".", "").replace(",", "."))
        m = re.fullmatch(r"(-?[\d.,]+) điểm phần trăm", t)
        if m:
            return vnum(m.group(1)), "%p"
        m = re.fullmatch(r"(-?[\d.,]+)%", t)
        if m:
            return vnum(m.group(1)), "%"
        scale = {"": 1, "nghìn": 1e3, "triệu": 1e6, "tỷ": 1e9, "nghìn tỷ": 1e12}
        m = re.fullmatch(r"([\d.,]+)(?: (nghìn tỷ|tỷ|triệu|nghìn))? (USD|đồng|VND)", t)
        if m:
            return vnum(m.group(1)) * scale[m.group(2) or ""], {"USD": "USD", "đồng": "VND", "VND": "VND"}[m.group(3)]
    return None


# patterns that look like money / percentages in a body (for omission warnings)
NUM_SCAN = {
    "ko": r"-?\d[\d,.]*(?:조\s?\d[\d,]*)?(?:억\s?\d[\d,]*)?(?:만\s?\d[\d,]*)?(?:조|억|만)?(?:원|달러|엔|위안|유로)(?!대)|-?\d[\d,.]*(?:%포인트|%p|%)(?!대)",
    "ja": r"-?\d[\d,.]*(?:兆\d*)?(?:億\d*)?(?:万\d*)?(?:兆|億|万)?(?:ウォン|ドル|円|元|ユーロ)|-?\d[\d,.]*(?:％|%|ポイント)",
    "en": r"\$[\d,.]+(?: (?:million|billion|trillion))?|\d[\d,.]*(?: (?:million|billion|trillion))? (?:won|yen|yuan)\b|\d[\d,.]* (?:percentage points?|percent)",
    "vi": r"\d[\d.,]*(?: (?:nghìn tỷ|tỷ|triệu))? (?:USD|đồng)|\d[\d.,]*(?:%| điểm phần trăm)",
}

# ---------------------------------------------------------------- dates
KO_YEAR = {"올해": 0, "금년": 0, "지난해": -1, "작년": -1, "내년": 1, "전년": None}
EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]
EN_ABBR = {"jan.": 1, "feb.": 2, "aug.": 8, "sept.": 9, "oct.": 10, "nov.": 11, "dec.": 12}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
# context-dependent surfaces: checked loosely (see check_context)
CONTEXT = {"이날", "같은 날", "당일", "전날", "전 거래일", "지난해 같은 기간", "전년 동기", "전년", "같은 기간",
           "同日", "前日", "前年同期", "a year earlier", "a year ago", "on year", "the same period last year",
           "the previous session", "cùng kỳ năm trước", "cùng kỳ"}


def q_of(m: int) -> int:
    return (m - 1) // 3 + 1


def resolve(text: str, lang: str, pub: dt.date):
    """Rule-based resolution of a date surface; None if no rule applies."""
    y, mo, d = pub.year, pub.month, pub.day
    t = text.strip()
    ym = lambda yy, mm: f"{yy:04d}-{mm:02d}"
    ymd = lambda yy, mm, dd: dt.date(yy, mm, dd).isoformat()

    def prev_month(yy, mm):
        return (yy - 1, 12) if mm == 1 else (yy, mm - 1)

    def next_month(yy, mm):
        return (yy + 1, 1) if mm == 12 else (yy, mm + 1)

    if lang == "ko":
        if m := re.fullmatch(r"(\d{4})년", t):
            return m.group(1)
        if m := re.fullmatch(r"(\d{4})년 (\d{1,2})월( 말| 초| 중)?", t):
            return ym(int(m.group(1)), int(m.group(2)))
        if m := re.fullmatch(r"(\d{4})년 ([상하])반기", t):
            return f"{m.group(1)}-H{1 if m.group(2) == '상' else 2}"
        if m := re.fullmatch(r"(\d{4})년 (\d)분기", t):
            return f"{m.group(1)}-Q{m.group(2)}"
        if m := re.fullmatch(r"(올해|금년|지난해|작년|내년)", t):
            return str(y + KO_YEAR[m.group(1)])
        if m := re.fullmatch(r"(올해|금년|지난해|작년|내년) (\d)분기", t):
            return f"{y + KO_YEAR[m.group(1)]}-Q{m.group(2)}"
        if m := re.fullmatch(r"(올해|금년|지난해|작년|내년) ([상하])반기", t):
            return f"{y + KO_YEAR[m.group(1)]}-H{1 if m.group(2) == '상' else 2}"
        if m := re.fullmatch(r"(올해|금년|지난해|작년|내년) (\d{1,2})월( 말| 초| 중)?", t):
            return ym(y + KO_YEAR[m.group(1)], int(m.group(2)))
        if m := re.fullmatch(r"(올해|금년|지난해|작년|내년) ?말", t):
            return ym(y + KO_YEAR[m.group(1)], 12)
        if t == "연말":
            return ym(y, 12)
        if m := re.fullmatch(r"(지난 )?(\d)분기", t):
            qq = int(m.group(2))
            return f"{y if qq <= q_of(mo) else y - 1}-Q{qq}"
        if m := re.fullmatch(r"([상하])반기", t):
            return f"{y}-H{1 if m.group(1) == '상' else 2}"
        if m := re.fullmatch(r"(지난 |오는 )?(\d{1,2})월( 말| 초| 중)?", t):
            mm = int(m.group(2))
            if m.group(1) == "지난 " and mm >= mo:
                return ym(y - 1, mm)
            if m.group(1) == "오는 " and mm <= mo:
                return ym(y + 1, mm)
            return ym(y, mm)
        if m := re.fullmatch(r"(이달|지난달|다음 달|내달)( 말| 초| 중)?", t):
            yy, mm = {"이달": (y, mo), "지난달": prev_month(y, mo)}.get(m.group(1), next_month(y, mo))
            return ym(yy, mm)
        if m := re.fullmatch(r"(이달|지난달|다음 달|내달) (\d{1,2})일", t):
            yy, mm = {"이달": (y, mo), "지난달": prev_month(y, mo)}.get(m.group(1), next_month(y, mo))
            return ymd(yy, mm, int(m.group(2)))
        if m := re.fullmatch(r"(지난 |오는 )?(\d{1,2})일(\(현지시간\))?", t):
            dd = int(m.group(2))
            if m.group(1) == "지난 " and dd >= d:
                return ymd(*prev_month(y, mo), dd)
            if m.group(1) == "오는 " and dd <= d:
                return ymd(*next_month(y, mo), dd)
            return ymd(y, mo, dd)
        return None
    if lang == "ja":
        if m := re.fullmatch(r"(\d{4})年", t):
            return m.group(1)
        if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", t):
            return ym(int(m.group(1)), int(m.group(2)))
        if m := re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})～(\d{1,2})月期", t):
            a, b = int(m.group(2)), int(m.group(3))
            yy = int(m.group(1)) if m.group(1) else y
            if b - a == 2 and a % 3 == 1:
                return f"{yy}-Q{q_of(a)}"
            if b - a == 5 and a in (1, 7):
                return f"{yy}-H{1 if a == 1 else 2}"
            return None
        if m := re.fullmatch(r"(今年|来年|昨年|去年)", t):
            return str(y + {"今年": 0, "来年": 1, "昨年": -1, "去年": -1}[m.group(1)])
        if t in ("年末", "今年末"):
            return ym(y, 12)
        if re.fullmatch(r"今月(初め|末|中|上旬|下旬)?", t):
            return ym(y, mo)
        if m := re.fullmatch(r"(\d{1,2})日", t):
            return ymd(y, mo, int(m.group(1)))
        return None
    if lang == "en":
        tl = t.lower()
        if re.fullmatch(r"\d{4}", t):
            return t
        if tl in WEEKDAYS:
            monday = pub - dt.timedelta(days=pub.weekday())
            return (monday + dt.timedelta(days=WEEKDAYS.index(tl))).isoformat()
        if tl in EN_MONTHS:
            return ym(y, EN_MONTHS.index(tl) + 1)
        if m := re.fullmatch(r"([a-z]+\.?) (\d{1,2})", tl):
            mm = EN_ABBR.get(m.group(1)) or (EN_MONTHS.index(m.group(1)) + 1 if m.group(1) in EN_MONTHS else None)
            if mm:
                return ymd(y, mm, int(m.group(2)))
        if m := re.fullmatch(r"(?:the )?(first|second|third|fourth)[- ]quarter", tl):
            return f"{y}-Q{ORD[m.group(1)]}"
        if m := re.fullmatch(r"(?:the )?(first|second)[- ]half(?: of the year)?", tl):
            return f"{y}-H{ORD[m.group(1)]}"
        if m := re.fullmatch(r"(?:the )?([a-z]+)-([a-z]+)(?: period)?", tl):
            if m.group(1) in EN_MONTHS and m.group(2) in EN_MONTHS:
                a, b = EN_MONTHS.index(m.group(1)) + 1, EN_MONTHS.index(m.group(2)) + 1
                if b - a == 2 and a % 3 == 1:
                    return f"{y}-Q{q_of(a)}"
                if b - a == 5 and a in (1, 7):
                    return f"{y}-H{1 if a == 1 else 2}"
        if tl in ("last year", "next year", "this year"):
            return str(y + {"last year": -1, "next year": 1, "this year": 0}[tl])
        if m := re.fullmatch(r"the end of (\d{4})", tl):
            return f"{m.group(1)}-12"
        if tl in ("later this month", "this month", "earlier this month"):
            return ym(y, mo)
        return None
    if lang == "vi":
        if m := re.fullmatch(r"(?:ngày )?(\d{1,2})/(\d{1,2})", t):
            return ymd(y, int(m.group(2)), int(m.group(1)))
        if m := re.fullmatch(r"quý (I|II|III|IV)/(\d{4})", t):
            return f"{m.group(2)}-Q{ROMAN[m.group(1)]}"
        if m := re.fullmatch(r"[Nn]ăm (\d{4})", t):
            return m.group(1)
        if re.fullmatch(r"[Nn]ăm ngoái|[Nn]ăm trước", t):
            return str(y - 1)
        if re.fullmatch(r"[Nn]ăm nay", t):
            return str(y)
        return None
    return None


DATE_SCAN = {
    "ko": r"\d{4}년|\d{1,2}월|\d{1,2}일|[1-4]분기|[상하]반기|올해|지난해|작년|내년|이날|같은 날|전날|전 거래일|이달|지난달|다음 달|연말|전년|동기",
    "ja": r"\d{4}年|\d{1,2}月|\d{1,2}日|今年|来年|昨年|年末|今月|前日|同日|前年",
    "en": r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(?:19|20)\d{2}|quarter|last year|next year|a year (?:earlier|ago)|on year|first half)\b",
    "vi": r"\d{1,2}/\d{1,2}|quý [IV]+|[Nn]ăm \d{4}|[Nn]ăm ngoái|cùng kỳ",
}


def occurrences(body: str, s: str):
    out, i = [], body.find(s)
    while i >= 0:
        out.append((i, i + len(s)))
        i = body.find(s, i + 1)
    return out


def covered(span, spans):
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def quoted_spans(body: str):
    spans = []
    for para in body.split("\n"):
        spans += re.findall(r"“([^”]*)”", para)
        spans += re.findall(r"「([^」]*)」", para)
        spans += re.findall(r'"([^"]*)"', para)
    return spans


def check_file(path: Path, errors: list, warnings: list, ids: set):
    def err(msg):
        errors.append(f"{path.name}: {msg}")

    def warn(msg):
        warnings.append(f"{path.name}: {msg}")

    raw = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as ex:
        err(f"invalid JSON: {ex}")
        return None
    if list(doc) != KEYS:
        err(f"keys {list(doc)} != {KEYS}")
    if doc.get("id") != path.stem:
        err(f"id {doc.get('id')!r} != file stem")
    if doc.get("id") in ids:
        err("duplicate id")
    ids.add(doc.get("id"))
    lang = doc.get("lang")
    if lang not in LANGS:
        err(f"bad lang {lang!r}")
    try:
        pub = dt.date.fromisoformat(doc["published"])
    except Exception:
        err(f"bad published {doc.get('published')!r}")
        return None
    if not (dt.date(2024, 1, 1) <= pub <= dt.date(2025, 9, 30)):
        err(f"published {pub} outside 2024-01..2025-09")
    body, title = doc.get("body", ""), doc.get("title", "")
    if not title.strip():
        err("empty title")
    paras = body.split("\n")
    if not 6 <= len(paras) <= 10 or any(not p.strip() for p in paras):
        err(f"{len(paras)} paragraphs (want 6-10, none empty)")

    # entities
    ents = doc.get("entities", [])
    canon_pairs = set()
    for e in ents:
        if set(e) - {"text", "type", "canonical", "role", "aliases"} or not {"text", "type", "canonical"} <= set(e):
            err(f"entity keys {sorted(e)}")
        if e.get("type") not in TYPES:
            err(f"entity type {e.get('type')!r}")
        if "role" in e and e.get("type") != "PERSON":
            err(f"role on non-PERSON {e['text']}")
        for s in [e.get("text", "")] + e.get("aliases", []):
            if not s or s not in body:
                err(f"entity surface not in body: {s!r}")
        if (e.get("type"), e.get("canonical")) in canon_pairs:
            err(f"duplicate entity {e.get('canonical')}")
        canon_pairs.add((e.get("type"), e.get("canonical")))
    speakers = {e["canonical"] for e in ents if e.get("type") in ("PERSON", "ORG")}

    # quotes
    qtexts = []
    for q in doc.get("quotes", []):
        if set(q) != {"speaker", "text"}:
            err(f"quote keys {sorted(q)}")
        if q.get("speaker") not in speakers:
            err(f"quote speaker {q.get('speaker')!r} is not a PERSON/ORG canonical")
        if not q.get("text") or q["text"] not in body:
            err(f"quote text not in body: {q.get('text')!r}")
        qtexts.append(q.get("text"))
    for span in quoted_spans(body):
        if span not in qtexts and span not in ALLOWED_UNANNOTATED.get(doc.get("id"), []):
            warn(f"quoted span not annotated: {span[:60]!r}")
    for qt in qtexts:
        if qt not in quoted_spans(body):
            err(f"quote text is not exactly a quoted span: {qt[:60]!r}")

    # dates
    seen, date_vals = set(), {}
    for dd in doc.get("dates", []):
        t, n = dd.get("text", ""), dd.get("normalized", "")
        if set(dd) != {"text", "normalized"}:
            err(f"date keys {sorted(dd)}")
        if t in seen:
            err(f"duplicate date surface {t!r}")
        seen.add(t)
        if not t or t not in body:
            err(f"date text not in body: {t!r}")
        if not NORM_RE.match(n):
            err(f"bad normalized {n!r} for {t!r}")
        date_vals[t] = n
    day_vals = {v for v in date_vals.values() if len(v) == 10}
    for t, n in date_vals.items():
        if t in CONTEXT:
            # loose checks: same-day anaphora must be another annotated day; previous
            # trading day / previous day must precede an annotated day; year-ago bases
            # must be in the year before the period they compare with
            if t in ("이날", "같은 날", "당일", "同日"):
                if n not in day_vals - {n} and not any(date_vals[o] == n for o in date_vals if o != t):
                    err(f"{t!r}={n} is not the day of another annotated date")
            elif t in ("전 거래일", "前日", "전날", "the previous session"):
                nd = dt.date.fromisoformat(n)
                nxt = [dt.date.fromisoformat(v) for v in day_vals if v > n]
                if not any(0 < (x - nd).days <= 3 for x in nxt) or nd.weekday() > 4:
                    err(f"{t!r}={n} is not the trading day before an annotated day")
            else:
                others = {v for o, v in date_vals.items() if o not in CONTEXT}
                base = n[4:]
                if not any(v[:4].isdigit() and int(v[:4]) == int(n[:4]) + 1 and v[4:] == base for v in others) \
                        and not (base == "" and str(int(n) + 1) in others):
                    err(f"{t!r}={n} has no annotated period one year later")
            print(f"  [context] {path.name}: {t!r} -> {n}")
            continue
        r = resolve(t, lang, pub)
        if r is None:
            warn(f"no rule to verify date {t!r} -> {n}")
        elif r != n:
            err(f"date {t!r}: annotated {n}, rules give {r}")
    date_spans = [sp for t in date_vals for sp in occurrences(body, t)]
    for m in re.finditer(DATE_SCAN.get(lang, r"$^"), body):
        if not covered(m.span(), date_spans):
            ctx = body[max(0, m.start() - 8): m.end() + 8].replace("\n", " ")
            warn(f"date-like {m.group(0)!r} not annotated (…{ctx}…)")

    # numbers
    seen_vu = set()
    num_spans = []
    for nn in doc.get("numbers", []):
        t, v, u = nn.get("text", ""), nn.get("value"), nn.get("unit")
        if set(nn) != {"text", "value", "unit"}:
            err(f"number keys {sorted(nn)}")
        if u not in UNITS:
            err(f"bad unit {u!r}")
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            err(f"bad value {v!r}")
            continue
        if not t or t not in body:
            err(f"number text not in body: {t!r}")
        key = (round(float(v), 6), u)
        if key in seen_vu:
            err(f"duplicate (value, unit) {key}")
        seen_vu.add(key)
        rd = read_number(t, lang)
        if rd is None:
            err(f"cannot re-read number text {t!r}")
        elif rd[1] != u or abs(rd[0] - v) > 1e-6 * max(1.0, abs(v)):
            err(f"number {t!r}: annotated {v} {u}, re-read {rd[0]} {rd[1]}")
        num_spans += occurrences(body, t)
    for m in re.finditer(NUM_SCAN[lang], body):
        s, e = m.span()
        if body[s] == "-" and (s == 0 or body[s - 1] not in " (\n"):
            s += 1
        if not covered((s, e), num_spans):
            ctx = body[max(0, s - 8): e + 8].replace("\n", " ")
            warn(f"money/percent {body[s:e]!r} not annotated (…{ctx}…)")

    # keywords
    kws = doc.get("keywords", [])
    if not 5 <= len(kws) <= 10:
        err(f"{len(kws)} keywords (want 5-10)")
    if len(set(kws)) != len(kws):
        err("duplicate keywords")
    for k in kws:
        if k not in body:
            err(f"keyword not in body: {k!r}")

    # canonical layout: UTF-8, not ASCII-escaped
    if "\\u" in raw:
        err("file has \\u escapes (write with ensure_ascii=False)")
    return doc


def main(argv):
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    files = sorted(root.glob("*.json"))
    errors, warnings, ids = [], [], set()
    counts = {}
    for f in files:
        doc = check_file(f, errors, warnings, ids)
        if doc:
            c = counts.setdefault(doc["lang"], {"docs": 0, "entities": 0, "quotes": 0, "dates": 0,
                                                "numbers": 0, "keywords": 0})
            c["docs"] += 1
            for k in ("entities", "quotes", "dates", "numbers", "keywords"):
                c[k] += len(doc.get(k, []))
    for w in warnings:
        print("WARNING", w)
    for e in errors:
        print("ERROR", e)
    print(f"{len(files)} files, {len(errors)} errors, {len(warnings)} warnings")
    for lang, c in sorted(counts.items()):
        print(f"  {lang}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
