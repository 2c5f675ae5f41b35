import json
import random

import pytest

from newsflow import clean
from newsflow.clean import NEAR_REPEAT_WINDOW, clean_paragraphs, normalize_text

P = ["산업통상자원부는 26일 워싱턴에서 한·미·일 산업장관회의를 열었다고 밝혔다.",
     "3국 장관은 반도체와 배터리 공급망 협력을 강화하는 공동선언문을 채택했다.",
     "회의는 지난해 정상회의에서 정례화에 합의한 데 따라 처음 개최됐다.",
     "장관들은 핵심광물 수출통제에 대한 우려를 공유하고 긴밀히 공조하기로 했다.",
     "인공지능 등 첨단기술 공동연구와 표준 협력도 확대한다는 계획이다.",
     "산업부 장관은 3국이 최적의 협력 파트너라고 강조했다.",
     "3국은 회의를 매년 열고 실무급 협력도 이어가기로 했다."]


def test_seed_shaped_page_comes_out_once_in_order_without_copyright():
    # the seed's shape: first paragraph, the rest, then most of the rest again, a byline, a copyright line
    scraped = [P[0], *P[1:], *[p for p in P[1:] if p != P[4]], "김도윤 기자 doyoon@hanbit.example",
               "ⓒ 한빛경제(www.hanbit.example) 무단전재 및 재배포 금지"]
    out, removed = clean_paragraphs(scraped)
    assert out == P
    assert removed == {"repeated": 5, "byline": 1, "copyright": 1}


def test_the_seed_itself_matches_its_gold_body(shared):
    seed = (shared / "seed" / "000_ab379a637c36586b.txt").read_text(encoding="utf-8").split("\n")
    gold = json.loads((shared / "gold" / "seed.json").read_text(encoding="utf-8"))["body"]
    out, removed = clean_paragraphs(seed)
    assert "\n".join(out) == gold
    assert removed["copyright"] == 1


def test_normalisation_keeps_hangul_and_removes_invisible_characters():
    decomposed = "\u1112\u1161\u11ab\uae00"  # 한 as conjoining jamo + 글
    assert normalize_text(f" {decomposed}\u200b &amp; \u00a0 ㈜한빛 ① ") == "한글 & ㈜한빛 ①"


def test_boilerplate_rules():
    lines = ["[사진=한빛경제 DB]", "▶ 관련기사: 반도체 수출 급증", "<저작권자 © 동남일보 무단전재-재배포 금지>",
             "By Kim Min-ji (minji.kim@hanbit.example)", "Copyright © Hanbit Economic Daily. All rights reserved.",
             "박서준 기자", "(서울=한빛경제) 이하늘 기자 = 한국은행이 기준금리를 동결했다고 27일 밝혔다. 시장은 예상대로라는 반응이다."]
    out, removed = clean_paragraphs(lines)
    assert out == [lines[-1]]
    assert removed == {"photo_caption": 1, "related": 1, "copyright": 2, "byline": 2}


def test_near_identical_repeats_differing_in_spacing_or_punctuation():
    out, removed = clean_paragraphs(["수출이 늘었다. 반도체 덕분이다.", "수출이  늘었다 반도체 덕분이다", "다른 문단."])
    assert out == ["수출이 늘었다. 반도체 덕분이다.", "다른 문단."] and removed == {"repeated": 1}


def test_near_identical_repeat_with_an_edit_is_removed_but_similar_facts_stay():
    first = "한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 밝혔다."
    edited = "한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 발표했다."
    jan = "1월 수출은 전년 같은 달보다 5.2% 늘어난 500억달러로 집계됐다."
    feb = "2월 수출은 전년 같은 달보다 3.1% 줄어든 480억달러로 집계됐다."
    out, removed = clean_paragraphs([first, jan, feb, edited])
    assert out == [first, jan, feb] and removed == {"near_repeat": 1}


