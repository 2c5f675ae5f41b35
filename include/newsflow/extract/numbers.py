"""Amounts of money, percentages, percentage points and simple counts.

Pure stdlib, one regex family per language plus a small number reader:

* ko / ja / zh: digits with the East Asian big units 만 억 조 / 万 億 亿 兆 (万亿),
  optionally 천/千 or 백/百 before them (``2조3000억원``, ``1.2万亿元``,
  ``24万1000ウォン``), followed by a currency word, ``%``, a percentage-point
  word (``%포인트``, ``%p``, ``ポイント`` on a rate, ``个百分点``), basis points or
  a counter noun (명, 대, 곳, 人, 台, 辆...).
* en: ``$4.2 billion``, ``US$1.2bn``, ``€``/``£``/``₩``/``¥`` prefixes, ``2.3 trillion
  won``, ``6.4 percent``, ``0.25 percentage point``, ``25 basis points``.
* vi: decimal comma and thousands dot (``1,8 tỷ USD``, ``1.800 tỷ đồng``), scale
  words nghìn / triệu / tỷ / nghìn tỷ, ``0,5 điểm phần trăm``.

``text`` is the number and its unit as written (``약``/``about``/``約`` before it and
``이상``/``程度`` after it are left out); ``value`` is in whole units (KRW, USD...),
percent or percentage points; only a written minus sign makes a value negative.
Not extracted: multiples (2.5배), bands (1%대, 150円台), vague amounts (수십조원),
bare numbers (years, index levels), dates and ranks (제1차, 第3名).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from newsflow.extract._scan import finditer
from newsflow.extract.base import END, START, Column, Table

Row = dict[str, Any]

# Full-width digits and signs -> ASCII, one character for one so offsets survive.
_FW = str.maketrans("０１２３４５６７８９％．－＋＄", "0123456789%.-+$")
_FW_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _FW) + "]")

_SP = r"[ \u00a0]"
# Thousands with commas, or plain digits; an optional decimal part.
_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
# Vietnamese: thousands dot, decimal comma (1.800 / 1,8 / 1.234,5); 1.5 read as a decimal.
_VI_NUM = r"\d{1,3}(?:\.\d{3})+(?!\d)(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+"
# Where a number may start: not inside a number or a token like HBM3E / A380.
_START = r"(?<![0-9A-Za-z.])(?<!\d,)"
# A minus sign, unless it is a range dash (2020-2024, 5.25%-5.50%).
_SIGN = r"(?:(?<![0-9A-Za-z)\]%.])(?P<sign>[-−]))?"

_BIG = {"만": 10**4, "万": 10**4, "萬": 10**4, "억": 10**8, "億": 10**8, "亿": 10**8,
        "조": 10**12, "兆": 10**12, "천": 1000, "千": 1000, "백": 100, "百": 100}
_MULT = r"(?:[천백千百]?(?:万亿|萬億|[조억만兆億亿万萬])|[천千])"
_CJK_AMT = rf"(?:{_NUM})(?:{_SP}?{_MULT}(?:{_SP}?(?:{_NUM}){_SP}?{_MULT})*(?:{_SP}?(?:{_NUM})(?![\d.]))?)?"

_EN_SCALE = {"thousand": 10**3, "k": 10**3, "million": 10**6, "mn": 10**6, "mln": 10**6, "m": 10**6,
             "billion": 10**9, "bn": 10**9, "bln": 10**9, "b": 10**9,
             "trillion": 10**12, "tn": 10**12, "trn": 10**12}
_EN_SCALE_RE = r"(?:[ \u00a0]?(?:thousand|million|billion|trillion|mln|bln|trn|mn|bn|tn)|[mbk])(?![A-Za-z])"

_VI_SCALE = {"nghìn tỷ": 10**12, "ngàn tỷ": 10**12, "nghìn tỉ": 10**12, "ngàn tỉ": 10**12,
             "triệu tỷ": 10**15, "tỷ": 10**9, "tỉ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3}
_VI_SCALE_RE = "|".join(sorted(map(re.escape, _VI_SCALE), key=len, reverse=True))
_VI_AMT = rf"(?:{_VI_NUM})(?:{_SP}(?:{_VI_SCALE_RE})(?!\w)(?:{_SP}(?:{_VI_NUM}){_SP}(?:{_VI_SCALE_RE})(?!\w))*)?"

# Symbols and codes written before the number (all languages).
_PREFIX = {"US$": "USD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "A$": "AUD", "C$": "CAD", "$": "USD",
           "€": "EUR", "£": "GBP", "₩": "KRW", "¥": "JPY", "￥": "JPY", "USD": "USD", "KRW": "KRW",
           "EUR": "EUR", "JPY": "JPY", "CNY": "CNY", "RMB": "CNY", "GBP": "GBP", "VND": "VND", "HKD": "HKD"}

# Unit words written after the number: surface -> (unit, kind). kind "bp" = basis points.
_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "ko": {
        "원": ("KRW", "money"), "달러": ("USD", "money"), "미국달러": ("USD", "money"), "엔": ("JPY", "money"),
        "위안": ("CNY", "money"), "유로": ("EUR", "money"), "파운드": ("GBP", "money"), "동": ("VND", "money"),
        "홍콩달러": ("HKD", "money"), "대만달러": ("TWD", "money"), "호주달러": ("AUD", "money"),
        "캐나다달러": ("CAD", "money"), "싱가포르달러": ("SGD", "money"), "루피아": ("IDR", "money"),
        "%": ("%", "percent"), "퍼센트": ("%", "percent"),
        "%포인트": ("%p", "pp"), "% 포인트": ("%p", "pp"), "%p": ("%p", "pp"), "%P": ("%p", "pp"),
        "%pt": ("%p", "pp"), "%포인트p": ("%p", "pp"), "퍼센트포인트": ("%p", "pp"),
        "bp": ("%p", "bp"), "bps": ("%p", "bp"), "BP": ("%p", "bp"), "베이시스포인트": ("%p", "bp"),
        "명": ("명", "count"), "척": ("척", "count"), "곳": ("곳", "count"), "대": ("대", "count"),
        "개사": ("개사", "count"), "개국": ("개국", "count"), "개": ("개", "count"), "건": ("건", "count"),
        "가구": ("가구", "count"), "채": ("채", "count"),
    },
    "ja": {
        "円": ("JPY", "money"), "ウォン": ("KRW", "money"), "ドル": ("USD", "money"), "米ドル": ("USD", "money"),
        "香港ドル": ("HKD", "money"), "台湾ドル": ("TWD", "money"), "豪ドル": ("AUD", "money"),
        "ユーロ": ("EUR", "money"), "人民元": ("CNY", "money"), "元": ("CNY", "money"), "ポンド": ("GBP", "money"),
        "ドン": ("VND", "money"), "ルピア": ("IDR", "money"), "バーツ": ("THB", "money"),
        "%": ("%", "percent"), "パーセント": ("%", "percent"),
        "%ポイント": ("%p", "pp"), "パーセントポイント": ("%p", "pp"), "ポイント": ("%p", "pt"),
        "ベーシスポイント": ("%p", "bp"), "bp": ("%p", "bp"),
        "人": ("人", "count"), "台": ("台", "count"), "社": ("社", "count"), "件": ("件", "count"),
        "隻": ("隻", "count"), "カ所": ("カ所", "count"), "か所": ("か所", "count"), "ヵ所": ("ヵ所", "count"),
        "ヶ所": ("ヶ所", "count"), "店": ("店", "count"), "戸": ("戸", "count"),
    },
    "zh": {
        "元": ("CNY", "money"), "人民币": ("CNY", "money"), "元人民币": ("CNY", "money"), "美元": ("USD", "money"),
        "日元": ("JPY", "money"), "韩元": ("KRW", "money"), "韓元": ("KRW", "money"), "欧元": ("EUR", "money"),
        "英镑": ("GBP", "money"), "港元": ("HKD", "money"), "港币": ("HKD", "money"), "新台币": ("TWD", "money"),
        "越南盾": ("VND", "money"), "越盾": ("VND", "money"), "澳元": ("AUD", "money"),
        "%": ("%", "percent"), "个百分点": ("%p", "pp"), "個百分點": ("%p", "pp"), "百分点": ("%p", "pp"),
        "个基点": ("%p", "bp"), "基点": ("%p", "bp"),
        "人": ("人", "count"), "名": ("名", "count"), "辆": ("辆", "count"), "家": ("家", "count"),
        "艘": ("艘", "count"), "台": ("台", "count"), "个": ("个", "count"), "座": ("座", "count"),
        "项": ("项", "count"), "户": ("户", "count"),
    },
    "en": {
        "won": ("KRW", "money"), "Korean won": ("KRW", "money"), "South Korean won": ("KRW", "money"),
        "dollars": ("USD", "money"), "dollar": ("USD", "money"), "US dollars": ("USD", "money"),
        "U.S. dollars": ("USD", "money"), "Hong Kong dollars": ("HKD", "money"),
        "Singapore dollars": ("SGD", "money"), "Australian dollars": ("AUD", "money"),
        "Canadian dollars": ("CAD", "money"), "Taiwan dollars": ("TWD", "money"),
        "yen": ("JPY", "money"), "yuan": ("CNY", "money"), "renminbi": ("CNY", "money"),
        "euros": ("EUR", "money"), "euro": ("EUR", "money"), "pounds": ("GBP", "money"),
        "pounds sterling": ("GBP", "money"), "dong": ("VND", "money"), "rupiah": ("IDR", "money"),
        "USD": ("USD", "money"), "KRW": ("KRW", "money"), "EUR": ("EUR", "money"), "JPY": ("JPY", "money"),
        "CNY": ("CNY", "money"), "RMB": ("CNY", "money"), "GBP": ("GBP", "money"), "VND": ("VND", "money"),
        "%": ("%", "percent"), "percent": ("%", "percent"), "per cent": ("%", "percent"), "pct": ("%", "percent"),
        "percentage points": ("%p", "pp"), "percentage point": ("%p", "pp"),
        "percentage-point": ("%p", "pp"), "percent points": ("%p", "pp"), "percent point": ("%p", "pp"),
        "% points": ("%p", "pp"), "% point": ("%p", "pp"), "pp": ("%p", "pp"), "ppt": ("%p", "pp"),
        "ppts": ("%p", "pp"), "basis points": ("%p", "bp"), "basis point": ("%p", "bp"),
        "basis-point": ("%p", "bp"), "bps": ("%p", "bp"), "bp": ("%p", "bp"),
        "people": ("people", "count"), "workers": ("workers", "count"), "employees": ("employees", "count"),
        "jobs": ("jobs", "count"), "vehicles": ("vehicles", "count"), "cars": ("cars", "count"),
        "units": ("units", "count"), "ships": ("ships", "count"), "vessels": ("vessels", "count"),
        "households": ("households", "count"), "companies": ("companies", "count"),
    },
    "vi": {
        "đồng": ("VND", "money"), "VND": ("VND", "money"), "VNĐ": ("VND", "money"), "USD": ("USD", "money"),
        "đô la Mỹ": ("USD", "money"), "đô la": ("USD", "money"), "đô": ("USD", "money"), "won": ("KRW", "money"),
        "yen": ("JPY", "money"), "yên": ("JPY", "money"), "nhân dân tệ": ("CNY", "money"), "NDT": ("CNY", "money"),
        "euro": ("EUR", "money"), "EUR": ("EUR", "money"), "bảng Anh": ("GBP", "money"),
        "%": ("%", "percent"), "phần trăm": ("%", "percent"),
        "điểm phần trăm": ("%p", "pp"), "điểm %": ("%p", "pp"), "điểm cơ bản": ("%p", "bp"),
        "người": ("người", "count"), "lao động": ("lao động", "count"), "chiếc": ("chiếc", "count"),
        "doanh nghiệp": ("doanh nghiệp", "count"), "dự án": ("dự án", "count"), "tàu": ("tàu", "count"),
    },
}

# Words that continue a unit into another word (원칙, 동안, 엔진, 个月, đồng thời...).
_NOT_AFTER = {
    ("ko", "원"): re.compile(r"[칙리소형점자전유료격장]"),
    ("ko", "동"): re.compile(r"[안결기향맹참반시일월남북서쪽력부등물작업종네사차계점포해상생창문의]"),
    ("ko", "엔"): re.compile(r"[진터지]"),
    ("ko", "명"): re.compile(r"[예칭단령목시문확품소절]"),
    ("ko", "개"): re.compile(r"[월년]"),
    ("ko", "대"): re.compile(r"[비출상학책형기]"),
    ("ja", "元"): re.compile(r"[年素首]"),
    ("ja", "人"): re.compile(r"[民口材気]"),
    ("zh", "元"): re.compile(r"[旦月素首]"),
    ("zh", "个"): re.compile(r"月|季度|小时|工作日|百分"),
    ("zh", "名"): re.compile(r"[单义称]"),
    ("zh", "家"): re.compile(r"[庭族乡]"),
    ("vi", "đồng"): re.compile(r"[ \u00a0]?(?:thời|ý|bộ|nghĩa|hành|minh|loạt|đều|tình|chí|nghiệp|hồ|bằng|phục|đội|"
                                r"cỏ|bào|ruộng|hương|sông|tiền)(?!\w)"),
    ("vi", "đô"): re.compile(r"[ \u00a0]?thị"),
    ("vi", "tàu"): re.compile(r"[ \u00a0]?(?:điện|hỏa|ngầm)"),
}
# The reference side of a rate (1달러당, 100엔당, 1ドル＝, 1美元兑): not an amount.
_PER = re.compile(r"[ \u00a0]?(?:당|当たり|につき|[=＝]|兑|兌|đổi)")
# A band (1%대, 1400원대, 2%台, 150円台) is not a value.
_BAND = {"ko": re.compile(r"대(?![비출상])"), "ja": re.compile(r"台")}
# Japanese ポイント is a percentage point only on a rate, never on an index.
_JA_RATE = re.compile(r"率|金利|利回り|%|％|レート")
_JA_INDEX = re.compile(r"指数|平均株価|日経平均|TOPIX|ダウ|株価|DI|景況感")


@dataclass
class _Cand:
    start: int
    end: int
    value: Decimal
    unit: str
    kind: str


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _plain(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def _vi_plain(s: str) -> Decimal:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "")
    return Decimal(s.replace(",", "."))


def _cjk_amount(s: str) -> Decimal:
    """'2조3000억' -> 2.3e12, '7만 9200' -> 79200, '1.2万亿' -> 1.2e12."""
    total = Decimal(0)
    for m in re.finditer(rf"({_NUM}){_SP}?({_MULT})?", s):
        v = _plain(m.group(1))
        for ch in m.group(2) or "":
            v *= _BIG[ch]
        total += v
    return total


def _vi_amount(s: str) -> Decimal:
    """'1,8 tỷ' -> 1.8e9, '1.800 tỷ' -> 1.8e12, '2 tỷ 500 triệu' -> 2.5e9."""
    total = Decimal(0)
    for m in re.finditer(rf"({_VI_NUM})(?:{_SP}({_VI_SCALE_RE}))?", s):
        total += _vi_plain(m.group(1)) * _VI_SCALE.get(m.group(2) or "", 1)
    return total


def _en_amount(num: str, scale: str | None) -> Decimal:
    v = _plain(num)
    if scale:
        v *= _EN_SCALE[scale.strip().lower()]
    return v


def _chinese_numeral(s: str) -> Decimal | None:
    """Small reader for 百分之 + Chinese numerals: 五, 十五, 二十三点五, 一百."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    whole, _, frac = s.partition("点")
    total, cur = 0, 0
    for ch in whole:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    total += cur
    if frac:
        if any(ch not in digits for ch in frac):
            return None
        return Decimal(f"{total}." + "".join(str(digits[ch]) for ch in frac))
    return Decimal(total)


