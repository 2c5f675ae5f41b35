"""Date expressions: find them in a body and normalise them (ko, en, ja, zh, vi).

``extract_dates(text, lang, published)`` scans the text with compiled per-language
patterns; at each position the longest match wins, and matches are resolved left to
right against ``published`` and two running references:

* the *reported day*: the last explicit day on or before ``published`` (a later day
  only inside its own paragraph). 이날/당일/同日/当天/the same day are that day;
  전날/前日/the previous day the day before; 전 거래일/the previous session the business
  day before.
* the *reported period*: the last month, quarter, half or year mentioned. Comparison
  bases (지난해 같은 기간, 전년 동월, 前年同期, 去年同期, a year earlier, cùng kỳ) are that
  period a year back; 전월/전 분기/the previous quarter step back from it.

Values follow the gold conventions: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Hn``,
``YYYY``. Vague sub-periods (이달 말, 今月初め, 本月上旬, cuối tháng 8, later this month)
resolve to their month; the end of a year (연말, 年末, the end of 2025) to its December.
Durations (1년 7개월째, 2日間, 3 tháng), recurring (매년, 每周一), vague words (최근) and
ordinals (제1차) are not matched. Relative expressions without ``published`` are skipped.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Callable

from newsflow.extract._scan import finditer
from newsflow.extract.base import END, START, Column, Table

Value = tuple[str, int, int, int]  # (kind D|M|Q|H|Y|X, year, month/quarter/half, day)
_NOTHING = ("", 0, 0, 0)  # consumed, but not a date we can write down


class _Unresolved(Exception):
    """A relative expression with nothing to resolve it against."""


def _need(x):
    if x is None:
        raise _Unresolved
    return x


def _key(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + m - 1 + k
    return t // 12, t % 12 + 1


def _day(d: date) -> Value:
    return ("D", d.year, d.month, d.day)


def _prev_business_day(d: date) -> date:
    d -= timedelta(days=1)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def _year_back(v: Value) -> Value:
    kind, y, n, d = v
    if kind == "D" and n == 2 and d == 29:
        d = 28
    return (kind, y - 1, n, d)


def normalize(v: Value) -> str:
    kind, y, n, d = v
    return {"D": f"{y:04d}-{n:02d}-{d:02d}", "M": f"{y:04d}-{n:02d}", "Q": f"{y:04d}-Q{n}",
            "H": f"{y:04d}-H{n}", "Y": f"{y:04d}"}[kind]


# ----------------------------------------------------------------------------------------
# Word tables (keys: lower case, no spaces). An int is an offset from ``published``; "r-1",
# "r0", "r+1" are offsets from the reported period / day.

_YEAR_WORDS = {
    # ko
    "올해": 0, "올": 0, "금년": 0, "지난해": -1, "작년": -1, "내년": 1, "내후년": 2, "재작년": -2,
    "전년": "r-1", "이듬해": "r+1", "같은해": "r0", "그해": "r0", "다음해": "r+1",
    # ja / zh
    "今年": 0, "本年": 0, "昨年": -1, "去年": -1, "来年": 1, "明年": 1, "再来年": 2, "一昨年": -2,
    "后年": 2, "上年": -1, "前年": "r-1", "翌年": "r+1", "次年": "r+1", "同年": "r0",
    # en
    "thisyear": 0, "theyear": 0, "nextyear": 1, "lastyear": -1,
    "thepreviousyear": "r-1", "theprioryear": "r-1", "theyearbefore": "r-1",
    "thefollowingyear": "r+1", "thesameyear": "r0",
    # vi
    "nay": 0, "ngoái": -1, "trước": -1, "sau": 1, "tới": 1,
}
_YEAR_WORDS_ZH = {**_YEAR_WORDS, "前年": -2}
_MONTH_WORDS = {
    "지난달": -1, "이달": 0, "이번달": 0, "당월": "r0", "다음달": 1, "내달": 1, "익월": "r+1",
    "전월": "r-1", "같은달": "r0", "한달전": "r-1", "1개월전": "r-1", "월말": 0, "월초": 0, "月末": 0, "月底": 0, "月初": 0,
    "今月": 0, "先月": -1, "来月": 1, "前月": "r-1", "翌月": "r+1", "同月": "r0", "当月": "r0",
    "本月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1, "这个月": 0, "次月": "r+1",
    "thismonth": 0, "lastmonth": -1, "nextmonth": 1, "themonth": 0, "thepreviousmonth": "r-1",
    "thepriormonth": "r-1", "amonthearlier": "r-1", "amonthago": "r-1", "themonthbefore": "r-1",
    "này": 0, "trước": -1, "sau": 1, "tới": 1,
}
_QUARTER_WORDS = {
    "전분기": "r-1", "직전분기": "r-1", "이번분기": 0, "다음분기": 1, "지난분기": -1, "前四半期": "r-1", "前の四半期": "r-1", "上季度": "r-1", "上一季度": "r-1", "本季度": 0,
    "thisquarter": 0, "lastquarter": -1, "nextquarter": 1, "thepreviousquarter": "r-1",
    "thepriorquarter": "r-1", "thepreceedingquarter": "r-1", "theprecedingquarter": "r-1",
    "aquarterearlier": "r-1", "quýtrước": "r-1", "quýnày": 0, "quýtới": 1, "quýsau": 1,
}
# (base, offset): base "pub" = published, "ref" = reported day; offset "b" = previous business day
_DAY_WORDS = {
    "이날": ("ref", 0), "당일": ("ref", 0), "같은날": ("ref", 0), "전날": ("ref", -1), "전일": ("ref", -1),
    "다음날": ("ref", 1), "이튿날": ("ref", 1), "익일": ("ref", 1), "그제": ("pub", -2), "그저께": ("pub", -2),
    "어제": ("pub", -1), "오늘": ("pub", 0), "내일": ("pub", 1), "전거래일": ("ref", "b"),
    "직전거래일": ("ref", "b"), "전장": ("ref", "b"),
    "同日": ("ref", 0), "当日": ("ref", 0), "前日": ("ref", -1), "翌日": ("ref", 1), "昨日": ("pub", -1),
    "本日": ("pub", 0), "今日": ("pub", 0), "明日": ("pub", 1), "一昨日": ("pub", -2), "きょう": ("pub", 0),
    "きのう": ("pub", -1), "あす": ("pub", 1), "前営業日": ("ref", "b"),
    "今天": ("pub", 0), "昨天": ("pub", -1), "明天": ("pub", 1), "前天": ("pub", -2), "当天": ("ref", 0),
    "前一天": ("ref", -1), "前一日": ("ref", -1), "次日": ("ref", 1), "前一交易日": ("ref", "b"),
    "上一交易日": ("ref", "b"),
    "today": ("pub", 0), "yesterday": ("pub", -1), "tomorrow": ("pub", 1), "thesameday": ("ref", 0),
    "thatday": ("ref", 0), "thatsameday": ("ref", 0), "thepreviousday": ("ref", -1),
    "thedaybefore": ("ref", -1), "adayearlier": ("ref", -1), "thefollowingday": ("ref", 1),
    "thenextday": ("ref", 1), "theprevioussession": ("ref", "b"), "thepriorsession": ("ref", "b"),
    "theprevioustradingday": ("ref", "b"), "theprevioustradingsession": ("ref", "b"),
    "thepreviousbusinessday": ("ref", "b"),
    "hômnay": ("pub", 0), "hômqua": ("pub", -1), "ngàymai": ("pub", 1), "cùngngày": ("ref", 0),
    "phiêntrước": ("ref", "b"), "phiênliềntrước": ("ref", "b"), "ngàyhômtrước": ("ref", -1),
}
_WEEKDAYS = {
    **{d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                   "sunday"])},
    **{d: i for i, d in enumerate("월화수목금토일")}, **{d: i for i, d in enumerate("月火水木金土")},
    **{d: i for i, d in enumerate("一二三四五六")}, "日": 6, "天": 6,
}
# Week words: offset in weeks from published's week; "n" = first such weekday after published.
_WEEKS = {"지난주": -1, "이번주": 0, "금주": 0, "다음주": 1, "내주": 1, "先週": -1, "今週": 0, "来週": 1,
          "上": -1, "本": 0, "这": 0, "下": 1, "last": -1, "this": 0, "next": "n"}
_DIRS = {"지난": -1, "오는": 1, "last": -1, "next": 1, "this": 0}
_MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_HAN = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_END = {"말", "연말", "末", "年末", "底", "年底", "cuối", "end", "year-end"}
_START = {"초", "연초", "初", "初め", "年初", "đầu", "beginning", "start"}
_FIRST_HALF = {"상", "上", "first", "1", "đầu"}


def _num(s: str) -> int:
    s = s.strip().lower().rstrip(".")
    if s.isdigit():
        return int(s)
    if s in _ROMAN:
        return _ROMAN[s]
    if s[:3] in _MONTH_NAMES:
        return _MONTH_NAMES[s[:3]]
    if s in ("first", "1st"):
        return 1
    if s in ("second", "2nd"):
        return 2
    if s in ("third", "3rd"):
        return 3
    if s in ("fourth", "4th"):
        return 4
    if all(c in _HAN for c in s):  # 十二, 三
        if len(s) == 1:
            return _HAN[s]
        return (_HAN[s[0]] if s[0] != "十" else 1) * 10 + (_HAN[s[-1]] if s[-1] != "十" else 0)
    raise ValueError(s)


# ----------------------------------------------------------------------------------------
# The running context.

class _Ctx:
    def __init__(self, text: str, lang: str, pub: date | None):
        self.text, self.lang, self.pub = text, lang, pub
        self.past_day: date | None = None
        self.last_day: tuple[date, int] | None = None
        self.period: Value | None = None
        self.last_day_end = 0
        self.last_period_end = 0
        self.relative = False  # set by a handler that resolved against the references

    def para(self, pos: int) -> int:
        return self.text.count("\n", 0, pos)

    def ref_day(self, pos: int) -> date | None:
        if self.last_day and self.last_day[1] == self.para(pos):
            return self.last_day[0]
        return self.past_day or self.pub

    def ref_year(self) -> int:
        if self.period:
            return self.period[1]
        return _need(self.past_day or self.pub).year

    def ref_month(self) -> tuple[int, int]:
        if self.period and self.period[0] == "M":
            return self.period[1], self.period[2]
        p = _need(self.pub)
        return p.year, p.month

    def ref_quarter(self) -> tuple[int, int]:
        if self.period and self.period[0] == "Q":
            return self.period[1], self.period[2]
        y, m = self.ref_month()
        return y, (m - 1) // 3 + 1

    def note(self, v: Value, pos: int, end: int) -> None:
        if v[0] == "D":
            d = date(v[1], v[2], v[3])
            self.last_day, self.last_day_end = (d, self.para(pos)), end
            if self.pub is None or d <= self.pub:
                self.past_day = d
        else:
            self.period = v
            self.last_period_end = end

    def offset(self, table: dict, word: str) -> tuple[int, bool]:
        """Offset for a relative word and whether it is relative to the references."""
        off = table[_key(word)]
        if isinstance(off, str):
            self.relative = True
            return int(off[1:]), True
        return off, False

    def future(self, pos: int) -> bool:
        """English: does the clause so far speak of the future?"""
        start = max([self.text.rfind("\n", 0, pos) + 1] + [m.end() for m in _CLAUSE_END.finditer(self.text, 0, pos)])
        before = self.text[start:pos]
        return bool(_FUTURE.search(before) or _FUTURE_PREV.search(before))


_SINCE_BEFORE = re.compile(r"(?:\b[Ss]ince|kể từ)\s+(?:(?:the|early|late|mid)[\s-]+)?$")
_EARLIER_BEFORE = re.compile(r"앞서\s*$")  # 앞서 9일: an earlier event mentioned in passing, not the reported day
_SINCE_AFTER = re.compile(r"(?:\s?\([^()\n]{0,20}\))?\s?(?:이후|以来)")
_LIST_GAP = re.compile(r"\s*(?:[,~∼～〜\-–、]|과|와|및|and|or|, and)?\s*")
_CLAUSE_END = re.compile(r"[.!?](?=\s+[A-Z\"“])|[,;:\"“”—]")
_FUTURE = re.compile(r"\b(?:will|shall|plans?\s+to|planned\s+to|planning\s+to|scheduled|(?:is|are)\s+set\s+to|"
                     r"(?:is|are)\s+due|expect(?:s|ed)?\s+to|aims?\s+to|intends?\s+to|upcoming)\b|'ll\b", re.I)
_FUTURE_PREV = re.compile(r"\b(?:by|until|till|starting|coming|upcoming)\s+(?:(?:early|late|mid)[-\s])?$", re.I)
_MAY_OK = re.compile(r"\b(?:in|since|until|till|by|of|from|through|to|early|late|mid|last|next|this|between|and|"
                     r"or|during|before|after|on|for)[\s-]+$", re.I)


# ----------------------------------------------------------------------------------------
# Handlers: (match, ctx) -> Value | None (no date here: let a shorter match try) | _NOTHING.

def _year_of(g: dict, cx: _Ctx) -> int | None:
    if g.get("y") or g.get("yv"):
        y = int(g.get("y") or g["yv"])
        return y if 1900 <= y <= 2100 else None
    if g.get("yy"):
        return 2000 + int(g["yy"])
    if g.get("yw"):
        table = _YEAR_WORDS_ZH if cx.lang == "zh" else _YEAR_WORDS
        off, rel = cx.offset(table, re.sub("度$", "", g["yw"]))
        return cx.ref_year() + off if rel else _need(cx.pub).year + off
    return None


def _infer_year(cx: _Ctx, pos: int, mo: int, dirn: int | None, d: int = 0) -> int:
    """Year of a month (and day) written without one."""
    p = _need(cx.pub)
    target, now = (mo, d), (p.month, p.day if d else 0)
    if dirn == -1:
        return p.year if target < now else p.year - 1
    if dirn == 1:
        return p.year if target > now else p.year + 1
    if cx.lang != "en" or dirn == 0:
        return p.year
    # English: the most recent such month, unless it is just ahead or the sentence looks forward.
    ahead = mo - p.month
    return p.year if ahead <= 2 or cx.future(pos) else p.year - 1


def _calendar(m: re.Match, cx: _Ctx) -> Value | None:
    g = {k: v for k, v in m.groupdict().items() if v}
    year = _year_of(g, cx)
    if ("y" in g or "yv" in g) and year is None:
        return None
    dirn = _DIRS.get(g["dir"].lower()) if "dir" in g else None
    mon = g.get("mo") or g.get("mon")
    if "mon" in g and "d" not in g and year is None:  # English month name on its own
        name = g["mon"]
        if len(name) <= 4 and name.lower() not in ("may", "june", "july"):
            return None  # "Jan", "Mar" alone: a name, not a month
        if name == "May" and m.start() == m.start("mon") and not _MAY_OK.search(cx.text, max(0, m.start() - 20),
                                                                                  m.start()):
            return None
    if "d" in g:
        d = int(g["d"])
        if mon:
            mo = _num(mon)
            if not 1 <= mo <= 12:
                return None
            if year is None:
                year = _infer_year(cx, m.start(), mo, dirn, d)
        elif "mw" in g:
            off, rel = cx.offset(_MONTH_WORDS, g["mw"])
            year, mo = _add_months(*(cx.ref_month() if rel else (_need(cx.pub).year, cx.pub.month)), off)
        elif dirn is None and cx.last_day and _LIST_GAP.fullmatch(cx.text[cx.last_day_end:m.start()]):
            year, mo = cx.last_day[0].year, cx.last_day[0].month  # 3월 5일과 6일, 7월 26∼27일
        else:
            p = _need(cx.pub)
            year, mo = p.year, p.month
            if dirn == -1 and d > p.day:
                year, mo = _add_months(year, mo, -1)
            elif dirn == 1 and d < p.day:
                year, mo = _add_months(year, mo, 1)
        try:
            return _day(date(year, mo, d))
        except ValueError:
            return None
    if "m1" in g:
        a, b = _num(g["m1"]), _num(g["m2"])
        year = year if year is not None else _need(cx.pub).year
        if (a, b) in ((1, 3), (4, 6), (7, 9), (10, 12)):
            return ("Q", year, b // 3, 0)
        if (a, b) in ((1, 6), (7, 12)):
            return ("H", year, b // 6, 0)
        return _unwritable_span(g, cx, year)
    if "q" in g:
        q = _num(g["q"])
        if not 1 <= q <= 4:
            return None
        if year is None and dirn in (-1, 1):
            p = _need(cx.pub)
            now = (p.month - 1) // 3 + 1
            year = p.year + (0 if (q - now) * dirn > 0 else dirn)
        elif year is None:
            p = _need(cx.pub)
            year = p.year
            # English: a quarter not begun yet is last year's when that one ended nearer to published.
            ahead, back = 3 * q - 2 - p.month, p.month + 12 - 3 * q
            if cx.lang == "en" and ahead > 0 and back < ahead and not cx.future(m.start()):
                year -= 1
        return ("Q", year, q, 0)
    if "h" in g:
        h = 1 if g["h"].lower() in _FIRST_HALF else 2
        if year is None:
            p = _need(cx.pub)
            now = 1 if p.month <= 6 else 2
            year = p.year + (0 if dirn not in (-1, 1) or (h - now) * dirn > 0 else dirn)
        return ("H", year, h, 0)
    if mon:
        mo = _num(mon)
        if not 1 <= mo <= 12:
            return None
        if year is None and dirn is None and cx.period and cx.period[0] == "M" \
                and _LIST_GAP.fullmatch(cx.text[cx.last_period_end:m.start()]):
            year = cx.period[1]  # 지난해 10월과 11월: the second month shares the first one's year
        return ("M", year if year is not None else _infer_year(cx, m.start(), mo, dirn), mo, 0)
    if "mw" in g:
        off, rel = cx.offset(_MONTH_WORDS, g["mw"])
        y, mo = _add_months(*(cx.ref_month() if rel else (_need(cx.pub).year, cx.pub.month)), off)
        return ("M", y, mo, 0)
    if "qw" in g:
        off, rel = cx.offset(_QUARTER_WORDS, g["qw"])
        if rel:
            y, q = cx.ref_quarter()
        else:
            y, q = _need(cx.pub).year, (cx.pub.month - 1) // 3 + 1
        t = y * 4 + q - 1 + off
        return ("Q", t // 4, t % 4 + 1, 0)
    sub = (g.get("sub") or g.get("ye") or "").lower()
    if year is None:
        if "ye" not in g:
            return None
        year = _need(cx.pub).year
    if sub in _END:
        return ("M", year, 12, 0)
    if sub in _START:
        return ("M", year, 1, 0)
    return ("Y", year, 0, 0)


def _same_period_last_year(m: re.Match, cx: _Ctx) -> Value:
    cx.relative = True
    unit = (m.groupdict().get("u") or m.groupdict().get("u2") or "").lower()
    p = cx.period
    if unit in ("달", "월", "month", "月"):
        y, mo = cx.ref_month()
        return ("M", y - 1, mo, 0)
    if unit in ("분기", "quarter", "四半期"):
        y, q = cx.ref_quarter()
        return ("Q", y - 1, q, 0)
    if p and p[0] == "X":
        return _NOTHING
    if p:
        return _year_back(p)
    y, mo = cx.ref_month()
    return ("M", y - 1, mo, 0)


def _same_period_of_year(m: re.Match, cx: _Ctx) -> Value:
    """2019년 같은 달: the reported month (quarter, period) in the year named."""
    cx.relative = True
    year = int(m.group("y"))
    unit = (m.groupdict().get("u") or m.groupdict().get("u2") or "").lower()
    if unit in ("달", "월"):
        return ("M", year, cx.ref_month()[1], 0)
    if unit == "분기":
        return ("Q", year, cx.ref_quarter()[1], 0)
    p = cx.period
    if p and p[0] in ("M", "Q", "H"):
        return (p[0], year, p[2], 0)
    return ("M", year, cx.ref_month()[1], 0)


def _day_word(m: re.Match, cx: _Ctx) -> Value:
    base, off = _DAY_WORDS[_key(m.group("dw"))]
    if base == "pub":
        d = _need(cx.pub)
    else:
        d = _need(cx.ref_day(m.start()))
        cx.relative = off != 0
    if off == "b":
        return _day(_prev_business_day(d))
    return _day(d + timedelta(days=off))


def _weekday(m: re.Match, cx: _Ctx) -> Value:
    p = _need(cx.pub)
    wd = _WEEKDAYS[m.group("wd").lower()]
    wk = m.groupdict().get("wk")
    if wk:
        k = _WEEKS[_key(wk)]
        if k == "n":
            return _day(p + timedelta(days=(wd - p.weekday()) % 7 or 7))
        return _day(p - timedelta(days=p.weekday()) + timedelta(days=7 * k + wd))
    if cx.lang == "en" and cx.future(m.start()):
        return _day(p + timedelta(days=(wd - p.weekday()) % 7))
    return _day(p - timedelta(days=(p.weekday() - wd) % 7))


def _years_ago(m: re.Match, cx: _Ctx) -> Value:
    n = m.group("n").lower()
    k = int(n) if n.isdigit() else ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"].index(n) + 2
    return ("Y", _need(cx.pub).year - k, 0, 0)


def _quarter_range(m: re.Match, cx: _Ctx) -> Value:
    """1∼2분기 is the first half, 3∼4분기 the second; other spans are not written down."""
    g = {k: v for k, v in m.groupdict().items() if v}
    year = _year_of(g, cx)
    year = year if year is not None else _need(cx.pub).year
    span = (int(g["q1"]), int(g["q2"]))
    if span in ((1, 2), (3, 4)):
        return ("H", year, span[0] // 2 + 1, 0)
    return _unwritable_span(g, cx, year)


def _unwritable_span(g: dict, cx: _Ctx, year: int) -> Value:
    """올해 1∼9월: only its year can be written; 같은 기간 after it is not resolved."""
    cx.period, cx.relative = ("X", year, 0, 0), True
    return ("Y", year, 0, 0) if g.keys() & {"y", "yv", "yw"} else _NOTHING


def _unwritable(m: re.Match, cx: _Ctx) -> Value:
    """前三季度, the first nine months of 2023, 9 tháng đầu năm."""
    g = {k: v for k, v in m.groupdict().items() if v}
    year = _year_of(g, cx)
    return _unwritable_span(g, cx, year if year is not None else _need(cx.pub).year)


def _calendar_q1(m: re.Match, cx: _Ctx) -> Value:
    g = {k: v for k, v in m.groupdict().items() if v}
    year = _year_of(g, cx)
    return ("Q", year if year is not None else _need(cx.pub).year, 1, 0)


# ----------------------------------------------------------------------------------------
# Patterns. Group names: y/yy/yw year, mo/mon month, mw month word, d day, q quarter,
# qw quarter word, h half, m1-m2 month range, sub/ye sub-period, dir 지난/오는/last/next,
# dw day word, wd/wk weekday and week, u comparison unit, t the surface (when not all).

_ISO = r"(?<![\d.])(?P<y>\d{4})([-./])(?P<mo>\d{1,2})\2(?P<d>\d{1,2})(?![\d])"
_W = r"(?<!\w)"  # a word starts here

# Korean
_KY = r"(?:(?P<y>\d{4})\s?년(?:도)?|(?P<yw>올해|올|금년|지난\s?해|작년|내년|내후년|재작년|이듬해|전년|같은\s?해|그\s?해|다음\s?해)(?:도)?)"
_KDAY_END = (r"일(?!간|째|치|씩|\s*(?:동안|만에|만이|이내|연속|넘게|가량|정도|이상|이하|미만|남짓|내외)|\s*(?:후|뒤|전|새)(?![가-힣]))"
             r"(?:\s?\((?:현지\s?시[간각]|한국\s?시[간각]|[월화수목금토일])\))?")
_KSUB = r"(?:\s?(?P<sub>말|초(?![과기])|중순|초순|상순|하순|께))?"
_KMW = r"(?P<mw>지난\s?달|이달|이번\s?달|다음\s?달|내달|당월|익월|같은\s?달)"
_KO = [
    (_ISO, _calendar),
    (_W + r"(?:(?P<dir>지난|오는)\s)?(?:" + _KY + r"\s?)?(?P<mo>\d{1,2})월\s?(?P<d>\d{1,2})" + _KDAY_END, _calendar),
    (_W + r"(?:(?P<dir>지난|오는)\s)?(?:" + _KY + r"\s?)?(?P<mo>\d{1,2})월\s?(?P<d>\d{1,2})(?=\s?[~∼～〜-]\s?\d{1,2}일)",
     _calendar),
    (_W + _KMW + r"\s?(?P<d>\d{1,2})" + _KDAY_END, _calendar),
    (r"(?:" + _W + r"(?P<dir>지난|오는)\s)?(?<![\d.,제])(?<!매월\s)(?<!매달\s)(?P<d>\d{1,2})" + _KDAY_END, _calendar),
    (r"(?:" + _W + r"(?P<dir>지난|오는)\s)?(?<![\d.,])(?P<t>(?P<d>\d{1,2}))(?=\s?[~∼～〜-]\s?\d{1,2}일)", _calendar),
    (_W + r"(?:(?P<dir>지난|오는)\s)?(?:" + _KY + r"\s?)?(?<!매년\s)(?<!해마다\s)(?P<mo>\d{1,2})월(?!물|간)" + _KSUB,
     _calendar),
    (_W + _KMW + _KSUB, _calendar),
    (_W + r"(?:(?P<dir>지난|오는)\s)?(?:" + _KY + r"\s?)?(?P<q>[1-4])(?:\s?·\s?4)?\s?분기(?!마다|별|\s?연속|째)" + _KSUB,
     _calendar),
    (_W + r"(?:" + _KY + r"\s?)?(?P<q1>[1-4])\s?[~∼～〜-]\s?(?P<q2>[1-4])\s?분기", _quarter_range),
    (_W + r"(?:(?P<dir>지난|오는)\s)?(?:" + _KY + r"\s?)?(?P<h>상|하)반기" + _KSUB, _calendar),
    (_W + r"(?P<qw>(?:이번|다음|지난)\s?분기)", _calendar),
    (_W + r"(?P<mw>월말|월초)", _calendar),
    (_W + r"(?:" + _KY + r"\s?)?(?P<m1>\d{1,2})\s?[~∼～〜-]\s?(?P<m2>\d{1,2})월(?!\s?(?:\d{1,2}일))", _calendar),
    (_W + r"(?P<y>\d{4})\s?년(?:도)?(?!대|간|째|생|치|물|형|\s?(?:동안|만에|연속))(?:\s?(?P<sub>말|초(?![과기])))?", _calendar),
    (_W + r"(?<!\d)(?P<t>(?P<y>\d{4}))(?=\s?[~∼～〜-]\s?\d{4}\s?년)", _calendar),
    (_W + r"(?P<yw>올(?=\s?들어)|올해|금년|지난\s?해|작년|내년|내후년|재작년|이듬해|전년)(?:도)?(?:\s(?P<sub>말|초(?![과기])))?", _calendar),
    (_W + r"(?:" + _KY + r"\s?)?(?P<ye>연말|연초)(?!정산|연시)", _calendar),
    (_W + r"(?:지난\s?해|작년|전년)\s?(?:같은\s?(?P<u>기간|달|월|분기|시기|때)|동(?P<u2>기|월|분기|기간))", _same_period_last_year),
    (_W + r"(?P<y>\d{4})\s?년\s?(?:같은\s?(?P<u>기간|달|월|분기|시기|때)|동(?P<u2>기|월|분기|기간))", _same_period_of_year),
    (_W + r"(?P<mw>전월)(?!세|말)", _calendar),
    (_W + r"(?P<mw>(?:한\s?달|1개월)\s?전)(?=보다|에\s?비해|\s?대비|과|와)", _calendar),
    (_W + r"1년\s?전(?=보다|에\s?비해|\s?대비|과|와)", _same_period_last_year),
    (_W + r"(?P<qw>(?:직)?전\s?분기)", _calendar),
    (_W + r"(?P<dw>이날|당일|같은\s?날|전날|전일|다음\s?날|이튿날|익일|그저께|그제|어제|오늘|내일)"
          r"(?!날|제|본|오늘|치기)", _day_word),
    (_W + r"(?P<dw>(?:직)?전\s?거래일|전장(?=\s?(?:보다|대비|종가)))", _day_word),
    (_W + r"(?:(?P<wk>지난\s?주|이번\s?주|다음\s?주|금주|내주)\s?)?(?P<wd>[월화수목금토일])요일", _weekday),
]

# English
_MON = (r"(?P<mon>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
        r"Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)(?![A-Za-z])")
_MONTH_NAME = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_EY_OF = r"(?:\s+of\s+(?:(?P<yw>this year|next year|last year|the year)|(?P<y>\d{4})))?"
_NOT_UNIT = (r"(?!\s+(?:percent|per\s?cent|people|persons|workers|employees|jobs|units|vehicles|cars|ships|vessels|"
             r"tons|tonnes|barrels|won|yen|yuan|dollars|euros|shares|points|members|companies|firms|households|"
             r"homes|cases|meters|kilometers|km|miles|feet|square|cubic|megawatts|MW|GW|GWh|kWh|troops|students|"
             r"patients|times|pieces|items|stores|branches)\b)")
_EN = [
    (_ISO, _calendar),
    (r"\b(?:(?P<dir>last|next|this)\s+)?" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d%]|[.,]\d|\s*percent)"
     r"(?:,?\s+(?P<y>\d{4})(?!\d))?", _calendar),
    (r"(?<![\d$.,])\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"(?:,?\s+(?P<y>\d{4})(?!\d))?", _calendar),
    (r"\b(?:(?P<dir>[Ll]ast|[Nn]ext|[Tt]his)\s+|(?:[Ee]arly|[Mm]id|[Ll]ate)[-\s]|(?:the\s+)?(?:end|beginning|start|"
     r"middle)\s+of\s+)?" + _MON + r"(?:,?\s+(?P<y>\d{4})(?!\d))?", _calendar),
    (r"\b(?:[Tt]he\s+)?(?P<sub>end|beginning|start|middle)\s+of\s+(?:(?P<y>\d{4})|(?P<yw>this year|next year|last year|"
     r"the year))\b", _calendar),
    (r"\b(?:[Tt]he\s+)?(?:end|beginning|start|middle)\s+of\s+(?P<mw>this month|next month|last month|the month)\b",
     _calendar),
    (r"\b(?:(?P<sub>end)-|(?:early|mid|late)[-\s])(?P<y>\d{4})\b", _calendar),
    (r"\b(?:(?:the|this)\s+)?(?P<ye>year-end)\b", _calendar),
    (r"(?<![\w$€£¥#.,])(?P<y>19\d\d|20\d\d|2100)(?![\w%]|[.,]\d)" + _NOT_UNIT, _calendar),
    (r"\b(?P<yw>[Tt]his year|[Nn]ext year|[Ll]ast year)\b", _calendar),
    (r"\b(?P<yw>[Tt]he (?:previous|prior|following|same) year|[Tt]he year before)\b", _calendar),
    (r"\b(?P<n>\d|two|three|four|five|six|seven|eight|nine|ten) years ago\b", _years_ago),
    (r"\b(?:[Aa] year (?:earlier|ago|before)|(?:[Tt]he\s+)?same (?:period|time|(?P<u>month|quarter))"
     r"(?: of| a)? (?:last|a|the previous) year|[Tt]he year-(?:earlier|ago) (?:period|(?P<u2>month|quarter)))\b",
     _same_period_last_year),
    (r"\b(?:[Tt]he\s+)?(?P<q>(?i:first|second|third|fourth)|1st|2nd|3rd|4th)[-\s]quarter" + _EY_OF, _calendar),
    (r"\bQ(?P<q>[1-4])(?:\s+(?P<y>\d{4})\b|['’]?(?P<yy>\d{2})\b)?", _calendar),
    (r"\b(?P<q>[1-4])Q(?P<yy>\d{2})?\b", _calendar),
    (r"\b(?:[Tt]he\s+)?(?P<m1>" + _MONTH_NAME + r")(?:-|–|\s+to\s+|\s+through\s+)(?P<m2>" + _MONTH_NAME +
     r")(?:\s+(?:quarter|period))?\b", _calendar),
    (r"\b(?P<qw>(?:[Tt]his|[Ll]ast|[Nn]ext) quarter|[Tt]he (?:previous|prior|preceding) quarter|a quarter earlier)\b",
     _calendar),
    (r"\b(?:[Tt]he\s+)?(?P<h>(?i:first|second))[-\s]half" + _EY_OF, _calendar),
    (r"\bH(?P<h>[12])(?:\s+(?P<y>\d{4}))?\b", _calendar),
    (r"\b(?:[Tt]he\s+)?(?P<h>first|last)\s+six\s+months" + _EY_OF, _calendar),
    (r"\b(?:[Tt]he\s+)?first\s+three\s+months" + _EY_OF, _calendar_q1),
    (r"\b(?:[Tt]he\s+)?first\s+(?:two|four|five|seven|eight|nine|ten|eleven)\s+months" + _EY_OF,
     _unwritable),
    (r"\b(?:(?:later|earlier)\s+)?(?P<mw>this month|last month|next month)\b", _calendar),
    (r"\b(?P<mw>[Tt]he (?:previous|prior) month|a month (?:earlier|ago)|the month before)\b", _calendar),
    (r"\b(?P<dw>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]he (?:same|previous|following|next) day|[Tt]hat (?:same )?day|"
     r"[Tt]he day before|[Aa] day earlier|[Tt]he (?:previous|prior) (?:trading )?session|[Tt]he previous "
     r"(?:trading|business) day)\b", _day_word),
    (r"\b(?:(?P<wk>last|next|this)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", _weekday),
]

# Japanese
_JY = (r"(?:(?P<y>\d{4})年(?:度)?|(?P<yy>[0-9０-９]{2})年(?=[0-9０-９]{1,2}月|度|[上下]半?期)(?:度)?|"
       r"(?P<yw>今年|本年|昨年|去年|前年|来年|翌年|再来年|一昨年|同年)(?:度)?)")
_JSUB = r"(?P<sub>初め|初旬|上旬|中旬|下旬|末|中|ごろ|頃)?"
_JNUM = r"[0-9０-９]"
_JA = [
    (_ISO, _calendar),
    (r"(?<!将)(?<!日)" + _JY + r"?(?P<mo>" + _JNUM + r"{1,2})月(?P<d>" + _JNUM + r"{1,2})日(?!間|目|連続|ぶり)",
     _calendar),
    (r"(?P<mw>今月|先月|来月|前月|翌月|同月|当月)(?P<d>" + _JNUM + r"{1,2})日", _calendar),
    (r"(?<![\d０-９.,])(?<!毎月)(?P<d>" + _JNUM + r"{1,2})日(?!間|目|以内|以上|連続|ぶり|後|前|分|未満|超|元)", _calendar),
    (r"(?<!将)(?<!日)" + _JY + r"?(?<![\d０-９.,])(?<!毎年)(?P<mo>" + _JNUM + r"{1,2})月(?!期|間|目|連続|分)" + _JSUB, _calendar),
    (r"(?P<mw>今月|先月|来月|翌月|同月|当月)" + _JSUB, _calendar),
    (r"(?<!将)(?<!日)" + _JY + r"?第(?P<q>[1-4１-４一二三四])四半期", _calendar),
    (r"(?<!将)(?<!日)" + _JY + r"?(?<![以売計向途頂地海上下天水])(?P<h>上|下)半?期", _calendar),
    (r"(?<!将)(?<!日)" + _JY + r"?(?<![\d０-９])(?P<m1>" + _JNUM + r"{1,2})\s?[～〜~\-−―ー]\s?(?P<m2>" + _JNUM +
     r"{1,2})月(?:期)?", _calendar),
    (r"(?<![\d０-９])(?P<y>" + _JNUM + r"{4})年(?:度)?(?!間|代|ぶり|連続|目|生|以上)(?P<sub>末|初め|初)?", _calendar),
    (r"(?<![\d０-９])(?P<yy>[0-9０-９]{2})年(?=[0-9０-９]{1,2}月|度)(?:度)?", _calendar),
    (r"(?<!将)(?<!日)(?P<yw>今年|本年|昨年|去年|前年|来年|翌年|再来年|一昨年|同年)(?!代|齢)(?:度)?(?P<sub>末|初め|初)?",
     _calendar),
    (r"(?P<ye>年末|年初)(?!年始)", _calendar),
    (r"(?<![今先来前翌同当])(?P<mw>月末)", _calendar),
    (r"(?:前年|昨年|去年)同(?:期|(?P<u>月|四半期))", _same_period_last_year),
    (r"(?P<mw>前月)", _calendar),
    (r"(?P<qw>前の?四半期)", _calendar),
    (r"(?P<dw>同日|当日|前営業日|前日|翌日|一昨日|昨日|本日|今日|明日|きょう|きのう|あす)(?!銀)", _day_word),
    (r"(?:(?P<wk>先週|今週|来週)の?)?(?P<wd>[月火水木金土日])曜日?", _weekday),
]

# Chinese
_CNUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_ZY = r"(?:(?P<y>\d{4})年|(?P<yw>今年|去年|明年|前年|后年|上年|本年|同年|次年))"
_ZSUB = r"(?P<sub>上旬|中旬|下旬|初|底|末|中)?"
_ZH = [
    (_ISO, _calendar),
    (_ZY + r"?(?P<mo>" + _CNUM + r")月(?:份)?(?P<d>\d{1,2})[日号]", _calendar),
    (r"(?P<mw>本月|上月|下月|当月|同月|次月|上个月|下个月)(?P<d>\d{1,2})[日号]", _calendar),
    (r"(?<![\d.,])(?<!每月)(?P<d>\d{1,2})日(?!元|间|内|前|后|左右)", _calendar),
    (_ZY + r"?(?<![\d.,])(?<!每年)(?P<mo>" + _CNUM + r")月(?:份)?" + _ZSUB, _calendar),
    (r"(?P<mw>本月|上月|下月|当月|同月|次月|上个月|下个月|这个月)" + _ZSUB, _calendar),
    (_ZY + r"?第?(?P<q>[一二三四1-4])季度", _calendar),
    (_ZY + r"?前[一二三]季度", _unwritable),
    (_ZY + r"?(?P<h>上|下)半年", _calendar),
    (_ZY + r"?(?<![\d.])(?P<m1>\d{1,2})\s?[-—–至~～到]\s?(?P<m2>\d{1,2})月(?:份)?", _calendar),
    (r"(?<![\d.,])(?P<y>\d{4})年(?!代|间)(?P<sub>底|末|初)?", _calendar),
    (r"(?P<yw>今年|去年|明年|前年|后年|上年|本年|同年|次年)(?!龄|代)(?:(?:年)?(?P<sub>底|末|初))?", _calendar),
    (r"(?P<ye>年底|年末|年初)", _calendar),
    (r"(?<![本上下当同次个])(?P<mw>月底|月初)", _calendar),
    (r"(?:去年|上年)同(?:期|(?P<u>月))", _same_period_last_year),
    (r"(?P<qw>上一?季度|本季度)", _calendar),
    (r"(?P<dw>今天|昨天|明天|前天|当天|当日|同日|次日|翌日|前一天|前一日|前一交易日|上一交易日|今日)", _day_word),
    (r"(?<!每)(?:(?P<wk>上|本|这|下)个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])", _weekday),
]

# Vietnamese (case-insensitive)
_VY = r"(?:\s*[/-]\s*(?P<y>\d{4})|\s+năm\s+(?:(?P<yv>\d{4})|(?P<yw>nay|ngoái|trước|sau|tới)))?"
_VI = [
    (_ISO, _calendar),
    (r"\bngày\s+(?P<d>\d{1,2})\s*(?:/|-|\s+tháng\s+)\s*(?P<mo>\d{1,2})(?:\s*(?:/|-|\s+năm\s+)\s*(?P<y>\d{4}))?"
     r"(?![\d/])", _calendar),
    (r"(?<![\d/.,])(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})(?!\d)", _calendar),
    (r"(?<=\()(?P<d>\d{1,2})/(?P<mo>\d{1,2})(?=\))", _calendar),
    (r"\b(?:sáng|chiều|tối|trưa|đêm|hôm|ngày)\s+(?P<t>(?P<d>\d{1,2})/(?P<mo>\d{1,2}))(?![\d/])", _calendar),
    (r"\bngày\s+(?P<d>\d{1,2})(?![\d/.,]|\s+tháng)", _calendar),
    (r"(?:\b(?P<sub>đầu|cuối|giữa|trung tuần|thượng tuần|hạ tuần)\s+)?\btháng\s+(?P<mo>\d{1,2})" + _VY + r"(?![\d/])",
     _calendar),
    (r"(?:\b(?:đầu|cuối|giữa)\s+)?\btháng\s+(?P<mw>này|trước|sau|tới)\b", _calendar),
    (r"\bquý\s+(?P<q>IV|I{1,3}|[1-4])\b" + _VY, _calendar),
    (r"\b(?P<qw>quý\s+(?:trước|này|tới|sau))\b", _calendar),
    (r"\b(?:(?:6|sáu)\s+tháng|nửa)\s+(?P<h>đầu|cuối|sau)\s+năm(?:\s+(?:(?P<y>\d{4})|(?P<yw>nay|ngoái|trước)))?",
     _calendar),
    (r"\b(?:3|ba)\s+tháng\s+đầu\s+năm(?:\s+(?:(?P<y>\d{4})|(?P<yw>nay|ngoái|trước)))?",
     _calendar_q1),
    (r"\b(?:\d{1,2}|chín|mười một)\s+tháng\s+(?:đầu\s+)?năm(?:\s+(?:(?P<y>\d{4})|(?P<yw>nay|ngoái|trước)))?",
     _unwritable),
    (r"(?:\b(?P<sub>đầu|cuối|giữa)\s+)?\bnăm\s+(?P<y>\d{4})\b", _calendar),
    (r"(?:\b(?P<sub>đầu|cuối|giữa)\s+)?(?<!\d\s)(?<!hai\s)(?<!ba\s)(?<!bốn\s)(?<!mấy\s)(?<!vài\s)(?<!nhiều\s)"
     r"\bnăm\s+(?P<yw>nay|ngoái|trước|sau|tới)\b", _calendar),
    (r"\b(?P<ye>cuối|đầu)\s+năm\b(?!\s+(?:\d|nay|ngoái|trước|sau|tới))", _calendar),
    (r"\b(?:từ|đến|vào|trước|sau|trong|tới|giai đoạn|đầu|cuối)\s+(?P<t>(?P<y>(?:19|20)\d\d))(?!\d|[.,]\d)", _calendar),
    (r"\bcùng\s+kỳ(?:\s+năm\s+(?:ngoái|trước))?", _same_period_last_year),
    (r"\b(?P<dw>hôm nay|hôm qua|ngày mai|cùng ngày|phiên liền trước|phiên trước|ngày hôm trước)\b", _day_word),
]


def _compile(rules: list, flags: int = 0) -> list[tuple[re.Pattern, Callable]]:
    out = []
    for pattern, handler in rules:
        out.append((re.compile(pattern, flags), handler))
    return out


_RULES: dict[str, list[tuple[re.Pattern, Callable]]] = {
    "ko": _compile(_KO), "en": _compile(_EN), "ja": _compile(_JA), "zh": _compile(_ZH),
    "vi": _compile(_VI, re.IGNORECASE),
}


def _needed(items, icase: bool) -> set[str] | None:
    """Strings one of which every match of the parsed pattern ``items`` contains, or None when
    no such set is known: a run of literal characters in sequence, a group's or a repeat's (at
    least once) own set, a set per branch of an alternation (all branches need one). Literals
    matched ignoring case are left out."""
    from re import _constants as c

    cands: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is c.LITERAL and not icase:
            run.append(chr(av))
            continue
        if run:
            cands.append({"".join(run)})
            run = []
        sub = None
        if op is c.SUBPATTERN:
            _, add, remove, pattern = av
            sub = _needed(pattern.data, (icase or bool(add & c.SRE_FLAG_IGNORECASE))
                          and not remove & c.SRE_FLAG_IGNORECASE)
        elif op is c.ATOMIC_GROUP:
            sub = _needed(av.data, icase)
        elif op is c.BRANCH:
            branches = [_needed(b.data, icase) for b in av[1]]
            sub = set().union(*branches) if all(branches) else None
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _needed(av[2].data, icase)
        if sub:
            cands.append(sub)
    if run:
        cands.append({"".join(run)})
    # the most telling set: its shortest string longest, then the fewest strings
    return max(cands, key=lambda s: (min(map(len, s)), -len(s))) if cands else None


_NEEDS: dict[re.Pattern, tuple[str, ...] | None] = {}


def _needs(rx: re.Pattern) -> tuple[str, ...] | None:
    """What a text must contain for ``rx`` to match in it (one of these strings), or None. A
    rule whose strings are all absent cannot match: ``extract_dates`` skips its scan."""
    if rx not in _NEEDS:
        try:
            from re import _parser

            tree = _parser.parse(rx.pattern, rx.flags)
            found = _needed(tree.data, bool(tree.state.flags & re.IGNORECASE))
        except Exception:  # another Python's parser: scan every rule, as before
            found = None
        _NEEDS[rx] = tuple(sorted(found)) if found else None
    return _NEEDS[rx]


# ----------------------------------------------------------------------------------------

def extract_dates(text: str, lang: str, published: date | None) -> list[dict]:
    """Each dict: {"text": surface as in text, "normalized": "YYYY-MM-DD|YYYY-MM|YYYY|YYYY-Qn|YYYY-Hn",
    "start": int, "end": int} (text == body[start:end]). Each distinct surface string once (first
    occurrence). Expressions that cannot be resolved (no published date and relative) are skipped."""
    rules = _RULES.get((lang or "").lower()[:2])
    if not rules or not text:
        return []
    cands = []
    for i, (rx, handler) in enumerate(rules):
        needs = _needs(rx)
        if needs is not None and not any(n in text for n in needs):
            continue  # the rule's words are not in the text: it cannot match
        for m in finditer(rx, text):
            if m.end() > m.start():
                cands.append((m.start(), m.start() - m.end(), i, m, handler))
    cands.sort(key=lambda c: c[:3])
    cx = _Ctx(text, (lang or "").lower()[:2], published)
    out: list[dict] = []
    seen: set[str] = set()
    pos = 0
    for start, _, _, m, handler in cands:
        if start < pos:
            continue
        cx.relative = False
        try:
            v = handler(m, cx)
        except _Unresolved:
            v = _NOTHING
        if v is None:
            continue  # not a date after all: a shorter match at this position may be
        pos = m.end()
        if v is _NOTHING:
            continue
        s, e = m.span("t") if "t" in m.groupdict() and m.group("t") else m.span()
        if not cx.relative and not _SINCE_BEFORE.search(text, max(0, s - 12), s) and not _SINCE_AFTER.match(text, e) \
                and not _EARLIER_BEFORE.search(text, max(0, s - 6), s):
            cx.note(v, s, e)  # "the first since 2022", "2021년 3월 이후 최저": history, not the reported period
        surface = text[s:e]
        if surface not in seen:
            seen.add(surface)
            out.append({"text": surface, "normalized": normalize(v), "start": s, "end": e})
    return out


def granularity(normalized: str) -> str:
    """day, month, quarter, half or year, from a normalised value."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", normalized):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", normalized):
        return "month"
    return {"Q": "quarter", "H": "half"}.get(normalized[5:6], "year")


class DateExtractor:
    name = "dates"
    version = "1"
    tables = (Table("dates", "One row per date expression, resolved against the publication date.", (
        Column("text", "string", "The expression as written (26일(현지시간), 지난해 8월).", False),
        Column("normalized", "string", "YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Qn or YYYY-Hn.", False),
        Column("granularity", "string", "day, month, quarter, half or year."),
        START, END)),)

    def table_rows(self, rows: list[dict]) -> dict[str, list[dict]]:
        return {"dates": [{"idx": i, "text": d["text"], "normalized": d["normalized"],
                           "granularity": granularity(d["normalized"]), "start": d["start"], "end": d["end"]}
                          for i, d in enumerate(rows)]}

    def run(self, doc, found):  # doc: newsflow.extract.base.Doc
        return extract_dates(doc.body, doc.lang, doc.published)