def test_lines_repeating_across_a_sources_pages_are_learned_and_removed():
    from newsflow.clean import repeated_lines

    slogan = "대한민국 경제의 내일을 여는 정론지 한빛경제가 함께합니다"
    pages = [[f"기사 {i}의 첫 문단은 모두 다르다.", slogan] for i in range(10)]
    lines = repeated_lines(pages)
    out, removed = clean_paragraphs(["오늘의 새 기사 본문이다.", slogan], source_lines=lines)
    assert out == ["오늘의 새 기사 본문이다."] and removed == {"source_repeated_line": 1}
    assert repeated_lines(pages[:3]) == frozenset()  # too few pages to learn from


def test_boilerplate_rules_in_the_other_languages():
    body = "日本銀行は政策金利を据え置いた。市場はこれを予想していた。"
    lines = [body, "【写真】記者会見する植田総裁", "関連記事：円安が続く", "（责任编辑：牛镛、岳弘彬）",
             "(Reporting by Jane Doe; Editing by John Roe)", "Ảnh: Reuters", "Xem thêm: Giá vàng hôm nay",
             "無断転載・複製を禁じます"]
    out, removed = clean_paragraphs(lines)
    assert out == [body]
    assert removed == {"photo_caption": 2, "related": 2, "byline": 2, "copyright": 1}


def _word_salad(n: int, words: tuple[int, int], seed: int = 0) -> list[str]:
    """``n`` distinct paragraphs of like words (the fuzz's ``similar_paragraphs``): their 3-gram
    Jaccard stays under 0.8, so every one is kept and stays a candidate for every later one."""
    rng = random.Random(seed)
    vocab = [f"word{i}" for i in range(50)]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(*words))) + "." for _ in range(n)]


def _comparisons(monkeypatch, paragraphs: list[str]) -> tuple[int, list[str]]:
    """Similarity comparisons ``clean_paragraphs`` makes on ``paragraphs``, and what it keeps."""
    calls = 0
    real = clean._similar

    def counting(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    with monkeypatch.context() as m:
        m.setattr(clean, "_similar", counting)
        out, _ = clean_paragraphs(paragraphs)
    return calls, out


@pytest.mark.parametrize("words", [(12, 12), (30, 30), (5, 40)], ids=["12-words", "30-words", "5-40-words"])
def test_near_repeat_comparisons_grow_linearly_not_pairwise(monkeypatch, words):
    # 3,000 like paragraphs (the last: lengths spread over several length bands). Compared pairwise
    # that was ~4.5 million comparisons (seconds per page); now each paragraph meets at most the
    # NEAR_REPEAT_WINDOW newest kept keys of the two length bands it may match.
    n = 3000
    calls, out = _comparisons(monkeypatch, _word_salad(n, words))
    assert len(out) == n  # all kept: the worst case, every paragraph remains a candidate
    assert n < calls <= 2 * NEAR_REPEAT_WINDOW * n  # the counter is live, and the bound holds
    half, _ = _comparisons(monkeypatch, _word_salad(n // 2, words))
    assert calls <= 2.1 * half  # twice the paragraphs, twice the comparisons (pairwise: four times)


def test_near_repeat_is_still_found_past_many_paragraphs_of_other_lengths():
    first = "한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 밝혔다."
    edited = "한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 발표했다."
    # far more than the window of paragraphs in between, but none of them of first's length
    short = [f"짧은 문단 {i}번." for i in range(3 * NEAR_REPEAT_WINDOW)]
    long = _word_salad(3 * NEAR_REPEAT_WINDOW, (30, 30))
    out, removed = clean_paragraphs([first, *short, *long, edited])
    assert out == [first, *short, *long] and removed == {"near_repeat": 1}


def test_a_whole_article_repeated_with_edits_is_removed():
    # the seed's shape with an edit in every repeated paragraph (a CMS's second pass)
    body = _word_salad(NEAR_REPEAT_WINDOW, (30, 30), seed=1)
    again = [p[:-1] + " edited." for p in body]
    out, removed = clean_paragraphs([*body, *again])
    assert out == body and removed == {"near_repeat": NEAR_REPEAT_WINDOW}


def test_exact_repeats_are_found_however_far_back():
    body = _word_salad(3000, (12, 12))
    out, removed = clean_paragraphs([*body, body[0], body[1].upper()])
    assert out == body and removed == {"repeated": 2}
