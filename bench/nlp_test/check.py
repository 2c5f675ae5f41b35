#!/usr/bin/env python3
"""Checker for the nlp_test gold set (stdlib only).

  python3 bench/nlp_test/check.py [DIR]      # default: the folder of this script

Errors (exit 1):
  * schema, ids unique and equal to the file stem, JSON readable as UTF-8 and
    written without \\u escapes (ensure_ascii=False)
  * every entity/quote/date/number text, alias and keyword occurs verbatim in body
  * quote speakers are the canonical of a PERSON or ORG entity of the article
  * dates: distinct surfaces, allowed formats, and (where the surface can be
    resolved from `published` alone) the value the small resolver computes
  * numbers: allowed units, distinct (value, unit), and the value/unit that the
    small per-language reader gets from `text`
Warnings (point at probable omissions, reviewed by hand):
  * quoted spans that are not annotated (anonymous quotes are listed in ANON)
  * money / percentages in the body that no annotated number covers
  * date-like words in the body that no annotated date covers
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
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?$")

# Quoted spans deliberately left unannotated: anonymous speakers (the gold has
# no anonymous quotes) and quoted product names.  Keyed by article id, value is
# a prefix of the quoted text.
ANON = {
    "ts_ko_01": ["1410원 부근에서는"],
    "ts_ko_02": ["중국 매출이 절반인"],
    "ts_ko_03": ["당국의 총량 관리"],
    "ts_ko_04": ["2026년까지는"],
    "ts_ko_06": ["무비자 효과가"],
    "ts_ko_07": ["AI라는 이름만"],
    "ts_en_01": ["Exports could slip again"],
    "ts_ja_01": ["HBM価格の下落", "HBM4"],
    "ts_zh_01": ["美国大选结果"],
}

# The set's shape (bench/nlp_unseen/check.py runs this checker with its own): publication
# dates, paragraphs per article, and the length of a Korean body (None: any).
PUBLISHED = (dt.date(2024, 1, 1), dt.date(2025, 10, 31))
PARAGRAPHS = (6, 10)
KO_BODY_CHARS: tuple[int, int] | None = None

errors: list[str] = []
warnings: list[str] = []


def err(doc, msg):
    errors.append(f"ERROR {doc}: {msg}")


def warn(doc, msg):
    warnings.append(f"warn  {doc}: {msg}")


# ------------------------------------------------------------------ numbers
KO_MULT = {"조": 10**12, "억": 10**8, "만": 10**4, "천": 10**3}
JA_MULT = {"兆": 10**12, "億": 10**8, "万": 10**4}
ZH_MULT = {"万亿": 10**12, "亿": 10**8, "万": 10**4}
CUR = {"원": "KRW", "달러": "USD", "엔": "JPY", "위안": "CNY", "유로": "EUR",
       "ウォン": "KRW", "円": "JPY", "ドル": "USD", "元": "CNY", "ユーロ": "EUR",
       "韩元": "KRW", "美元": "USD", "日元": "JPY", "人民币": "CNY", "欧元": "EUR",
       "won": "KRW", "yen": "JPY", "yuan": "CNY", "euros": "EUR", "dong": "VND"}
EN_MULT = {"trillion": 10**12, "billion": 10**9, "million": 10**6, "thousand": 10**3}


def _f(s: str) -> float:
    return float(s.replace(",", ""))


def read_number(text: str, lang: str):
    """Return (value, unit) read from an annotated number text, or None."""
    t = text.strip().replace("％", "%")
    m = re.fullmatch(r"([\d.,]+)\s*(%포인트|%p|%P|ポイント|个百分点|percentage points?)", t)
    if m:
        return _f(m.group(1)), "%p"
    m = re.fullmatch(r"-?[\d.,]+\s*(%|percent|per cent)", t)
    if m:
        return float(re.match(r"-?[\d.,]+", t).group(0).replace(",", "")), "%"
    if lang == "en":
        m = re.fullmatch(r"\$([\d.,]+)(?:\s+(trillion|billion|million|thousand))?", t)
        if m:
            return _f(m.group(1)) * EN_MULT.get(m.group(2), 1), "USD"
        m = re.fullmatch(r"([\d.,]+)(?:\s+(trillion|billion|million|thousand))?\s+(won|yen|yuan|euros|dong)", t)
        if m:
            return _f(m.group(1)) * EN_MULT.get(m.group(2), 1), CUR[m.group(3)]
        return None
    units = sorted(CUR, key=len, reverse=True)
    unit = next((u for u in units if t.endswith(u)), None)
    if unit is None:
        return None
    core = t[: -len(unit)].strip()
    mult = {"ko": KO_MULT, "ja": JA_MULT, "zh": ZH_MULT}.get(lang, KO_MULT)
    keys = "|".join(sorted(mult, key=len, reverse=True))
    parts = re.findall(rf"([\d.,]+)({keys})?", core)
    if not parts or re.sub(rf"[\d.,]|{keys}", "", core):
        return None
    val = sum(_f(n) * mult.get(m, 1) for n, m in parts)
    return val, CUR[unit]


MONEY_PAT = {
    "ko": r"[\d][\d,.]*(?:조[\d,.]*)?(?:억[\d,.]*)?(?:만[\d,.]*)?(?:천)?\s?(?:원|달러|엔|위안|유로)(?!대)"
          r"|[\d][\d.]*%(?:포인트|p)?(?!대)",
    "ja": r"[\d][\d,.]*(?:兆[\d,.]*)?(?:億[\d,.]*)?(?:万[\d,.]*)?(?:ウォン|円|ドル|ユーロ)(?!台)"
          r"|[\d][\d.]*[%％](?!台)|[\d][\d.]*ポイント",
    "zh": r"[\d][\d,.]*(?:万亿|亿|万)?(?:韩元|美元|日元|欧元|人民币|元)|[\d][\d.]*%|[\d][\d.]*个百分点",
    "en": r"\$[\d][\d,.]*(?: (?:trillion|billion|million))?|[\d][\d,.]*(?: (?:trillion|billion|million))? won"
          r"|[\d][\d.]* percent(?:age points?)?",
}

DATE_PAT = {
    "ko": r"\d{4}년(?: ?\d{1,2}월)?|\d{1,2}월(?: 말| 초| 중)?|\d{1,2}일|[1-4]분기|[상하]반기|지난해|올해|내년|전년"
          r"|이날|전날|당일|같은 날|지난달|이달|다음 달|전월|연말|전 거래일|전 분기",
    "ja": r"\d{4}年|\d{1,2}月|\d{1,2}日|今年|来年|昨年|前年|前日|同日|前四半期|\d{1,2}～\d{1,2}月期|上半期|下半期",
    "zh": r"\d{4}年|\d{1,2}月|\d{1,2}日|[一二三四]季度|今年|明年|去年|当天|同日|上半年|下半年",
    "en": r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|quarter|half|last year|next year"
          r"|this year|last month|next month|this month|20\d\d|a year earlier)\b",
}


# ------------------------------------------------------------------ dates
def shift_month(y, m, k):
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def resolve_date(text: str, lang: str, pub: dt.date):
    """Best-effort resolver for surfaces that depend only on `published`.
    Returns a normalized string, or None when context is needed."""
    y, mo = pub.year, pub.month
    t = text.strip()
    if lang == "ko":
        rel_year = {"올해": y, "지난해": y - 1, "내년": y + 1}
        m = re.fullmatch(r"(?:지난 )?(\d{4})년(?: (\d{1,2})월)?", t)
        if m:
            return m.group(1) + (f"-{int(m.group(2)):02d}" if m.group(2) else "")
        m = re.fullmatch(r"(올해|지난해|내년)?\s?(?:(\d{4})년 )?([1-4])분기", t)
        if m:
            yy = int(m.group(2)) if m.group(2) else rel_year.get(m.group(1), y)
            return f"{yy}-Q{m.group(3)}"
        m = re.fullmatch(r"(올해|지난해|내년)?\s?(?:(\d{4})년 )?(상|하)반기", t)
        if m:
            yy = int(m.group(2)) if m.group(2) else rel_year.get(m.group(1), y)
            return f"{yy}-H{1 if m.group(3) == '상' else 2}"
        if t in rel_year:
            return str(rel_year[t])
        if t in ("이달", "이달 말", "이달 초"):
            return f"{y}-{mo:02d}"
        if t in ("지난달", "지난달 말", "지난달 초"):
            return "%d-%02d" % shift_month(y, mo, -1)
        if t in ("다음 달", "다음 달 말"):
            return "%d-%02d" % shift_month(y, mo, 1)
        if t in ("연말", "올해 말"):
            return f"{y}-12"
        if t == "지난해 말":
            return f"{y - 1}-12"
        m = re.fullmatch(r"(지난|오는|올해|지난해|내년)?\s?(\d{1,2})월(?: 말| 초| 중)?", t)
        if m:
            mm, pre = int(m.group(2)), m.group(1)
            yy = rel_year.get(pre, y)
            if pre == "지난" and mm >= mo:
                yy = y - 1
            if pre == "오는" and mm <= mo:
                yy = y + 1
            return f"{yy}-{mm:02d}"
        m = re.fullmatch(r"(지난|오는|이달|지난달|다음 달)?\s?(\d{1,2})일(?:\(현지시간\))?", t)
        if m:
            d, pre = int(m.group(2)), m.group(1)
            yy, mm = y, mo
            if pre == "지난달" or (pre == "지난" and d >= pub.day):
                yy, mm = shift_month(y, mo, -1)
            if pre == "다음 달" or (pre == "오는" and d <= pub.day):
                yy, mm = shift_month(y, mo, 1)
            return f"{yy}-{mm:02d}-{d:02d}"
        m = re.fullmatch(r"(내년|올해) (\d{1,2})월 (\d{1,2})일", t)
        if m:
            return f"{rel_year[m.group(1)]}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return None
    if lang == "ja":
        rel = {"今年": y, "来年": y + 1, "昨年": y - 1}
        if t in rel:
            return str(rel[t])
        m = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})～(\d{1,2})月期", t)
        if m and int(m.group(3)) - int(m.group(2)) == 2 and int(m.group(2)) % 3 == 1:
            return f"{m.group(1) or y}-Q{(int(m.group(2)) + 2) // 3}"
        m = re.fullmatch(r"(今年|来年|昨年)?(\d{1,2})月", t)
        if m:
            return f"{rel.get(m.group(1), y)}-{int(m.group(2)):02d}"
        m = re.fullmatch(r"(今月)?(\d{1,2})日", t)
        if m:
            return f"{y}-{mo:02d}-{int(m.group(2)):02d}"
        return None
    if lang == "zh":
        rel = {"今年": y, "明年": y + 1, "去年": y - 1}
        if t in rel:
            return str(rel[t])
        q = {"一": 1, "二": 2, "三": 3, "四": 4}
        m = re.fullmatch(r"(今年|明年|去年)?第?([一二三四])季度", t)
        if m:
            return f"{rel.get(m.group(1), y)}-Q{q[m.group(2)]}"
        m = re.fullmatch(r"(今年|明年|去年)?(上|下)半年", t)
        if m:
            return f"{rel.get(m.group(1), y)}-H{1 if m.group(2) == '上' else 2}"
        m = re.fullmatch(r"(本月|下月)?(\d{1,2})日", t)
        if m:
            yy, mm = (y, mo) if m.group(1) != "下月" else shift_month(y, mo, 1)
            return f"{yy}-{mm:02d}-{int(m.group(2)):02d}"
        m = re.fullmatch(r"(\d{1,2})月", t)
        if m:
            return f"{y}-{int(m.group(1)):02d}"
        return None
    if lang == "en":
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        m = re.fullmatch(r"(?:late |early |mid-)?(" + "|".join(months) + r")(?: (\d{1,2}))?", t)
        if m:
            mm = months.index(m.group(1)) + 1
            yy = y if mm <= mo or m.group(2) or True else y
            return f"{yy}-{mm:02d}" + (f"-{int(m.group(2)):02d}" if m.group(2) else "")
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        if t in days:  # the most recent such day up to publication
            back = (pub.weekday() - days.index(t)) % 7
            return (pub - dt.timedelta(days=back)).isoformat()
        if re.fullmatch(r"\d{4}", t):
            return t
        simple = {"last month": "%d-%02d" % shift_month(y, mo, -1), "this month": f"{y}-{mo:02d}",
                  "next month": "%d-%02d" % shift_month(y, mo, 1), "next year": str(y + 1),
                  "last year": str(y - 1), "this year": str(y)}
        if t in simple:
            return simple[t]
        m = re.fullmatch(r"the (first|second|third|fourth) quarter", t)
        if m:
            return f"{y}-Q{['first', 'second', 'third', 'fourth'].index(m.group(1)) + 1}"
        m = re.fullmatch(r"the (first|second) half", t)
        if m:
            return f"{y}-H{1 if m.group(1) == 'first' else 2}"
        return None
    return None


# ------------------------------------------------------------------ main
def spans(body: str, s: str):
    i = body.find(s)
    while i >= 0:
        yield i, i + len(s)
        i = body.find(s, i + 1)


def covered(pos, cover):
    a, b = pos
    return any(x <= a and b <= y for x, y in cover)


def check_doc(path: Path, seen_ids: set, manual: list):
    raw = path.read_bytes()
    try:
        txt = raw.decode("utf-8")
        doc = json.loads(txt)
    except (UnicodeDecodeError, json.JSONDecodeError) as ex:
        err(path.name, f"unreadable: {ex}")
        return None
    if "\\u" in txt:
        err(path.name, "contains \\u escapes (write with ensure_ascii=False)")
    did = doc.get("id")
    if did != path.stem:
        err(path.name, f"id {did!r} != file stem")
    if did in seen_ids:
        err(path.name, f"duplicate id {did}")
    seen_ids.add(did)
    keys = {"id", "lang", "published", "title", "body", "entities", "quotes", "dates", "keywords", "numbers"}
    if set(doc) != keys:
        err(did, f"keys {sorted(set(doc) ^ keys)} wrong")
    lang, body = doc.get("lang"), doc.get("body", "")
    if lang not in LANGS:
        err(did, f"lang {lang}")
    try:
        pub = dt.date.fromisoformat(doc["published"])
        if not PUBLISHED[0] <= pub <= PUBLISHED[1]:
            err(did, f"published {pub} outside {PUBLISHED[0]:%Y-%m}..{PUBLISHED[1]:%Y-%m}")
    except Exception:
        err(did, "published not YYYY-MM-DD")
        return doc
    if not doc.get("title"):
        err(did, "empty title")
    paras = body.split("\n")
    if not PARAGRAPHS[0] <= len(paras) <= PARAGRAPHS[1] or any(not p.strip() for p in paras):
        err(did, f"{len(paras)} paragraphs (need {PARAGRAPHS[0]}-{PARAGRAPHS[1]}, none empty)")
    if lang == "ko" and KO_BODY_CHARS and not KO_BODY_CHARS[0] <= len(body) <= KO_BODY_CHARS[1]:
        err(did, f"body has {len(body)} characters (Korean articles need {KO_BODY_CHARS[0]}-{KO_BODY_CHARS[1]})")

    def must_occur(s, what):
        if not isinstance(s, str) or not s or s not in body:
            err(did, f"{what} {s!r} not verbatim in body")

    # entities
    canon_ok, seen_ent = {}, set()
    for e in doc["entities"]:
        must_occur(e.get("text"), "entity text")
        for a in e.get("aliases", []):
            must_occur(a, "alias")
        if e.get("type") not in TYPES:
            err(did, f"entity type {e.get('type')}")
        if not e.get("canonical"):
            err(did, f"entity {e.get('text')} has no canonical")
        if "role" in e and e["type"] != "PERSON":
            err(did, f"role on non-PERSON {e['text']}")
        if set(e) - {"text", "type", "canonical", "role", "aliases"}:
            err(did, f"entity keys {set(e)}")
        k = (e.get("type"), e.get("canonical"))
        if k in seen_ent:
            err(did, f"duplicate entity {k}")
        seen_ent.add(k)
        if e.get("type") in ("PERSON", "ORG"):
            canon_ok[e["canonical"]] = e
    # quotes
    qtexts = set()
    for q in doc["quotes"]:
        must_occur(q.get("text"), "quote")
        if q.get("speaker") not in canon_ok:
            err(did, f"quote speaker {q.get('speaker')!r} is not a PERSON/ORG canonical")
        qtexts.add(q.get("text"))
    for m in re.finditer(r'"([^"\n]+)"|“([^”\n]+)”|「([^」\n]+)」', body):
        inner = next(g for g in m.groups() if g is not None)
        if inner not in qtexts and not any(inner.startswith(p) for p in ANON.get(did, [])):
            warn(did, f"quoted span not annotated: {inner[:40]!r}")
    inners = [g for tup in re.findall(r'"([^"\n]+)"|“([^”\n]+)”|「([^」\n]+)」', body) for g in tup if g]
    for p in ANON.get(did, []):
        if not any(t.startswith(p) for t in inners):
            warn(did, f"ANON entry {p!r} matches nothing")
    # dates
    surf = set()
    for d in doc["dates"]:
        t, n = d.get("text"), d.get("normalized")
        must_occur(t, "date")
        if t in surf:
            err(did, f"date surface {t!r} repeated")
        surf.add(t)
        if not isinstance(n, str) or not DATE_RE.match(n):
            err(did, f"date {t!r} normalized {n!r} bad format")
            continue
        r = resolve_date(t, lang, pub)
        if r is None:
            manual.append(f"{did} [{pub}] {t!r} -> {n}")
        elif r != n:
            err(did, f"date {t!r} normalized {n} but resolver says {r}")
    dcover = [sp for t in surf for sp in spans(body, t)]
    for m in re.finditer(DATE_PAT[lang], body):
        if not covered(m.span(), dcover):
            warn(did, f"date-like {m.group(0)!r} not covered: ...{body[max(0, m.start() - 12):m.end() + 8]}...")
    # numbers
    seen_num, ncover = set(), []
    for n in doc["numbers"]:
        t, v, u = n.get("text"), n.get("value"), n.get("unit")
        must_occur(t, "number")
        ncover += list(spans(body, t or "\0"))
        if u not in UNITS:
            err(did, f"number {t!r} unit {u}")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            err(did, f"number {t!r} value {v!r}")
            continue
        key = (round(float(v), 9), u)
        if key in seen_num:
            err(did, f"number (value, unit) {key} repeated")
        seen_num.add(key)
        r = read_number(t, lang)
        if r is None:
            err(did, f"number {t!r}: reader cannot parse")
        elif r[1] != u or abs(r[0] - v) > 1e-6 * max(1.0, abs(v)):
            err(did, f"number {t!r} annotated {v} {u}, reader says {r[0]} {r[1]}")
    for m in re.finditer(MONEY_PAT[lang], body):
        if not covered(m.span(), ncover):
            warn(did, f"money/% {m.group(0)!r} not covered: ...{body[max(0, m.start() - 12):m.end() + 8]}...")
    # keywords
    kws = doc["keywords"]
    if not 5 <= len(kws) <= 10 or len(set(kws)) != len(kws):
        err(did, f"{len(kws)} keywords (need 5-10 distinct)")
    for k in kws:
        must_occur(k, "keyword")
    return doc


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    files = sorted(folder.glob("*.json"))
    if not files:
        sys.exit(f"no *.json in {folder}")
    seen, manual, counts = set(), [], {}
    for f in files:
        doc = check_doc(f, seen, manual)
        if doc:
            c = counts.setdefault(doc.get("lang"), {"docs": 0, "entities": 0, "quotes": 0, "dates": 0,
                                                     "numbers": 0, "keywords": 0})
            c["docs"] += 1
            for k in ("entities", "quotes", "dates", "numbers", "keywords"):
                c[k] += len(doc.get(k, []))
    print("\n".join(warnings + errors))
    if "-v" in sys.argv or "--manual" in sys.argv:
        print("context-dependent dates (check by hand):")
        print("\n".join("  " + m for m in manual))
    for lang, c in sorted(counts.items()):
        print(lang, " ".join(f"{k}={v}" for k, v in c.items()))
    print(f"{len(files)} files, {len(errors)} errors, {len(warnings)} warnings, "
          f"{len(manual)} context-dependent dates not machine-resolved")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
