"""Language, entities, quotes, keywords, the registry and the analyze CLI, on sentences
written for these tests (Korean and English for every extractor, plus ja/zh/vi)."""

import json
from pathlib import Path
from datetime import date

import pytest

from newsflow.__main__ import main
from newsflow.config import ConfigError
from newsflow.extract.base import Doc, split_sentences
from newsflow.extract.entities import find_entities, to_rows
from newsflow.extract.gazetteer import GazetteerError, load, parse_line
from newsflow.extract.keywords import extract_keywords
from newsflow.extract.language import detect_language, language_with_confidence
from newsflow.extract.quotes import extract_quotes
from newsflow.extract.registry import analyze, doc_from_json, load_registry


def ents(text, lang="ko"):
    return {(e["type"], e["canonical"]): e for e in to_rows(find_entities(text, lang))}


def quotes(text, lang="ko"):
    doc = Doc(text, lang, date(2024, 5, 2))
    return [(q["speaker"], q["text"]) for q in extract_quotes(doc, to_rows(find_entities(text, lang)))]


# -- language -----------------------------------------------------------------------------------
def test_language_by_script_for_our_five_languages():
    assert detect_language("한국은행이 기준금리를 동결했다.") == "ko"
    assert detect_language("日本銀行は金利を据え置いた。市場はこれを予想していた。") == "ja"
    assert detect_language("中国人民银行宣布维持贷款市场报价利率不变。") == "zh"
    assert detect_language("Ngân hàng Nhà nước Việt Nam giữ nguyên lãi suất điều hành.") == "vi"
    assert detect_language("The Bank of Korea held its policy rate.") == "en"
    assert detect_language("Die Bundesbank erwartet Wachstum.", hint="de") == "de"


def test_language_confidence_drops_for_mixed_text_and_is_zero_without_text():
    assert language_with_confidence("한국은행이 기준금리를 동결했다.") == ("ko", 1.0)
    lang, conf = language_with_confidence("KOSPI closed at 2,700 as 외국인 sold shares in Seoul trading today")
    assert lang == "en" and 0.5 < conf < 1.0
    assert language_with_confidence("12345 !!!") == (None, 0.0)


# -- entities -------------------------------------------------------------------------------------
def test_korean_person_with_org_and_title_and_alias_resolution():
    text = ("기재부는 3일 정례 브리핑을 열었다. 홍민준 기재부 제1차관은 이날 세종에서 기자들과 만났다.\n"
            "홍 차관은 \"물가 안정이 최우선\"이라고 말했다.")
    e = ents(text)
    person = e[("PERSON", "홍민준")]
    assert person["role"] == "기획재정부 제1차관"
    assert "홍 차관" in person["aliases"]
    assert e[("ORG", "기획재정부")]["aliases"] == ["기재부"] or "기재부" in e[("ORG", "기획재정부")]["text"]
    assert ("LOCATION", "세종") in e


def test_korean_org_name_title_order_and_unknown_company_from_role():
    text = "대신증권 오세린 연구원은 보고서에서 전망을 내놨다. 박지후 한결바이오 대표도 참석했다."
    e = ents(text)
    assert e[("PERSON", "오세린")]["role"] == "대신증권 연구원"
    assert e[("PERSON", "박지후")]["role"] == "한결바이오 대표"
    assert ("ORG", "대신증권") in e


def test_foreign_name_before_country_ministry_and_title():
    text = "재닛 옐런 미국 재무부 장관과 스즈키 슌이치 일본 재무상이 만났다."
    e = ents(text)
    assert e[("PERSON", "재닛 옐런")]["role"] == "미국 재무부 장관"
    assert ("ORG", "미국 재무부") in e and ("COUNTRY", "미국") in e


def test_country_compounds_and_the_meeting_named_after_them():
    text = "한·미·일 외교장관회의가 열렸다. 미국과 일본 대표단이 먼저 도착했다. 한미 동맹도 논의됐다."
    e = ents(text)
    assert e[("COUNTRY", "한국")]["text"] == "한·미·일"
    assert ("COUNTRY", "미국") in e and ("COUNTRY", "일본") in e
    assert ("ORG", "한·미·일 외교장관회의") in e


