from datetime import UTC, datetime

from newsflow.dedupe import Known, content_hash, dedupe
from newsflow.models import Article

BODY = ("한국은행이 기준금리를 동결했다.", "시장은 예상했다는 반응이다.")


def art(aid, source, hour, paragraphs=BODY):
    return Article(article_id=aid, url=f"http://x/{aid}", canonical_url=f"http://x/{aid}", source=source, title="t",
                   paragraphs=paragraphs, published_at=datetime(2024, 6, 27, hour, tzinfo=UTC),
                   fetched_at=datetime(2024, 6, 27, tzinfo=UTC))


def test_exact_duplicates_are_kept_and_marked_earliest_is_canonical():
    other = ("완전히 다른 기사 본문이다.",)
    out = dedupe([art("b", "dongnam", 3), art("a", "hanbit", 5), art("c", "hanbit", 1, other)], ["hanbit", "dongnam"])
    by = {a.article_id: a for a in out}
    assert len(out) == 3
    assert by["a"].dup_cluster_id == by["b"].dup_cluster_id != by["c"].dup_cluster_id
    assert by["b"].is_canonical and not by["a"].is_canonical and by["c"].is_canonical


def test_hash_ignores_spacing_and_punctuation_and_ties_go_to_source_order():
    respaced = ("한국은행이 기준금리를  동결했다", "시장은 예상했다는 반응이다!")
    assert content_hash(BODY) == content_hash(respaced)
    out = dedupe([art("b", "dongnam", 3, respaced), art("a", "hanbit", 3)], ["hanbit", "dongnam"])
    assert [a.is_canonical for a in out] == [False, True]


def test_history_member_stays_canonical_and_cluster_ids_are_stable():
    first = dedupe([art("a", "hanbit", 3)], ["hanbit"])
    later = dedupe([art("z", "dongnam", 1)], ["hanbit"], [Known("a", first[0].content_hash, first[0].published_at)])
    assert later[0].dup_cluster_id == first[0].dup_cluster_id and not later[0].is_canonical
    again = dedupe([art("a", "hanbit", 3)], ["hanbit"], [Known("a", first[0].content_hash, first[0].published_at)])
    assert again[0].is_canonical  # a rerun of the same article is not its own duplicate


STORY = ("한국은행 금융통화위원회는 27일 통화정책방향 회의를 열고 기준금리를 연 3.50%로 동결했다.",
         "이로써 기준금리는 지난해 1월 이후 열두 차례 연속 같은 수준을 유지하게 됐다.",
         "이창용 총재는 기자간담회에서 물가 둔화 흐름은 이어지고 있지만 환율 변동성이 커졌다고 말했다.",
         "시장에서는 하반기 중 금리 인하가 시작될 것이라는 전망이 우세하다.",
         "한편 가계부채 증가세가 다시 빨라지고 있어 당국의 고민이 깊어지고 있다는 분석도 나온다.")


def test_light_edits_and_lead_only_copies_join_the_cluster():
    edited = tuple(p.replace("전망이 우세하다", "관측이 많다") for p in STORY) + ("지역 경제계도 촉각을 곤두세우고 있다.",)
    lead = STORY[:3]
    out = dedupe([art("a", "hanbit", 1, STORY), art("b", "dongnam", 2, edited), art("c", "dongnam", 3, lead)],
                 ["hanbit", "dongnam"])
    assert len({a.dup_cluster_id for a in out}) == 1
    assert [a.is_canonical for a in out] == [True, False, False]


def test_different_stories_about_the_same_event_stay_apart():
    reaction = ("한국은행의 기준금리 동결 소식에 27일 코스피는 소폭 상승 마감했다.",
                "증권가에서는 금리 인하 기대가 유지되면서 성장주 중심으로 매수세가 유입됐다고 분석했다.",
                "원·달러 환율은 전 거래일보다 3원 내린 1380원에 거래를 마쳤다.",
                "외국인은 유가증권시장에서 2000억원 넘게 순매수했다.")
    out = dedupe([art("a", "hanbit", 1, STORY), art("b", "hanbit", 2, reaction)], ["hanbit"])
    assert out[0].dup_cluster_id != out[1].dup_cluster_id and all(a.is_canonical for a in out)


def test_near_duplicate_cluster_ids_are_stable_across_runs():
    edited = tuple(p.replace("말했다", "밝혔다") for p in STORY)
    first = dedupe([art("a", "hanbit", 1, STORY), art("b", "dongnam", 2, edited)], ["hanbit", "dongnam"])
    again = dedupe([art("b", "dongnam", 2, edited), art("a", "hanbit", 1, STORY)], ["hanbit", "dongnam"])
    assert {a.article_id: a.dup_cluster_id for a in first} == {a.article_id: a.dup_cluster_id for a in again}


def test_dedupe_cli_prints_one_line_per_record_and_names_bad_lines(tmp_path, capsys):
    import json

    from newsflow.__main__ import main

    rows = [{"url": f"http://x.example/{i}", "title": "t", "body": "\n".join(STORY), "published": "2024-06-27",
             "source": "s"} for i in range(2)]
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nnot json\n{\"title\": \"no url\"}\n")
    assert main(["dedupe", str(f)]) == 2
    out, err = capsys.readouterr()
    lines = [line.split("\t") for line in out.splitlines()]
    assert [u for u, _ in lines] == ["http://x.example/0", "http://x.example/1"] and lines[0][1] == lines[1][1]
    assert f"{f}:3: not JSON" in err and f"{f}:4: needs an object with at least 'url'" in err


def test_tonights_copy_joins_last_weeks_cluster_through_the_kept_signature():
    from newsflow.dedupe import signature_row

    last_week = dedupe([art("a", "hanbit", 1, STORY)], ["hanbit"])[0]
    kept = signature_row(last_week)
    history = [Known(kept["article_id"], kept["content_hash"], kept["published_at"], kept["dup_cluster_id"],
                     kept["signature"], kept["shingles"])]
    edited = tuple(p.replace("말했다", "밝혔다") for p in STORY) + ("지역 경제계도 촉각을 곤두세우고 있다.",)
    tonight = dedupe([art("z", "dongnam", 0, edited)], ["hanbit", "dongnam"], history)[0]
    assert tonight.dup_cluster_id == last_week.dup_cluster_id and not tonight.is_canonical
