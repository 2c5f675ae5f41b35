"""Date expressions: rule families per language, negatives, and a check against the shared gold."""

from __future__ import annotations

import json
import pathlib
from datetime import date

import pytest

from newsflow.extract.base import Doc
from newsflow.extract.dates import DateExtractor, extract_dates

GOLD = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "gold"


def found(text: str, lang: str, published: date | None) -> dict[str, str]:
    rows = extract_dates(text, lang, published)
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    return {r["text"]: r["normalized"] for r in rows}


def values(text: str, lang: str, published: date | None) -> set[str]:
    return set(found(text, lang, published).values())


# ---------------------------------------------------------------------------- Korean

def test_ko_days_keep_local_time_and_follow_direction_words():
    got = found("정부는 26일(현지시간) 회의를 열었다. 지난 28일 발표했고 오는 3일 다시 만난다. 13일 이사회를 열었다.",
                "ko", date(2024, 6, 27))
    assert got == {"26일(현지시간)": "2024-06-26", "지난 28일": "2024-05-28", "오는 3일": "2024-07-03",
                   "13일": "2024-06-13"}


def test_ko_days_with_months():
    got = found("다음 달 1일부터 시행한다. 지난달 30일 마감했다. 2024년 3월 5일 출범했다. 7월 1일과 2일 열린다. "
                "지난 5월 7일 발표했다. 오는 7월 26∼27일 열린다.", "ko", date(2024, 4, 10))
    assert got == {"다음 달 1일": "2024-05-01", "지난달 30일": "2024-03-30", "2024년 3월 5일": "2024-03-05",
                   "7월 1일": "2024-07-01", "2일": "2024-07-02", "지난 5월 7일": "2023-05-07",
                   "오는 7월 26": "2024-07-26", "27일": "2024-07-27"}


def test_ko_months_and_years():
    got = found("지난 2월 시작했다. 오는 6월 점검한다. 10월 수출입 동향. 지난해 8월 합의했다. 2025년 말까지. "
                "지난해 말 기준. 올해 연말 인사. 2030년 목표. 내년, 작년, 재작년, 올해.", "ko", date(2024, 3, 27))
    assert got == {"지난 2월": "2024-02", "오는 6월": "2024-06", "10월": "2024-10", "지난해 8월": "2023-08",
                   "2025년 말": "2025-12", "지난해 말": "2023-12", "올해 연말": "2024-12", "2030년": "2030",
                   "내년": "2025", "작년": "2023", "재작년": "2022", "올해": "2024"}


def test_ko_relative_months_and_vague_sub_periods():
    got = found("지난달 수출이 늘었다. 이달 말까지 마련한다. 이달 초 발표. 지난달 중순 합의. 다음 달 시행. 6월 말 기준.",
                "ko", date(2024, 3, 27))
    assert got == {"지난달": "2024-02", "이달 말": "2024-03", "이달 초": "2024-03", "지난달 중순": "2024-02",
                   "다음 달": "2024-04", "6월 말": "2024-06"}


def test_ko_quarters_halves_and_month_ranges():
    got = found("올해 4분기 착공해 내년 상반기 양산. 2분기 안에 마무리. 하반기 전망. 지난해 1∼6월 실적과 7~9월 실적, "
                "1·4분기 실적.", "ko", date(2024, 8, 14))
    assert got == {"올해 4분기": "2024-Q4", "내년 상반기": "2025-H1", "2분기": "2024-Q2", "하반기": "2024-H2",
                   "지난해 1∼6월": "2023-H1", "7~9월": "2024-Q3", "1·4분기": "2024-Q1"}


def test_ko_comparison_bases_follow_the_reported_period():
    assert found("지난달 수출은 지난해 같은 달보다 15% 늘었다.", "ko", date(2024, 11, 1)) == {
        "지난달": "2024-10", "지난해 같은 달": "2023-10"}
    assert found("올해 2분기 매출은 지난해 같은 기간보다 늘었고 전 분기보다 줄었다.", "ko", date(2024, 7, 25)) == {
        "올해 2분기": "2024-Q2", "지난해 같은 기간": "2023-Q2", "전 분기": "2024-Q1"}
    assert found("10월 수출은 전월 대비 5%, 전년 동월 대비 4.6% 늘었다.", "ko", date(2024, 11, 1)) == {
        "10월": "2024-10", "전월": "2024-09", "전년 동월": "2023-10"}
    assert found("지난해 수출은 전년보다 7% 줄었다.", "ko", date(2024, 1, 15)) == {"지난해": "2023", "전년": "2022"}
    # no period mentioned yet: published's month
    assert found("매출이 전년 동기 대비 늘었다.", "ko", date(2024, 5, 2)) == {"전년 동기": "2023-05"}