def test_ambiguous_alias_needs_a_neighbouring_place():
    assert ("LOCATION", "경기도") not in ents("중국 경기 둔화가 수출에 부담이다.")
    assert ("LOCATION", "경기도") in ents("경기·인천 지역 아파트값이 올랐다.")


def test_common_words_are_not_people_and_pronouns_are_not_entities():
    e = ents("정부 관계자는 최적의 방안을 찾겠다고 말했다. 그는 현금 대신 카드를 냈다.")
    assert not [k for k in e if k[0] == "PERSON"]


def test_company_descriptor_and_according_to_find_unknown_orgs():
    e = ents("시장조사업체 카운터포인트리서치에 따르면 점유율이 올랐다. 반면 옴니스케이프에 따르면 수요는 줄었다.")
    assert ("ORG", "카운터포인트리서치") in e
    assert ("ORG", "옴니스케이프") in e


def test_english_people_orgs_places():
    text = ("Samsung Electronics said Monday it will expand its Pyeongtaek plant. \"Demand is strong,\" said "
            "Kim Min-ji, an analyst at Hana Securities. Kim added that the Bank of Korea may cut rates.")
    e = ents(text, "en")
    assert e[("PERSON", "Kim Min-ji")]["role"] == "analyst, Hana Securities"
    assert ("ORG", "Hana Securities") in e and ("ORG", "Samsung Electronics") in e
    assert ("ORG", "Bank of Korea") in e and ("LOCATION", "Pyeongtaek") in e


def test_a_foreign_given_name_before_a_surname_that_reads_as_korean():
    """노바크 alone reads as a Korean name (노 is a surname); 파벨 before it, at a phrase start,
    with a country and ministry after it, is the given name of one foreign person."""
    text = "파벨 노바크 체코 산업통상부 장관은 축사에서 \"핵심 기반\"이라고 말했다. 노바크 장관은 \"기대한다\"고 강조했다."
    assert ents(text)[("PERSON", "파벨 노바크")]["role"] == "체코 산업통상부 장관"
    assert quotes(text) == [("파벨 노바크", "핵심 기반"), ("파벨 노바크", "기대한다")]
    assert ("PERSON", "노승현") in ents("행사에 참석한 노승현 산업통상자원부 장관은 \"협력하겠다\"고 말했다.")


def test_japanese_chinese_vietnamese_entities():
    ja = ents("トヨタ自動車のサトウ・ケンジ副社長は「需要は強い」と述べた。同社は米国で増産する。", "ja")
    assert ja[("PERSON", "サトウ・ケンジ")]["role"] == "トヨタ自動車副社長"
    assert ("COUNTRY", "米国") in ja
    zh = ents("商务部部长王建国表示，中国将扩大对韩国的进口。", "zh")
    assert ("PERSON", "王建国") in zh and ("COUNTRY", "韩国") in zh
    vi = ents("Bộ trưởng Nguyễn Văn Minh cho biết Samsung Electronics sẽ mở rộng nhà máy tại Bắc Ninh.", "vi")
    assert ("PERSON", "Nguyễn Văn Minh") in vi and ("LOCATION", "Bắc Ninh") in vi


# -- quotes -----------------------------------------------------------------------------------------
def test_korean_quote_patterns_and_speakers():
    text = ("이창호 한국은행 부총재는 \"물가 경로가 예상보다 빠르다\"며 \"금리 인하는 이르다\"고 말했다.\n"
            "그는 \"환율 변동성도 커졌다\"고 덧붙였다.\n"
            "금융위 관계자는 \"대출 규제를 유지하겠다\"고 밝혔다.\n"
            "이 부총재는 또 \"시장과 소통하겠다\"라고 강조했다.")
    got = quotes(text)
    assert got == [("이창호", "물가 경로가 예상보다 빠르다"), ("이창호", "금리 인하는 이르다"),
                   ("이창호", "환율 변동성도 커졌다"), ("금융위원회", "대출 규제를 유지하겠다"),
                   ("이창호", "시장과 소통하겠다")]


