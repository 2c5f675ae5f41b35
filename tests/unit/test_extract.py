from datetime import UTC, datetime

from newsflow.extract import detect_language, extract, keywords
from newsflow.models import Article


def test_language_by_script_for_our_five_languages():
    assert detect_language("한국은행이 기준금리를 동결했다.") == "ko"
    assert detect_language("日本銀行は金利を据え置いた。市場はこれを予想していた。") == "ja"
    assert detect_language("中国人民银行宣布维持贷款市场报价利率不变。") == "zh"
    assert detect_language("Ngân hàng Nhà nước Việt Nam giữ nguyên lãi suất điều hành.") == "vi"
    assert detect_language("The Bank of Korea held its policy rate.") == "en"
    assert detect_language("Die Bundesbank erwartet Wachstum.", hint="de") == "de"


def test_keywords_strip_korean_particles():
    kws = keywords("반도체 수출이 늘었다. 반도체 수출은 반도체 업황 덕분이다. 삼성전자는 반도체 투자를 늘렸다.", "ko")
    assert kws[0] == "반도체" and "수출" in kws


def test_extract_sets_lang_and_keywords():
    a = Article(article_id="a", url="u", canonical_url="u", source="s", title="Chip exports",
                paragraphs=("Chip exports rose as chip prices rose.",), published_at=None,
                fetched_at=datetime(2024, 6, 27, tzinfo=UTC), lang="ko")
    out = extract(a)
    assert out.lang == "en" and out.keywords[0] == "chip"
