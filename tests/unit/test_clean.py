import json

from newsflow.clean import clean_paragraphs, normalize_text

P = [f"{i}번째 문단입니다. 산업통상자원부는 반도체 공급망 협력을 강화하기로 했다고 밝혔다." for i in range(1, 8)]


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