def test_ko_reported_day_words():
    text = ("삼성전자는 13일 이사회를 열고 투자를 의결했다고 14일 밝혔다.\n"
            "산업부는 오는 29일 간담회를 연다.\n"
            "한편 이날 주가는 전 거래일보다 2.1% 올랐다. 전날에는 하락했다.")
    assert found(text, "ko", date(2024, 8, 14)) == {
        "13일": "2024-08-13", "14일": "2024-08-14", "오는 29일": "2024-08-29", "이날": "2024-08-14",
        "전 거래일": "2024-08-13", "전날": "2024-08-13"}
    # a future day is the reference inside its own paragraph
    assert found("오는 29일 간담회를 연다. 이날 회의에서는 일정을 점검한다.", "ko", date(2024, 8, 14))["이날"] == "2024-08-29"
    # the previous business day skips the weekend
    assert found("12일 코스피는 전 거래일 대비 1% 올랐다.", "ko", date(2024, 8, 12))["전 거래일"] == "2024-08-09"


def test_ko_published_based_days_and_weekdays():
    got = found("어제 발표했다. 그제 열렸다. 오늘 밝혔다. 지난주 목요일 합의했다.", "ko", date(2024, 6, 27))
    assert got == {"어제": "2024-06-26", "그제": "2024-06-25", "오늘": "2024-06-27", "지난주 목요일": "2024-06-20"}


def test_ko_same_year_refers_back():
    got = found("중국은 지난해 8월부터 허가제로 바꾼 데 이어 같은 해 12월에는 흑연 수출 통제도 시작했다.", "ko", date(2024, 6, 28))
    assert got == {"지난해 8월": "2023-08", "같은 해 12월": "2023-12"}


@pytest.mark.parametrize("text", [
    "무역수지는 1년 7개월째 흑자다.", "17개월 연속 흑자 행진.", "12개월 연속 상승세.", "넉 달 만에 가장 많았다.",
    "1년 새 3.6% 증가했다.", "매년 개최한다.", "분기마다 점검한다.", "3분기 연속 적자.", "최근 향후 당분간 어렵다.",
    "제1차 한·미·일 산업장관회의", "3국 장관", "5세대 HBM인 HBM3E 12단 제품", "일본 경제산업성", "30일 이상 연체",
    "3일간 열린다.", "3일 만에 반등했다.", "매월 1일 지급한다.", "매년 3월 발표한다.", "오늘날 기업", "연말정산 시즌",
    "2.5배 수준", "2조3000억원을 투자한다.", "24시간 365일 운영", "2000년대 초반",
])
def test_ko_not_dates(text):
    assert extract_dates(text, "ko", date(2024, 6, 27)) == []


# ---------------------------------------------------------------------------- English

def test_en_weekdays_months_years_and_comparisons():
    text = ("Officials said Tuesday the shipbuilders won orders, according to a filing on Monday. The ships will be "
            "delivered between 2027 and 2028. Prices rose to $265 million in August, up 6.4 percent from a year "
            "earlier. Chinese builders took 58 percent in the first half of the year. Earnings will grow from next year "
            "and in 2025. The ministry plans a package later this month. Each carries 174,000 cubic meters.")
    assert found(text, "en", date(2024, 9, 10)) == {
        "Tuesday": "2024-09-10", "Monday": "2024-09-09", "2027": "2027", "2028": "2028", "August": "2024-08",
        "a year earlier": "2023-08", "the first half of the year": "2024-H1", "next year": "2025", "2025": "2025",
        "later this month": "2024-09"}


def test_en_weekday_direction_and_future():
    got = found("The ministry said last Tuesday it would hold talks next Monday. On Wednesday shares fell. "
                "The summit will be held on Thursday.", "en", date(2024, 9, 13))
    assert got == {"last Tuesday": "2024-09-03", "next Monday": "2024-09-16", "Wednesday": "2024-09-11",
                   "Thursday": "2024-09-19"}


