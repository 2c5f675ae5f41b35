import json
import pathlib

import pytest

from newsflow.extract.base import Doc
from newsflow.extract.numbers import NumberExtractor, extract_numbers

GOLD = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "gold"
SCORED_UNITS = {"KRW", "USD", "JPY", "CNY", "EUR", "VND", "%", "%p"}


def triples(text, lang):
    rows = extract_numbers(text, lang)
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    return [(r["text"], r["value"], r["unit"]) for r in rows]


def approx(found, expected):
    assert len(found) == len(expected), found
    for (t, v, u), (et, ev, eu) in zip(found, expected):
        assert (t, u) == (et, eu)
        assert v == pytest.approx(ev, rel=1e-9)


# ---------------------------------------------------------------- Korean

def test_ko_money_with_big_units():
    text = "현대차는 울산에 2조3000억원을, 기아는 약 1,000억 원을 투자한다. 주가는 7만9200원, 대출 잔액은 1052조원이다."
    approx(triples(text, "ko"), [("2조3000억원", 2.3e12, "KRW"), ("1,000억 원", 1e11, "KRW"),
                                 ("7만9200원", 79200, "KRW"), ("1052조원", 1.052e15, "KRW")])


def test_ko_other_currencies_and_cheon():
    text = "수출은 632억달러, 수입은 145억 달러였다. 일본은 5000억엔, 중국은 30억위안, 유럽은 2억 유로, 영국은 1억파운드, " \
           "베트남 법인은 20만동을 냈고 1조 2천억 원과 5천만원, 12억3400만달러도 있다."
    approx(triples(text, "ko"), [
        ("632억달러", 6.32e10, "USD"), ("145억 달러", 1.45e10, "USD"), ("5000억엔", 5e11, "JPY"),
        ("30억위안", 3e9, "CNY"), ("2억 유로", 2e8, "EUR"), ("1억파운드", 1e8, "GBP"), ("20만동", 2e5, "VND"),
        ("1조 2천억 원", 1.2e12, "KRW"), ("5천만원", 5e7, "KRW"), ("12억3400만달러", 1.234e9, "USD")])


def test_ko_exchange_rate_level_is_krw_but_the_reference_unit_is_not():
    text = "원·달러 환율은 1달러당 1402.9원으로 마감했고 원·엔 환율은 100엔당 905.3원이었다."
    approx(triples(text, "ko"), [("1402.9원", 1402.9, "KRW"), ("905.3원", 905.3, "KRW")])


def test_ko_percent_and_points():
    text = "성장률은 15.3%로 0.7%포인트 올랐다. 금리는 3.2%p, 0.25%P, 0.1% 포인트 움직였고 한은은 25bp 인하했다. 물가는 -0.3% 였다."
    approx(triples(text, "ko"), [("15.3%", 15.3, "%"), ("0.7%포인트", 0.7, "%p"), ("3.2%p", 3.2, "%p"),
                                 ("0.25%P", 0.25, "%p"), ("0.1% 포인트", 0.1, "%p"), ("-0.3%", -0.3, "%")])


def test_ko_counts_have_their_counter_as_unit():
    rows = extract_numbers("관람객 3만명, 자영업자 187만명, 선박 16척, 공장 6곳, 차량 30만대가 대상이다.", "ko")
    assert [(r["value"], r["unit"], r["kind"]) for r in rows] == [
        (30000, "명", "count"), (1870000, "명", "count"), (16, "척", "count"), (6, "곳", "count"),
        (300000, "대", "count")]


def test_ko_negatives():
    text = ("생산능력은 2.5배로 늘고 성장률은 1%대, 10%대에 머문다. 환율은 1400원대다. 수십조원, 수천억원이 든다. "
            "2024년 8월 26일 제1차 회의에서 3위 업체와 3국 장관이 5세대 제품과 9대 주요 시장, 17개월 연속 흑자를 논의했다. "
            "코스피는 2,700.52로 마감했다.")
    assert [r for r in extract_numbers(text, "ko") if r["kind"] != "count"] == []
    assert {r["unit"] for r in extract_numbers(text, "ko")} <= {"명", "곳", "개국"}


