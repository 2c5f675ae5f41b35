#!/usr/bin/env python3
"""Check the hold-out extraction gold in this folder (stdlib only).

  python3 bench/nlp_holdout/check.py [DIR] [--strict]

Errors (exit 1):
  * JSON/UTF-8 validity, schema keys and types, id == file stem, ids unique,
    lang, published in 2024-01..2025-06, 6-10 body paragraphs, non-ASCII not escaped
  * every entity text / alias, quote text, date text, number text and keyword
    occurs verbatim in body; 5-10 keywords, distinct after the scorer's key
  * quote speaker == canonical of a PERSON or ORG entity; each quote text is
    exactly what lies between a pair of quote marks in the body
  * dates: distinct surfaces, normalized in YYYY-MM-DD|YYYY-MM|YYYY|YYYY-Qn|YYYY-Hn
  * numbers: unit in the gold inventory, distinct (value, unit), and the text
    re-read by a small per-language reader gives the annotated value and unit
Warnings (probable omissions; exit 1 with --strict):
  * quoted spans in the body that are not annotated as quotes
  * money / percentage expressions not covered by an annotated number text
  * date-like words not covered by an annotated date text
Notes (never fail): Korean dates whose mechanical reading differs from the
  annotation; context such as "지난해 10월과 11월" can legitimately override it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

LANGS = {"ko", "en", "ja", "zh", "vi"}
TYPES = {"PERSON", "ORG", "LOCATION", "COUNTRY"}
UNITS = {"KRW", "USD", "JPY", "CNY", "EUR", "VND", "%", "%p"}
NORM_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?$")
KEYS = ["id", "lang", "published", "title", "body", "entities", "quotes", "dates", "keywords", "numbers"]
QUOTE_PAIRS = [('"', '"'), ("“", "”"), ("「", "」")]


def kw_key(s: str) -> str:  # same key as ../shared/tools/score_nlp.py
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip().casefold()
    return re.sub(r"[\s·・･]", "", s)


# ------------------------------------------------------------------ number readers
def _f(s: str, lang: str) -> float:
    if lang == "vi":                      # 25.500 = 25500, 5,65 = 5.65
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    return float(s)


def _cjk_amount(s: str, mults: dict[str, float], lang: str) -> float | None:
    """'1조2000억' -> 1.2e12, '30万亿' -> 3e13, '17万9800' -> 179800."""
    alt = "|".join(sorted(map(re.escape, mults), key=len, reverse=True))
    parts = re.findall(rf"(\d[\d,]*(?:\.\d+)?)({alt})?", s)
    if not parts or "".join(a + b for a, b in parts) != s:
        return None
    return sum(_f(a, lang) * (mults[b] if b else 1) for a, b in parts)


def read_number(text: str, lang: str):
    t = unicodedata.normalize("NFKC", text).strip()
    if lang == "ko":
        m = re.fullmatch(r"([\d.,조억만천]+)(원|달러|유로|엔|위안|%포인트|%p|%)", t)
        if m:
            unit = {"원": "KRW", "달러": "USD", "유로": "EUR", "엔": "JPY", "위안": "CNY",
                    "%포인트": "%p", "%p": "%p", "%": "%"}[m[2]]
            v = _cjk_amount(m[1], {"조": 1e12, "억": 1e8, "만": 1e4, "천": 1e3}, lang)
            return (v, unit) if v is not None else None
    elif lang == "ja":
        m = re.fullmatch(r"([\d.,兆億万]+)(ウォン|円|ドル|ユーロ|元|ポイント|%)", t)
        if m:
            unit = {"ウォン": "KRW", "円": "JPY", "ドル": "USD", "ユーロ": "EUR", "元": "CNY",
                    "ポイント": "%p", "%": "%"}[m[2]]
            v = _cjk_amount(m[1], {"兆": 1e12, "億": 1e8, "万": 1e4}, lang)
            return (v, unit) if v is not None else None
    elif lang == "zh":
        m = re.fullmatch(r"([\d.,万亿]+)(美元|韩元|日元|欧元|越南盾|元|个百分点|%)", t)
        if m:
            unit = {"美元": "USD", "韩元": "KRW", "日元": "JPY", "欧元": "EUR", "越南盾": "VND",
                    "元": "CNY", "个百分点": "%p", "%": "%"}[m[2]]
            v = _cjk_amount(m[1], {"万亿": 1e12, "亿": 1e8, "万": 1e4}, lang)
            return (v, unit) if v is not None else None
    elif lang == "en":
        m = re.fullmatch(r"(\$)?(\d[\d,]*(?:\.\d+)?)(?: (thousand|million|billion|trillion))?"
                         r"(?: (won|yen|yuan|euros|dollars|percent|percentage points?))?", t)
        if m:
            mult = {None: 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}[m[3]]
            word = m[4]
            if m[1] and not word:
                unit = "USD"
            elif word and not m[1]:
                unit = {"won": "KRW", "yen": "JPY", "yuan": "CNY", "euros": "EUR", "dollars": "USD",
                        "percent": "%"}.get(word, "%p")
            else:
                return None
            return _f(m[2], lang) * mult, unit
    elif lang == "vi":
        m = re.fullmatch(r"(\d[\d.,]*)(?: (nghìn tỷ|tỷ|triệu|nghìn))? ?(USD|đồng|won|yen|euro|nhân dân tệ"
                         r"|%|điểm phần trăm)", t)
        if m:
            mult = {None: 1, "nghìn tỷ": 1e12, "tỷ": 1e9, "triệu": 1e6, "nghìn": 1e3}[m[2]]
            unit = {"USD": "USD", "đồng": "VND", "won": "KRW", "yen": "JPY", "euro": "EUR",
                    "nhân dân tệ": "CNY", "%": "%", "điểm phần trăm": "%p"}[m[3]]
            return _f(m[1], lang) * mult, unit
    return None


# candidate money / percentage expressions in a body (for omission warnings)
NUM_CANDIDATES = {
    "ko": r"\d[\d.,]*(?:[조억만천]\d*[\d.,]*)*(?:원|달러|유로|엔|위안|%)(?!대)",
    "ja": r"\d[\d.,]*(?:[兆億万]\d*[\d.,]*)*(?:ウォン|円|ドル|ユーロ|ポイント|[%％])(?!台)",
    "zh": r"\d[\d.,]*(?:万亿|[亿万])?(?:美元|韩元|日元|欧元|元|%|个百分点)",
    "en": r"\$\d[\d.,]*(?: (?:million|billion|trillion))?|\d[\d.,]*(?: (?:million|billion|trillion))?"
          r" (?:won|yen|yuan|euros)\b|\d[\d.,]*(?: percent| percentage points?|%)",
    "vi": r"\d[\d.,]*(?: (?:nghìn tỷ|tỷ|triệu))? (?:USD|đồng|won)|\d[\d.,]*(?:%| điểm phần trăm)",
}
# date-like words (for omission warnings)
DATE_CANDIDATES = {
    "ko": r"\d{4}년|\d{1,2}월|\d{1,2}일(?!간|째|동안)|[1-4]분기|상반기|하반기|지난해|작년|올해|내년|전날|"
          r"이날|당일|지난달|이달|다음 달|전 거래일|전월|전 분기|연내|연말|연초|같은 달|같은 기간|다음 날|1년 전",
    "ja": r"\d{4}年|\d{1,2}月(?!間)|\d{1,2}日(?!間)|今年|昨年|来年|前年同期|前日|同日|今月|先月|来月|上半期|"
          r"下半期|四半期",
    "zh": r"\d{4}年|\d{1,2}月|\d{1,2}日|今年|去年|明年|上月|本月|下月|同期|上半年|下半年|季度|交易日|年内",
    "en": r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
          r"Sunday|(?:19|20)\d{2}|this year|last year|next year|next month|last month|a year (?:earlier|ago)|"
          r"first half|second half|quarter)\b",
    "vi": r"\b\d{1,2}/\d{1,2}\b|tháng \d{1,2}|quý [IV]+|năm \d{4}|năm nay|năm ngoái|năm trước|cùng kỳ|"
          r"cuối năm|đầu năm|nửa đầu|nửa cuối",
}


def spans(body: str, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(text)) for m in re.finditer(re.escape(text), body)]


def covered(span, cover) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in cover)


# ------------------------------------------------------------------ Korean date advisory reader
def ko_expected(text: str, pub: dt.date) -> str | None:
    y, mo, d = pub.year, pub.month, pub.day

    def shift(yy, mm, k):
        mm += k
        return yy + (mm - 1) // 12, (mm - 1) % 12 + 1

    rel_y = {"올해": y, "지난해": y - 1, "내년": y + 1}
    rel_m = {"지난달": shift(y, mo, -1), "이달": (y, mo), "다음 달": shift(y, mo, 1)}
    t = re.sub(r"\(현지시간\)$", "", text)
    if m := re.fullmatch(r"(오는 |지난 )?(\d{1,2})일", t):
        yy, mm = y, mo
        if m[1] == "오는 " and int(m[2]) < d:
            yy, mm = shift(y, mo, 1)
        if m[1] == "지난 " and int(m[2]) > d:
            yy, mm = shift(y, mo, -1)
        return f"{yy}-{mm:02d}-{int(m[2]):02d}"
    if m := re.fullmatch(r"(지난달|이달|다음 달)(?: (초|말|중)| (\d{1,2})일)?|(지난달|이달|다음 달)(\d{1,2})일", t):
        yy, mm = rel_m[m[1]]
        return f"{yy}-{mm:02d}" + (f"-{int(m[3]):02d}" if m[3] else "")
    if m := re.fullmatch(r"(올해|지난해|내년)(?: (\d{1,2})월(?: (\d{1,2})일)?| ([1-4])분기| (상|하)반기| 말)?", t):
        yy = rel_y[m[1]]
        if m[2]:
            return f"{yy}-{int(m[2]):02d}" + (f"-{int(m[3]):02d}" if m[3] else "")
        if m[4]:
            return f"{yy}-Q{m[4]}"
        if m[5]:
            return f"{yy}-H{1 if m[5] == '상' else 2}"
        return f"{yy}-12" if t.endswith("말") else str(yy)
    if m := re.fullmatch(r"(오는 |지난 )?(\d{1,2})월(?: (\d{1,2})일)?(?: (초|말|중))?", t):
        yy, mm = y, int(m[2])
        if m[1] == "오는 " and mm < mo:
            yy += 1
        if m[1] == "지난 " and mm > mo:
            yy -= 1
        return f"{yy}-{mm:02d}" + (f"-{int(m[3]):02d}" if m[3] else "")
    if m := re.fullmatch(r"(\d{4})년(?: (\d{1,2})월)?", t):
        return m[1] + (f"-{int(m[2]):02d}" if m[2] else "")
    if m := re.fullmatch(r"([1-4])분기|(상|하)반기", t):
        return f"{y}-Q{m[1]}" if m[1] else f"{y}-H{1 if m[2] == '상' else 2}"
    if t in ("이날", "당일"):
        return pub.isoformat()
    if t in ("연내",):
        return str(y)
    if t in ("연말",):
        return f"{y}-12"
    return None


# ------------------------------------------------------------------ main check
def check_doc(path: Path, doc: dict, raw: str) -> tuple[list[str], list[str]]:
    E, W, notes = [], [], []
    err, warn = E.append, W.append
    if list(doc) != KEYS:
        err(f"keys {list(doc)} != {KEYS}")
    if doc.get("id") != path.stem:
        err(f"id {doc.get('id')!r} != file stem {path.stem!r}")
    lang = doc.get("lang")
    if lang not in LANGS:
        err(f"lang {lang!r}")
    try:
        pub = dt.date.fromisoformat(doc.get("published", ""))
        if not (dt.date(2024, 1, 1) <= pub <= dt.date(2025, 6, 30)):
            err(f"published {pub} outside 2024-01..2025-06")
    except ValueError:
        err(f"published {doc.get('published')!r} not YYYY-MM-DD")
        pub = None
    if "\\u" in raw:
        err("non-ASCII characters are escaped (write with ensure_ascii=False)")
    body, title = doc.get("body", ""), doc.get("title", "")
    if not isinstance(title, str) or not title.strip():
        err("empty title")
    paras = body.split("\n")
    if not 6 <= len(paras) <= 10 or any(not p.strip() for p in paras):
        err(f"{len(paras)} paragraphs (need 6-10, non-empty)")

    def must_occur(what, s):
        if not isinstance(s, str) or not s:
            err(f"{what}: empty or not a string")
        elif s not in body:
            err(f"{what} {s!r} not in body")

    # entities
    canon_by_type: dict[str, set] = {}
    seen_ent = set()
    for e in doc.get("entities", []):
        if set(e) - {"text", "type", "canonical", "role", "aliases"} or not {"text", "type", "canonical"} <= set(e):
            err(f"entity keys {sorted(e)}")
        if e.get("type") not in TYPES:
            err(f"entity type {e.get('type')!r}")
        if "role" in e and e.get("type") != "PERSON":
            err(f"role on non-PERSON {e['text']!r}")
        must_occur("entity text", e.get("text"))
        for a in e.get("aliases", []):
            must_occur(f"alias of {e.get('canonical')}", a)
        k = (e.get("type"), e.get("canonical"))
        if k in seen_ent:
            err(f"duplicate entity {k}")
        seen_ent.add(k)
        canon_by_type.setdefault(e.get("type"), set()).add(e.get("canonical"))
    speakers = canon_by_type.get("PERSON", set()) | canon_by_type.get("ORG", set())

    # quotes
    marked = []  # (inner text, start, end) of every quote-mark pair in body
    for op, cl in QUOTE_PAIRS:
        pat = re.escape(op) + r"([^" + re.escape(op + cl) + r"\n]+)" + re.escape(cl)
        marked += [(m[1], m.start(1), m.end(1)) for m in re.finditer(pat, body)]
    qtexts = set()
    for q in doc.get("quotes", []):
        if set(q) != {"speaker", "text"}:
            err(f"quote keys {sorted(q)}")
        if q.get("speaker") not in speakers:
            err(f"quote speaker {q.get('speaker')!r} is not a PERSON/ORG canonical")
        must_occur("quote text", q.get("text"))
        if q.get("text") not in {m[0] for m in marked}:
            err(f"quote text is not exactly a quote-marked span: {q.get('text')!r}")
        if q.get("text") in qtexts:
            err(f"duplicate quote {q.get('text')!r}")
        qtexts.add(q.get("text"))
    for inner, *_ in marked:
        # short quoted tokens without spaces are names/titles (「HBM3E」), not quotes
        if inner not in qtexts and not (len(inner) <= 12 and not re.search(r"\s", inner)):
            warn(f"quoted span not annotated: {inner!r}")

    # dates
    seen = set()
    cover = []
    for d in doc.get("dates", []):
        t, n = d.get("text"), d.get("normalized")
        if set(d) != {"text", "normalized"}:
            err(f"date keys {sorted(d)}")
        must_occur("date text", t)
        if t in seen:
            err(f"duplicate date surface {t!r}")
        seen.add(t)
        if not isinstance(n, str) or not NORM_RE.match(n):
            err(f"date {t!r}: bad normalized {n!r}")
        elif len(n) == 10:
            try:
                dt.date.fromisoformat(n)
            except ValueError:
                err(f"date {t!r}: impossible day {n}")
        cover += spans(body, t or "\0")
        if lang == "ko" and pub and isinstance(t, str):
            exp = ko_expected(t, pub)
            if exp and exp != n:
                notes.append(f"date {t!r} annotated {n}, mechanical reading {exp} (check context)")
    for m in re.finditer(DATE_CANDIDATES.get(lang, r"(?!)"), body, flags=re.I if lang == "vi" else 0):
        if not covered((m.start(), m.end()), cover):
            warn(f"date-like {m[0]!r} not covered: ...{body[max(0, m.start() - 15):m.end() + 15]}...")

    # numbers
    seen = set()
    cover = []
    for x in doc.get("numbers", []):
        t, v, u = x.get("text"), x.get("value"), x.get("unit")
        if set(x) != {"text", "value", "unit"}:
            err(f"number keys {sorted(x)}")
        must_occur("number text", t)
        if u not in UNITS:
            err(f"number {t!r}: unit {u!r} not in {sorted(UNITS)}")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            err(f"number {t!r}: value {v!r} is not a number")
            continue
        key = (round(float(v), 9), u)
        if key in seen:
            err(f"duplicate number (value, unit) {key}")
        seen.add(key)
        r = read_number(t, lang) if isinstance(t, str) else None
        if r is None:
            err(f"number {t!r}: reader cannot parse it")
        elif r[1] != u or abs(r[0] - v) > 1e-6 * max(1.0, abs(v)):
            err(f"number {t!r}: annotated ({v}, {u}) but reads as {r}")
        cover += spans(body, t or "\0")
    for m in re.finditer(NUM_CANDIDATES[lang], body):
        if not covered((m.start(), m.end()), cover):
            warn(f"money/percent {m[0]!r} not covered: ...{body[max(0, m.start() - 15):m.end() + 15]}...")

    # keywords
    kws = doc.get("keywords", [])
    if not 5 <= len(kws) <= 10:
        err(f"{len(kws)} keywords (need 5-10)")
    for k in kws:
        must_occur("keyword", k)
    if len({kw_key(k) for k in kws if isinstance(k, str)}) != len(kws):
        err("duplicate keywords (after NFKC/casefold/space removal)")
    return E, W, notes


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    files = sorted(folder.glob("*.json"))
    if not files:
        print(f"no *.json in {folder}")
        return 1
    n_err = n_warn = 0
    ids: dict[str, str] = {}
    totals: dict[str, dict[str, int]] = {}
    for f in files:
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8")
            doc = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as ex:
            print(f"ERROR {f.name}: unreadable ({ex})")
            n_err += 1
            continue
        errs, warns, notes = check_doc(f, doc, text)
        if doc.get("id") in ids:
            errs.append(f"id {doc.get('id')!r} also used by {ids[doc.get('id')]}")
        ids[doc.get("id")] = f.name
        for e in errs:
            print(f"ERROR {f.name}: {e}")
        for w in warns:
            print(f"WARN  {f.name}: {w}")
        for x in notes:
            print(f"NOTE  {f.name}: {x}")
        n_err += len(errs)
        n_warn += len(warns)
        c = totals.setdefault(doc.get("lang", "?"), dict.fromkeys(
            ["docs", "entities", "quotes", "dates", "numbers", "keywords"], 0))
        c["docs"] += 1
        for k in ["entities", "quotes", "dates", "numbers", "keywords"]:
            c[k] += len(doc.get(k, []))
    print(f"\n{'lang':<6}{'docs':>5}{'ents':>6}{'quotes':>7}{'dates':>6}{'nums':>6}{'kws':>5}")
    for lang in sorted(totals) + ["all"]:
        c = totals.get(lang) or {k: sum(t[k] for t in totals.values()) for k in next(iter(totals.values()))}
        print(f"{lang:<6}{c['docs']:>5}{c['entities']:>6}{c['quotes']:>7}{c['dates']:>6}{c['numbers']:>6}"
              f"{c['keywords']:>5}")
    print(f"\n{len(files)} files, {n_err} errors, {n_warn} warnings")
    return 1 if n_err or (strict and n_warn) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