def test_a_korean_quote_with_no_subject_continues_the_speaker_of_the_paragraph_before():
    text = ("이창호 한국은행 부총재는 \"물가 경로가 예상보다 빠르다\"고 말했다.\n"
            "부동산 PF 우려에 대해서는 \"정부와 긴밀히 협의하고 있다\"며 \"시장안정 조치를 활용하겠다\"고 했다.\n"
            "한 시장 참가자는 \"당분간 변동성이 크다\"고 말했다.\n"
            "\"외국인 자금 유출이 걱정\"이라고 했다.\n"
            "최상목 부총리는 \"재정 여력은 있다\"고 말했다. 환율은 1,400원 선에서 움직였다.\n"
            "\"필요하면 추경도 검토하겠다\"고도 했다.")
    got = quotes(text)
    assert got == [("이창호", "물가 경로가 예상보다 빠르다"), ("이창호", "정부와 긴밀히 협의하고 있다"),
                   ("이창호", "시장안정 조치를 활용하겠다"), (None, "당분간 변동성이 크다"),
                   (None, "외국인 자금 유출이 걱정"),  # after an unnamed source: nobody
                   ("최상목", "재정 여력은 있다"), ("최상목", "필요하면 추경도 검토하겠다")]


def test_the_company_speaks_for_the_story_s_company_not_the_last_one_named():
    text = ("LG에너지솔루션은 3분기 영업이익이 줄었다고 밝혔다. LG에너지솔루션의 ESS 수주는 늘었다.\n"
            "주요 고객사인 테슬라의 판매 둔화가 영향을 미쳤다.\n"
            "회사 측은 \"ESS 라인 전환 투자는 계획대로 집행하겠다\"고 밝혔다.")
    assert quotes(text) == [("LG에너지솔루션", "ESS 라인 전환 투자는 계획대로 집행하겠다")]


def test_single_quoted_titles_are_not_quotes():
    assert quotes("산업부는 '제2차 수출전략회의'를 열고 '반도체 특별법'을 논의했다.") == []


def test_english_quotes_either_side_and_continuation():
    text = ("\"Exports will recover,\" said Park Soo-ah, a director at the Ministry of Economy and Finance. "
            "\"We expect growth next year.\"\n"
            "Lee Dong-hoon, chief economist at KB Securities, said: \"Rates will fall.\"\n"
            "\"It is too early,\" Park said.")
    got = quotes(text, "en")
    assert got == [("Park Soo-ah", "Exports will recover,"), ("Park Soo-ah", "We expect growth next year."),
                   ("Lee Dong-hoon", "Rates will fall."), ("Park Soo-ah", "It is too early,")]


def test_quote_offsets_point_into_the_body():
    text = "김하늘 금융위원회 위원장은 \"가계부채를 관리하겠다\"고 말했다."
    doc = Doc(text, "ko", date(2024, 1, 1))
    (q,) = extract_quotes(doc, to_rows(find_entities(text, "ko")))
    assert text[q["start"]:q["end"]] == q["text"]


def test_sentences_do_not_split_inside_quotes():
    text = "그는 \"첫째. 둘째.\"라고 말했다. 다음 문장."
    assert [text[s:e] for s, e in split_sentences(text)] == ["그는 \"첫째. 둘째.\"라고 말했다.", " 다음 문장."]


# -- keywords ---------------------------------------------------------------------------------------
def test_korean_keywords_are_noun_phrases_not_verbs_or_dates():
    body = ("정부가 전기차 보조금을 확대한다. 전기차 보조금은 올해 1조원 규모다.\n"
            "전기차 판매가 줄자 배터리 업계도 전기차 보조금 확대를 요구해 왔다. 배터리 수요 회복이 관건이다.")
    kws = [k["text"] for k in extract_keywords(Doc(body, "ko", date(2024, 3, 1), "전기차 보조금 확대"), [])]
    assert "전기차 보조금" in kws[:3] and "배터리" in kws
    assert not any(k in kws for k in ("확대", "올해", "정부"))