def test_ko_qualifiers_stay_out_of_the_text_and_dedup_keeps_first():
    rows = extract_numbers("약 3000억원 이상을 투입한다. 추가로 3000억원을 더 넣는다.", "ko")
    assert [(r["text"], r["start"]) for r in rows] == [("3000억원", 2)]
    assert rows[0]["kind"] == "money" and rows[0]["value"] == 300_000_000_000


# ---------------------------------------------------------------- English

def test_en_money():
    text = ("Orders worth $4.2 billion, about 2.3 trillion won ($1.7 billion), US$1.2 billion, $265 million, $3.5bn, "
            "€200 million, £5m, ₩1.5 trillion, ¥300 billion, 1.5 billion yen, 100 million euros, ¥5 billion yuan, "
            "RMB 10 billion and 1,400 won.")
    approx(triples(text, "en"), [
        ("$4.2 billion", 4.2e9, "USD"), ("2.3 trillion won", 2.3e12, "KRW"), ("$1.7 billion", 1.7e9, "USD"),
        ("US$1.2 billion", 1.2e9, "USD"), ("$265 million", 2.65e8, "USD"), ("$3.5bn", 3.5e9, "USD"),
        ("€200 million", 2e8, "EUR"), ("£5m", 5e6, "GBP"), ("₩1.5 trillion", 1.5e12, "KRW"),
        ("¥300 billion", 3e11, "JPY"), ("1.5 billion yen", 1.5e9, "JPY"), ("100 million euros", 1e8, "EUR"),
        ("¥5 billion yuan", 5e9, "CNY"), ("RMB 10 billion", 1e10, "CNY"), ("1,400 won", 1400, "KRW")])


def test_en_percent_points_and_basis_points():
    text = ("Prices rose 6.4 percent, shares 58%, margins 3.5 per cent and output fell -0.3%. Rates rose "
            "0.75 percentage point, then 2 percentage points, after a 50-basis-point cut and 10 bps more.")
    approx(triples(text, "en"), [
        ("6.4 percent", 6.4, "%"), ("58%", 58, "%"), ("3.5 per cent", 3.5, "%"), ("-0.3%", -0.3, "%"),
        ("0.75 percentage point", 0.75, "%p"), ("2 percentage points", 2, "%p"),
        ("50-basis-point", 0.5, "%p"), ("10 bps", 0.1, "%p")])


def test_en_negatives():
    text = ("In 2024 the Kospi closed at 2,700.5. Each ship carries 174,000 cubic meters, output grew 2.5 times, "
            "Samsung won 3 orders, 3 BP stations closed and rates were 5.25%-5.50%.")
    assert triples(text, "en") == [("5.25%", 5.25, "%"), ("5.50%", 5.5, "%")]


# ---------------------------------------------------------------- Japanese

def test_ja():
    text = ("総投資額は約1兆2000億ウォン（約1300億円）に上る。株価は２．８％上昇し、２４万１０００ウォンで終えた。"
            "営業利益率は0.5ポイント改善する。日経平均は300ポイント上昇した。米国に100億ドル、中国に50億元。"
            "1ドル＝154.7円、150円台。EV約30万台、3万人。第2工場は2027年に稼働。")
    got = [t for t in triples(text, "ja") if t[2] in SCORED_UNITS]
    approx(got, [
        ("1兆2000億ウォン", 1.2e12, "KRW"), ("1300億円", 1.3e11, "JPY"), ("２．８％", 2.8, "%"),
        ("２４万１０００ウォン", 241000, "KRW"), ("0.5ポイント", 0.5, "%p"), ("100億ドル", 1e10, "USD"),
        ("50億元", 5e9, "CNY"), ("154.7円", 154.7, "JPY")])


