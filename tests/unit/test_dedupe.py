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