def test_english_keywords_and_document_frequencies_lower_common_terms():
    body = ("Shipbuilders won LNG carrier orders. The LNG carrier orders lift shipbuilders' margins. "
            "Orders for LNG carriers rose. The market rose.")
    doc = Doc(body, "en", None, "Shipbuilders win LNG carrier orders")
    kws = [k["text"] for k in extract_keywords(doc, [])]
    assert "LNG carrier orders" in kws or "LNG carrier" in kws
    doc2 = Doc(body, "en", None, "", df={"market": 99, "shipbuilders": 1}, n_docs=100)
    ranked = [k["text"] for k in extract_keywords(doc2, [])]
    assert "market" not in ranked[:3]


def test_every_language_gets_keywords_and_entities():
    samples = {"ja": "現代自動車はインドネシアで電池工場を建設する。電池の生産は来年始まる。",
               "zh": "三星电子将在越南扩大投资。三星电子表示，投资重点是半导体。",
               "vi": "Samsung Electronics sẽ mở rộng nhà máy tại Bắc Ninh. Nhà máy Bắc Ninh sản xuất điện thoại."}
    for lang, body in samples.items():
        found = analyze(Doc(body, lang, date(2024, 1, 1)))
        assert found["entities"] and found["keywords"], lang


# -- gazetteers, registry, CLI -------------------------------------------------------------------
def test_gazetteer_lines_are_validated_with_a_clear_message():
    assert parse_line("ORG\t한국은행\t한은|BOK", "x") == ("ORG", "한국은행", ["한은", "BOK"], False)
    with pytest.raises(GazetteerError, match="unknown type 'COMPANY'"):
        parse_line("COMPANY\t삼성", "f.tsv:3")
    with pytest.raises(GazetteerError, match="unknown flag"):
        parse_line("ORG\t삼성\t\tfuzzy", "f.tsv:3")


def test_users_extend_gazetteers_with_their_own_files(tmp_path, monkeypatch):
    (tmp_path / "ko_mine.tsv").write_text("ORG\t한빛중공업\t한빛중\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_GAZETTEERS", str(tmp_path))
    load.cache_clear()
    try:
        assert ("ORG", "한빛중공업") in ents("한빛중은 선박 2척을 수주했다.")
    finally:
        monkeypatch.delenv("NEWSFLOW_GAZETTEERS")
        load.cache_clear()


