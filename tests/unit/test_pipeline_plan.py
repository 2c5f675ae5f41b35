import pytest

from newsflow.config import ConfigError
from newsflow.pipeline import plan

SOURCES = """
http: {user_agent: "test/1 (+https://t.example)"}
sources:
  - {name: a, feeds: [{type: rss, url: "http://one.example/rss"}]}
  - {name: b, feeds: [{type: sitemap, url: "http://two.example/sm.xml"}]}
  - {name: c, feeds: [{type: urls, urls: ["http://one.example/x", "http://three.example/y"]}]}
  - {name: d, feeds: [{type: rss, url: "http://four.example/rss"}]}
"""


@pytest.fixture
def sources_file(tmp_path):
    p = tmp_path / "sources.yaml"
    p.write_text(SOURCES)
    return str(p)


def test_sources_sharing_a_host_are_one_fetch_job(sources_file, tmp_path):
    jobs = plan(sources_file, str(tmp_path), "r1", "2024-06-27")
    assert sorted(sorted(j["sources"]) for j in jobs) == [["a", "c"], ["b"], ["d"]]
    assert all(j["run"]["date"] == "2024-06-27" and j["run"]["run_id"] == "r1" for j in jobs)
    assert all(j["run"]["batch_size"] == 1000 for j in jobs)  # processing.batch_size's default


def test_manual_urls_go_to_the_source_of_their_host_or_adhoc(sources_file, tmp_path):
    jobs = plan(sources_file, str(tmp_path), "r1", "2024-06-27",
                urls=["http://two.example/p/1", "http://elsewhere.example/z"])
    assert sorted((tuple(j["sources"]), tuple(sorted(j["urls"].items()))) for j in jobs) == [
        (("adhoc",), (("adhoc", ["http://elsewhere.example/z"]),)),
        (("b",), (("b", ["http://two.example/p/1"]),)),
    ]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"urls": ["not a url"]}, r"not an absolute http\(s\) URL"),
    ({"urls": ["http://two.example/p"], "sources": ["a"]}, "which the 'sources' list leaves out"),
    ({"sources": ["zzz"]}, "known sources: a, b, c, d"),
    ({"day": "2024-13-01"}, "not a valid YYYY-MM-DD date"),
])
def test_bad_run_parameters_say_what_is_wrong(sources_file, tmp_path, kwargs, message):
    args = {"day": "2024-06-27", **kwargs}
    with pytest.raises(ConfigError, match=message):
        plan(sources_file, str(tmp_path), "r1", args.pop("day"), **args)


def test_plan_never_migrates_the_lake_migrate_is_its_own_step(sources_file, tmp_path, monkeypatch):
    """Migrating rewrites partitions: it must not run in plan (outside the publish pool), but in
    the pooled migrate task (pipeline.migrate), and once in run_all."""
    import newsflow.maintenance as maintenance
    from newsflow.pipeline import migrate

    calls = []
    real = maintenance.migrate_layout
    monkeypatch.setattr(maintenance, "migrate_layout", lambda lake, *a, **k: calls.append(lake.root) or real(lake))
    lake = tmp_path / "lake"
    plan(sources_file, str(lake), "r1", "2024-06-27")
    assert calls == [] and not lake.exists()  # plan reads the sources file only
    out = migrate(str(lake))
    assert out["moved"] == {} and len(calls) == 1
    assert migrate(str(lake))["moved"] == {}  # once: the marker makes later calls a no-op


def _map_in_a_daemon(q) -> None:
    from newsflow.pipeline import LocalRunner

    with LocalRunner(2) as runner:
        q.put((runner.workers, runner.map(len, [[1], [1, 2], [1, 2, 3]])))


def test_a_task_in_a_daemonic_process_maps_its_shards_inline():
    """A Celery prefork worker runs tasks in daemonic processes, which may not start children:
    news_reprocess failed there on every try with 'daemonic processes are not allowed to have
    children' (found by make test-cluster)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_map_in_a_daemon, args=(q,), daemon=True)
    p.start()
    workers, out = q.get(timeout=60)
    p.join(timeout=30)
    assert p.exitcode == 0 and workers == 1 and out == [1, 2, 3]