# ---------------------------------------------------------------- Chinese

def test_zh():
    text = ("投资1.2万亿元，出口3000亿美元，同比增长5.3%，利润率下降0.5个百分点，占比百分之二十三点五。"
            "韩国投资500亿韩元，日本100亿日元。央行降息25个基点。1美元兑7.1元。第3名，2024年，3个月。")
    approx([t for t in triples(text, "zh") if t[2] in SCORED_UNITS], [
        ("1.2万亿元", 1.2e12, "CNY"), ("3000亿美元", 3e11, "USD"), ("5.3%", 5.3, "%"),
        ("0.5个百分点", 0.5, "%p"), ("百分之二十三点五", 23.5, "%"), ("500亿韩元", 5e10, "KRW"),
        ("100亿日元", 1e10, "JPY"), ("25个基点", 0.25, "%p"), ("7.1元", 7.1, "CNY")])


# ---------------------------------------------------------------- Vietnamese

def test_vi():
    text = ("Kim ngạch đạt 1,8 tỷ USD, vốn 1.800 tỷ đồng, khoảng 2 nghìn tỷ đồng và 500 triệu USD, 3 tỷ won. "
            "Lãi suất giảm 0,5 điểm phần trăm, lạm phát tăng 15,3%, giảm 25 điểm cơ bản, giá 25.450 đồng/USD. "
            "Năm 2024 VN-Index đạt 1.250 điểm, đồng thời 10 đồng ý.")
    approx([t for t in triples(text, "vi") if t[2] in SCORED_UNITS], [
        ("1,8 tỷ USD", 1.8e9, "USD"), ("1.800 tỷ đồng", 1.8e12, "VND"), ("2 nghìn tỷ đồng", 2e12, "VND"),
        ("500 triệu USD", 5e8, "USD"), ("3 tỷ won", 3e9, "KRW"), ("0,5 điểm phần trăm", 0.5, "%p"),
        ("15,3%", 15.3, "%"), ("25 điểm cơ bản", 0.25, "%p"), ("25.450 đồng", 25450, "VND")])


# ---------------------------------------------------------------- interface

def test_extractor_interface_and_row_shape():
    rows = NumberExtractor().run(Doc(body="매출은 3조원으로 5% 늘었다.", lang="ko"), {})
    assert NumberExtractor.name == "numbers"
    assert rows == [
        {"text": "3조원", "value": 3_000_000_000_000, "unit": "KRW", "kind": "money", "start": 4, "end": 7},
        {"text": "5%", "value": 5, "unit": "%", "kind": "percent", "start": 10, "end": 12}]
    assert extract_numbers("", "ko") == []


# ---------------------------------------------------------------- gold

def _f1(gold_rows, pred_rows):
    def items(rows):
        return [(r["unit"], float(r["value"])) for r in rows if r["unit"] in SCORED_UNITS]
    g, p = items(gold_rows), items(pred_rows)
    left = list(g)
    tp = 0
    for u, v in p:
        for i, (gu, gv) in enumerate(left):
            if u == gu and abs(v - gv) <= 1e-6 * max(1.0, abs(gv)):
                tp += 1
                del left[i]
                break
    return len(g), len(p), tp


@pytest.mark.skipif(not GOLD.is_dir(), reason="shared gold data not available")
def test_gold_korean_numbers_f1():
    files = sorted(GOLD.glob("*.json"))
    if not files:
        pytest.skip("no gold files")
    g = p = tp = 0
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        if doc.get("lang") != "ko":
            continue
        a, b, c = _f1(doc.get("numbers", []), extract_numbers(doc["body"], "ko"))
        g, p, tp = g + a, p + b, tp + c
    if not g:
        pytest.skip("no Korean gold numbers")
    precision, recall = tp / p if p else 0.0, tp / g
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.9, (precision, recall, g, p, tp)