def test_en_dates_months_and_sub_periods():
    got = found("Talks on Aug. 5, 2024 and 5 August 2024 and September 1. Sales rose in March and will rise in "
                "November. Output peaked in December. By the end of March, the end of 2025 and year-end. In May, "
                "prices rose. Theresa May said so.", "en", date(2024, 9, 13))
    assert got == {"Aug. 5, 2024": "2024-08-05", "5 August 2024": "2024-08-05", "September 1": "2024-09-01",
                   "March": "2024-03", "November": "2024-11", "December": "2023-12", "the end of March": "2024-03",
                   "the end of 2025": "2025-12", "year-end": "2024-12", "May": "2024-05"}


def test_en_quarters_halves_and_relative_periods():
    got = found("The third quarter, Q3 2024, the fourth quarter of last year, the second half, the first half of 2025, "
                "the previous quarter, earlier this month, last month, next month, last year, this year.",
                "en", date(2024, 9, 13))
    assert got == {"The third quarter": "2024-Q3", "Q3 2024": "2024-Q3", "the fourth quarter of last year": "2023-Q4",
                   "the second half": "2024-H2", "the first half of 2025": "2025-H1", "the previous quarter": "2024-Q2",
                   "earlier this month": "2024-09", "last month": "2024-08", "next month": "2024-10",
                   "last year": "2023", "this year": "2024"}
    # early in a year, an unqualified fourth quarter is last year's
    assert found("Fourth-quarter profit rose 10 percent from a year earlier.", "en", date(2025, 1, 28)) == {
        "Fourth-quarter": "2024-Q4", "a year earlier": "2023-Q4"}


def test_en_days_relative_to_published_and_reported_day():
    got = found("Yesterday the index rose. Today it fell 1 percent from the previous session.", "en",
                date(2024, 9, 16))
    assert got == {"Yesterday": "2024-09-15", "Today": "2024-09-16", "the previous session": "2024-09-13"}
    assert found("In 2023, sales rose from the previous year.", "en", date(2024, 9, 16)) == {
        "2023": "2023", "the previous year": "2022"}


@pytest.mark.parametrize("text", [
    "It carries 174,000 cubic meters.", "The price was $2027.", "It hired 2000 workers.", "over the next three years",
    "The company may raise prices.", "Jan said so.", "It rose 12 percent year-on-year.",
])
def test_en_not_dates(text):
    assert extract_dates(text, "en", date(2024, 9, 13)) == []


# ---------------------------------------------------------------------------- ja / zh / vi

def test_ja():
    text = ("現代自動車グループは7日、新工場を建設すると発表した。来年上半期に着工し、2027年から生産する。社長は同日、"
            "会見で述べた。2021年に合意し、今年4月から量産を始めた。7～9月期以降に改善する。前年同期比で増えた。"
            "今月初めに発表し、先月も、来月も、10月も、3月5日も。2日間の日程。前日銀総裁。")
    assert found(text, "ja", date(2024, 10, 8)) == {
        "7日": "2024-10-07", "来年上半期": "2025-H1", "2027年": "2027", "同日": "2024-10-07", "2021年": "2021",
        "今年4月": "2024-04", "7～9月期": "2024-Q3", "前年同期": "2023-Q3", "今月初め": "2024-10",
        "先月": "2024-09", "来月": "2024-11", "10月": "2024-10", "3月5日": "2024-03-05"}
    assert values("４～６月期の決算。昨年末から。", "ja", date(2024, 8, 1)) == {"2024-Q2", "2023-12"}


def test_zh():
    text = "国家统计局26日表示，上周四公布的数据显示，本月上旬、去年同期、第三季度、上半年、今年、去年、明年、6月、2024年6月26日、前一天、前三季度。"
    assert found(text, "zh", date(2024, 6, 27)) == {
        "26日": "2024-06-26", "上周四": "2024-06-20", "本月上旬": "2024-06", "去年同期": "2023-06",
        "第三季度": "2024-Q3", "上半年": "2024-H1", "今年": "2024", "去年": "2023", "明年": "2025", "6月": "2024-06",
        "2024年6月26日": "2024-06-26", "前一天": "2024-06-25"}
    assert extract_dates("价格为30日元，每周一开会，为期三个月。", "zh", date(2024, 6, 27)) == []