class _Lang:
    """Compiled patterns for one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.units = _UNITS[lang]
        flags = re.I if lang in ("en", "vi") else 0
        self.unit_by_key = {k.casefold() if flags else k: v for k, v in self.units.items()}
        units = _alt(self.units)
        if lang == "en":
            # number [scale] unit; word units need a space or hyphen, % and bp may touch.
            self.suffix = re.compile(
                rf"{_SIGN}{_START}(?P<amt>{_NUM})(?P<scale>{_EN_SCALE_RE})?"
                rf"(?P<sp>[ \u00a0-]?)(?P<unit>{units})(?![A-Za-z])", flags)
            self.prefix = re.compile(
                rf"(?<![A-Za-z])(?P<cur>{_alt(_PREFIX)}){_SP}?(?P<amt>{_NUM})(?P<scale>{_EN_SCALE_RE})?"
                rf"(?:{_SP}(?P<unit>yuan|renminbi|yen|won|dollars)(?![A-Za-z]))?")
            # Korea Times style W2.3 trillion.
            self.won_w = re.compile(
                rf"(?<![A-Za-z0-9])W(?P<amt>{_NUM})(?P<scale>{_SP}?(?:million|billion|trillion|mn|bn|tn))(?![A-Za-z])")
        elif lang == "vi":
            self.suffix = re.compile(
                rf"{_SIGN}{_START}(?P<amt>{_VI_AMT}){_SP}?(?P<unit>{units})(?![^\W\d_])", flags)
            self.prefix = re.compile(
                rf"(?<![A-Za-z])(?P<cur>US\$|\$){_SP}?(?P<amt>{_VI_AMT})")
        else:
            # 여 (1조여원, "a little over") may sit between a Korean amount and its unit.
            self.suffix = re.compile(
                rf"{_SIGN}{_START}(?P<amt>{_CJK_AMT})(?P<sp>{_SP}?(?:여{_SP}?)?)(?P<unit>{units})")
            self.prefix = re.compile(
                rf"(?<![A-Za-z])(?P<cur>{_alt(k for k in _PREFIX if not k.isalpha())}){_SP}?(?P<amt>{_CJK_AMT})")
        self.pct_zh = re.compile(r"百分之(?P<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百点]+)") if lang == "zh" else None

    # -- candidates ---------------------------------------------------------------------------
    def candidates(self, text: str, raw: str) -> list[_Cand]:
        out: list[_Cand] = []
        for m in finditer(self.suffix, text):
            c = self._suffix(m, text, raw)
            if c:
                out.append(c)
        for m in finditer(self.prefix, text):
            c = self._prefix(m, text)
            if c:
                out.append(c)
        if self.lang == "en":
            for m in finditer(self.won_w, text):
                out.append(_Cand(m.start(), m.end(), _en_amount(m["amt"], m["scale"]), "KRW", "money"))
        if self.pct_zh:
            for m in self.pct_zh.finditer(text):
                n = m["n"]
                v = Decimal(n) if n[0].isdigit() else _chinese_numeral(n)
                if v is not None:
                    out.append(_Cand(m.start(), m.end(), v, "%", "percent"))
        return out

    def _amount(self, m: re.Match) -> Decimal:
        if self.lang == "en":
            return _en_amount(m["amt"], m["scale"])
        if self.lang == "vi":
            return _vi_amount(m["amt"])
        return _cjk_amount(m["amt"])

    def _suffix(self, m: re.Match, text: str, raw: str) -> _Cand | None:
        lang, word = self.lang, m["unit"]
        key = word.casefold() if lang in ("en", "vi") else word
        unit, kind = self.unit_by_key[key]
        after = text[m.end():]
        has_big = m["amt"] != re.match(_NUM if lang != "vi" else _VI_NUM, m["amt"]).group(0)
        value = self._amount(m)
        if lang == "en":
            if m["scale"] and kind != "money" and kind != "count":
                return None  # "5 million %" is not a thing
            if kind in ("money", "count") and not m["sp"] and not word.isupper():
                return None  # a word unit is separated from its number ("5won" is not English)
            if key == "won" and not m["scale"] and value < 10:
                return None
            if key == "pounds" and not m["scale"]:
                return None
            if word == "BP":
                return None  # the oil company, not basis points
        nb = _NOT_AFTER.get((lang, word))
        if nb and nb.match(after):
            return None
        if kind == "money" and _PER.match(after):
            return None
        band = _BAND.get(lang)
        if band and kind in ("money", "percent", "pp") and band.match(after):
            return None
        if lang in ("ko", "ja", "zh") and m.start() > 0 and raw[m.start() - 1] in "제第":
            return None  # ranks and ordinals: 제3, 第3名
        if lang == "ko":
            if word == "동" and (value < 1000 and not has_big or re.match(r"[가-힣]", raw[m.start() - 1:m.start()])):
                return None
            if word == "대" and value < 100 and not has_big:
                return None  # 9대 주요 시장, 5대 은행, 20대 (age)
            if m["sp"].endswith((" ", "\u00a0")) and word in ("원", "동", "엔") and re.match(r"[가-힣]", after) and \
                    not re.match(r"(?:을|를|이|가|은|는|에|의|으로|로|과|와|도|만|씩|까지|부터|어치|가량|규모|"
                                 r"수준|정도|안팎|이상|이하|미만|선|내외|대)", after):
                return None  # "5 원자력" -- a spaced 원 must be followed by a particle
        if lang == "ja" and kind == "pt":
            if not self._ja_rate_context(text, m.start()):
                return None
            kind = "pp"
        start = m.start()
        if m["sign"]:
            value = -value
        if kind == "bp":
            value, kind = value / 100, "pp"
        return _Cand(start, m.end(), value, unit, kind)

    def _prefix(self, m: re.Match, text: str) -> _Cand | None:
        unit = _PREFIX[m["cur"]]
        if self.lang == "en":
            value = _en_amount(m["amt"], m["scale"])
            word = (m["unit"] or "").lower()
            if word in ("yuan", "renminbi"):
                unit = "CNY"
            elif word == "won":
                unit = "KRW"
            elif word == "yen":
                unit = "JPY"
        elif self.lang == "vi":
            value = _vi_amount(m["amt"])
        else:
            value = _cjk_amount(m["amt"])
        if unit == "JPY" and self.lang == "zh":
            unit = "CNY"
        if _PER.match(text, m.end()):
            return None
        return _Cand(m.start(), m.end(), value, unit, "money")

    @staticmethod
    def _ja_rate_context(text: str, pos: int) -> bool:
        lo = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos), pos - 60) + 1
        ctx = text[lo:pos]
        return bool(_JA_RATE.search(ctx)) and not _JA_INDEX.search(ctx)


_LANGS: dict[str, _Lang] = {}


def _lang(lang: str) -> _Lang:
    key = lang if lang in _UNITS else "en"
    if key not in _LANGS:
        _LANGS[key] = _Lang(key)
    return _LANGS[key]


def _as_number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def extract_numbers(text: str, lang: str) -> list[Row]:
    """Money, percentages, percentage points and counts in ``text``.

    Each dict: ``{"text", "value", "unit", "kind", "start", "end"}`` with
    ``text == text_in[start:end]``; each distinct (value, unit) once, at its first occurrence.
    """
    if not text:
        return []
    norm = text.translate(_FW) if _FW_CHARS.search(text) else text  # most texts have no full-width forms
    cands = _lang((lang or "en").lower()[:2]).candidates(norm, text)
    # Leftmost, then longest; drop anything overlapping a kept span.
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Cand] = []
    last_end = -1
    for c in cands:
        if c.start >= last_end:
            kept.append(c)
            last_end = c.end
    out: list[Row] = []
    seen: set[tuple[str, float]] = set()
    for c in kept:
        key = (c.unit, float(c.value))
        if key in seen:
            continue
        seen.add(key)
        out.append({"text": text[c.start:c.end], "value": _as_number(c.value), "unit": c.unit,
                    "kind": c.kind, "start": c.start, "end": c.end})
    return out


class NumberExtractor:
    name = "numbers"
    version = "1"
    tables = (Table("numbers", "One row per amount: money, percentages, percentage points, counts.", (
        Column("text", "string", "Number and unit as written (2조3000억원).", False),
        Column("value", "float64", "Value in whole units (2.3e12).", False),
        Column("unit", "string", "ISO currency code, %, %p, or the counted noun.", False),
        Column("kind", "string", "money, percent, pp or count."),
        START, END)),)

    def table_rows(self, rows: list[dict]) -> dict[str, list[dict]]:
        return {"numbers": [{"idx": i, "text": n["text"], "value": float(n["value"]), "unit": n["unit"],
                             "kind": n.get("kind"), "start": n["start"], "end": n["end"]} for i, n in enumerate(rows)]}

    def run(self, doc, found):  # doc: newsflow.extract.base.Doc
        return extract_numbers(doc.body, doc.lang)