def test_registry_rejects_bad_entries(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("extractors:\n  dates: newsflow.extract.nope:Nothing\n")
    with pytest.raises(ConfigError, match="cannot import newsflow.extract.nope:Nothing"):
        load_registry(str(bad))
    bad.write_text("extractors:\n  when: newsflow.extract.dates:DateExtractor\n")
    with pytest.raises(ConfigError, match="name = 'when'"):
        load_registry(str(bad))


def test_a_new_extractor_is_one_module_and_one_line(tmp_path, monkeypatch):
    (tmp_path / "my_ext.py").write_text(
        "class Hashtags:\n    name = 'hashtags'\n    version = '1'\n"
        "    def run(self, doc, found):\n        import re\n"
        "        return [{'text': m.group(), 'start': m.start(), 'end': m.end()} for m in re.finditer(r'#\\w+', doc.body)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = tmp_path / "extractors.yaml"
    reg.write_text("extractors:\n  entities: newsflow.extract.entities:EntityExtractor\n  hashtags: my_ext:Hashtags\n")
    found = analyze(Doc("삼성전자가 #반도체 투자를 늘린다.", "ko"), load_registry(str(reg)))
    assert found["hashtags"] == [{"text": "#반도체", "start": 6, "end": 10}]


def test_analyze_cli_single_file_and_folder(tmp_path, capsys):
    art = {"id": "t1", "lang": "ko", "published": "2024-05-02", "title": "한은 금리 동결",
           "body": "이창호 한국은행 부총재는 2일 \"금리를 3.5%로 동결한다\"고 말했다. 지난달에도 동결했다."}
    f = tmp_path / "in" / "t1.json"
    f.parent.mkdir()
    f.write_text(json.dumps(art, ensure_ascii=False), encoding="utf-8")
    assert main(["analyze", str(f)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"entities", "quotes", "dates", "numbers", "keywords"} <= set(out)
    assert out["quotes"][0]["speaker"] == "이창호"
    assert {"text": "3.5%", "value": 3.5, "unit": "%"}.items() <= out["numbers"][0].items()
    assert {d["normalized"] for d in out["dates"]} == {"2024-05-02", "2024-04"}
    (tmp_path / "in" / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["analyze", "--dir", str(f.parent), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "broken.json: not JSON" in err and "analyzed 1 of 2 files" in err
    assert json.loads((tmp_path / "out" / "t1.json").read_text())["id"] == "t1"


def test_analyze_input_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="missing or empty field"):
        doc_from_json({"lang": "ko", "body": ""}, "a.json")
    with pytest.raises(ValueError, match="'published' must start with YYYY-MM-DD"):
        doc_from_json({"body": "x", "published": "yesterday"}, "a.json")


def test_local_government_and_institution_names_in_roles_and_as_spokes_bodies():
    e = ents("최영석 경남도 산업국장은 설명했다. 이상훈 경남조선해양협의회 사무국장도 나왔다. "
             "문경훈 부산상의 조사연구팀장이 말했다.")
    assert e[("PERSON", "최영석")]["role"] == "경남도 산업국장"
    assert e[("PERSON", "이상훈")]["role"] == "경남조선해양협의회 사무국장"
    assert ("PERSON", "문경훈") in e
    got = quotes("한국반도체산업협회 관계자는 \"대책이 필요하다\"고 말했다.\n"
                 "김해의 한 업체 대표는 \"발주가 줄었다\"고 했다.")
    assert got == [("한국반도체산업협회", "대책이 필요하다"), (None, "발주가 줄었다")]  # anonymous stays anonymous


def test_places_glued_to_nouns_titles_with_ordinals_and_proper_nouns_in_the_org_slot():
    e = ents("뉴욕증시가 하락했다. 미국산 철강 관세가 올랐다. 도지훈 기획재정부 1차관이 말했다. "
             "송하윤 한빛원자력 사장과 오민재 한양대 교수도 참석했다.")
    assert ("LOCATION", "뉴욕") in e and ("COUNTRY", "미국") in e
    assert e[("PERSON", "도지훈")]["role"] == "기획재정부 1차관"
    assert e[("PERSON", "송하윤")]["role"] == "한빛원자력 사장"
    assert e[("PERSON", "오민재")]["role"] == "한양대학교 교수" and ("ORG", "한양대학교") in e


def test_english_title_first_names_possessive_roles_and_attribution_after_an_appositive():
    text = ("\"Growth will slow,\" Finance Minister Han Ji-woo said on Monday.\n"
            "\"Margins held up,\" Seo Yu-na, Naver's chief financial officer, said during a call. "
            "Seo said the unit would be spun off, describing it as \"a clean break.\"")
    e = ents(text, "en")
    assert e[("PERSON", "Han Ji-woo")]["role"] == "Finance Minister"
    assert e[("PERSON", "Seo Yu-na")]["role"] == "chief financial officer, Naver"
    assert quotes(text, "en") == [("Han Ji-woo", "Growth will slow,"), ("Seo Yu-na", "Margins held up,"),
                                  ("Seo Yu-na", "a clean break.")]


def test_japanese_vietnamese_chinese_speakers():
    ja = "現代製鉄のパク・ジフン社長は「需要は回復する」と述べた。関税について、パク氏は「影響は小さい」と説明した。"
    assert quotes(ja, "ja") == [("パク・ジフン", "需要は回復する"), ("パク・ジフン", "影響は小さい")]
    vi = ("Ông Lee Min-ho, Tổng giám đốc Samsung Display Việt Nam, cho biết: “Chúng tôi sẽ mở rộng nhà máy”.\n"
          "“Doanh thu sẽ tăng 10%”, ông nói.")
    assert quotes(vi, "vi") == [("Lee Min-ho", "Chúng tôi sẽ mở rộng nhà máy"), ("Lee Min-ho", "Doanh thu sẽ tăng 10%")]
    zh = "韩国企划财政部次官金敏浩表示：“出口将逐步恢复。”他说：“政府将提供支持。”据韩联社报道，起亚汽车出口减少。"
    assert quotes(zh, "zh") == [("金敏浩", "出口将逐步恢复。"), ("金敏浩", "政府将提供支持。")]
    assert ("ORG", "韩联社") in ents(zh, "zh") and not [k for k in ents(zh, "zh") if "对" in k[1]]


def test_org_title_name_order_anonymous_sources_company_anaphora_and_speaker_after_the_quote():
    text = ("금감원 부원장 김민수는 \"가계대출을 관리하겠다\"고 말했다.\n"
            "삼성전자 주가는 3% 올랐다. 한 업계 관계자는 \"반등은 일시적\"이라고 했다.\n"
            "삼성전자는 실적을 발표했다. 회사 측은 \"수요가 회복되고 있다\"고 밝혔다.\n"
            "\"투자를 늘리겠다\"라고 박지훈 한빛전자 대표는 말했다.\n"
            "산업부 관계자는 \"지원을 검토한다\"고 했다. 이 관계자는 \"다음 달 발표한다\"고 덧붙였다.")
    assert ents(text)[("PERSON", "김민수")]["role"] == "금융감독원 부원장"
    assert quotes(text) == [("김민수", "가계대출을 관리하겠다"), (None, "반등은 일시적"), ("삼성전자", "수요가 회복되고 있다"),
                            ("박지훈", "투자를 늘리겠다"), ("산업통상자원부", "지원을 검토한다"),
                            ("산업통상자원부", "다음 달 발표한다")]


def test_english_acronyms_in_parentheses_romanised_korean_names_and_city_governments():
    e = ents("The Financial Supervisory Service (FSS) fined the lender. The FSS said Choi Jin-ho would lead the probe.",
             "en")
    fss = e[("ORG", "Financial Supervisory Service")]
    assert "FSS" in fss["aliases"] and ("PERSON", "Choi Jin-ho") in e
    k = ents("구미시는 투자 유치를 발표했다. 경북도청도 지원한다.")
    assert ("LOCATION", "구미") in k and ("LOCATION", "경상북도") in k


def test_field_words_in_roles_names_ending_like_suffixes_mayors_and_group_companies():
    text = ("데이비드 밀러 미국 재무부 국제금융 담당 차관은 발표 직후 성명에서 \"동맹과 협의했다\"고 밝혔다.\n"
            "이민성 한빛조선지회장은 집회에서 \"임금을 올려야 한다\"고 말했다.\n"
            "협약식에는 최동훈 경북도 경제부지사와 정해린 포항시장이 참석했다. 이커머스 시장은 커졌다.\n"
            "부산울산경제자유구역청 관계자는 \"유치를 서두르겠다\"고 했다. LG이노텍과 SK실트론도 투자한다.")
    e = ents(text)
    assert e[("PERSON", "데이비드 밀러")]["role"] == "미국 재무부 국제금융 담당 차관"
    assert e[("PERSON", "이민성")]["role"] == "한빛조선지회장"
    assert e[("PERSON", "최동훈")]["role"] == "경북도 경제부지사"
    assert e[("PERSON", "정해린")]["role"] == "포항시장"
    assert not [k for k in e if k[0] == "PERSON" and k[1] == "이커머스"]
    assert ("ORG", "부산울산경제자유구역청") in e and ("ORG", "SK실트론") in e
    assert quotes(text) == [("데이비드 밀러", "동맹과 협의했다"), ("이민성", "임금을 올려야 한다"),
                            ("부산울산경제자유구역청", "유치를 서두르겠다")]


def test_english_spokespeople_speak_for_their_organisation_and_org_title_name():
    text = ("\"We are doing our best,\" an official at the Ministry of Economy and Finance said.\n"
            "\"Demand is growing,\" Hanbit Cosmetics CEO Yoon Da-eun told reporters.\n"
            "\"It is temporary,\" an analyst said.")
    assert quotes(text, "en") == [("Ministry of Economy and Finance", "We are doing our best,"),
                                  ("Yoon Da-eun", "Demand is growing,"), (None, "It is temporary,")]
    e = ents(text, "en")
    assert e[("PERSON", "Yoon Da-eun")]["role"] == "CEO, Hanbit Cosmetics" and ("ORG", "Hanbit Cosmetics") in e


SEED = Path(__file__).resolve().parents[2].parent / "shared" / "gold" / "seed.json"


@pytest.mark.skipif(not SEED.exists(), reason="../shared/gold/seed.json not present")
def test_the_seed_articles_people_roles_organisations_countries_and_quotes():
    gold = json.loads(SEED.read_text(encoding="utf-8"))
    doc = doc_from_json(gold)
    found = analyze(doc)
    got = {(e["type"], e["canonical"]): e.get("role") for e in found["entities"]}
    for e in gold["entities"]:
        assert (e["type"], e["canonical"]) in got, e
        if e["type"] == "PERSON":
            assert got[(e["type"], e["canonical"])] == e["role"]
    assert len(got) == len(gold["entities"])  # nothing extra
    assert [(q["speaker"], q["text"]) for q in found["quotes"]] == [(q["speaker"], q["text"]) for q in gold["quotes"]]
    assert {d["normalized"] for d in found["dates"]} == {d["normalized"] for d in gold["dates"]}
    assert [n for n in found["numbers"] if n["kind"] != "count"] == gold["numbers"] == []  # 3개국 is a count


def test_departments_that_look_like_names_stay_in_the_role():
    e = ents("박성훈 한국은행 조사국 물가동향팀장은 설명했다. 김태성 한빛조선지회장도 왔다.")
    assert e[("PERSON", "박성훈")]["role"] == "한국은행 조사국 물가동향팀장"
    assert ("PERSON", "김태성") in e and ("PERSON", "조사국") not in e


def test_exact_copies_are_analysed_once_and_give_the_same_rows(monkeypatch):
    from datetime import UTC, datetime

    import newsflow.extract.registry as registry
    from newsflow import facts
    from newsflow.models import Article

    calls = []
    real = registry.analyze
    monkeypatch.setattr(registry, "analyze", lambda doc, ex=None: calls.append(doc.title) or real(doc, ex))
    monkeypatch.setattr(facts, "_SEEN", facts.OrderedDict())
    body = ("산업통상자원부는 26일 반도체 수출이 지난해보다 12.5% 늘었다고 밝혔다.",
            "안덕근 산업부 장관은 \"수출 회복세가 뚜렷하다\"고 말했다.")
    make = lambda i, title="반도체 수출 12.5% 증가": Article(  # noqa: E731
        f"id{i}", f"https://a{i}.example/x", f"https://a{i}.example/x", f"s{i % 2}", title, body,
        None, datetime(2024, 6, 27, tzinfo=UTC), lang="ko", published_date=date(2024, 6, 27))
    no_df = lambda wanted: ({}, {})  # noqa: E731
    out, tables, _, rejects = facts.extract([make(1), make(2), make(3, "다른 제목")], no_df, set(), "night-1")
    assert calls == ["반도체 수출 12.5% 증가", "다른 제목"] and not rejects  # the copy reused the first analysis
    strip = lambda rows, i: [{k: v for k, v in r.items() if k not in ("article_id", "source")}  # noqa: E731
                             for r in rows if r["article_id"] == f"id{i}"]
    for table, rows in tables.items():
        assert strip(rows, 1) == strip(rows, 2), table
        assert {r["article_id"] for r in rows} >= {"id1", "id2"}, table
    assert out[0].keywords == out[1].keywords and out[0].keywords
    facts.extract([make(4)], no_df, set(), "night-1")  # a later shard of the same night: reused across calls
    facts.extract([make(5)], no_df, set(), "night-2")  # another night's document frequencies: analysed again
    assert len(calls) == 3