def test_vi():
    text = ("Ngày 26/6, Chính phủ họp. Dự án khởi công 26/6/2024, hoàn thành cuối tháng 8 và tháng 9. GDP quý III tăng, "
            "quý 3 năm ngoái giảm. Năm 2024 khó khăn hơn năm nay và năm sau. 6 tháng đầu năm tăng 6% so với cùng kỳ "
            "năm ngoái. Dự án hai năm trước.")
    assert found(text, "vi", date(2024, 6, 27)) == {
        "Ngày 26/6": "2024-06-26", "26/6/2024": "2024-06-26", "cuối tháng 8": "2024-08", "tháng 9": "2024-09",
        "quý III": "2024-Q3", "quý 3 năm ngoái": "2023-Q3", "Năm 2024": "2024", "năm nay": "2024",
        "năm sau": "2025", "6 tháng đầu năm": "2024-H1", "cùng kỳ năm ngoái": "2023-H1"}


# ---------------------------------------------------------------------------- behaviour

def test_each_surface_once_with_first_offsets():
    text = "13일 열었다. 13일 다시 열었다."
    rows = extract_dates(text, "ko", date(2024, 8, 14))
    assert rows == [{"text": "13일", "normalized": "2024-08-13", "start": 0, "end": 3}]


def test_without_published_only_absolute_expressions():
    # bare days and 지난해 need published; 이날 still has an explicit day to refer to
    assert found("2024년 3월 5일 출범했고 13일과 지난해, 이날 발표했다.", "ko", None) == {
        "2024년 3월 5일": "2024-03-05", "이날": "2024-03-05"}
    assert found("In 2023 and last year and on Tuesday.", "en", None) == {"2023": "2023"}


def test_unknown_language_and_empty_text():
    assert extract_dates("am 5. Mai 2024", "de", date(2024, 6, 1)) == []
    assert extract_dates("", "ko", date(2024, 6, 1)) == []


def test_extractor_interface():
    doc = Doc(body="산업통상자원부는 26일(현지시간) 밝혔다.", lang="ko", published=date(2024, 6, 27))
    assert DateExtractor.name == "dates" and DateExtractor.version == "1"
    assert DateExtractor().run(doc, {}) == [{"text": "26일(현지시간)", "normalized": "2024-06-26", "start": 9, "end": 18}]


# ---------------------------------------------------------------------------- gold

def test_gold_korean_date_sets():
    files = sorted(GOLD.glob("*.json")) if GOLD.is_dir() else []
    if not files:
        pytest.skip("shared gold is absent")
    tp = n_gold = n_pred = 0
    for f in files:
        g = json.loads(f.read_text(encoding="utf-8"))
        if g.get("lang") != "ko":
            continue
        gold = {d["normalized"] for d in g.get("dates", [])}
        pred = values(g["body"], "ko", date.fromisoformat(g["published"]))
        tp, n_gold, n_pred = tp + len(gold & pred), n_gold + len(gold), n_pred + len(pred)
    if not n_gold:
        pytest.skip("no Korean gold")
    p, r = tp / max(n_pred, 1), tp / n_gold
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    assert f1 >= 0.85, (p, r, f1)


def test_coordinated_months_share_a_year_and_earlier_days_do_not_become_the_reported_day():
    got = found("한은은 지난해 10월과 11월 금리를 내렸다.", "ko", date(2025, 2, 25))
    assert got["지난해 10월"] == "2024-10" and got["11월"] == "2024-11"
    got = found("앞서 9일(현지시간) 뉴욕증시가 급등했다. 환율은 전날보다 30원 내렸다.", "ko", date(2025, 4, 10))
    assert got["전날"] == "2025-04-09"


def test_a_named_years_same_month_and_previous_quarter_and_vietnamese_short_dates():
    got = found("6월 취업자는 늘었다. 청년층은 2019년 같은 달보다 많다.", "ko", date(2024, 7, 10))
    assert got["2019년 같은 달"] == "2019-06"
    assert found("1～3月期の利益率は前の四半期から低下した。", "ja", date(2025, 4, 24))["前の四半期"] == "2024-Q4"
    assert found("Lễ ký kết diễn ra chiều 13/3 tại Hải Phòng.", "vi", date(2025, 3, 14))["13/3"] == "2025-03-13"
