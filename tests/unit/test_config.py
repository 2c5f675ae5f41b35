import pytest
from newsflow.config import ConfigError, load_sources, parse_sources

GOOD = """
http: {allow_private_hosts: ["127.0.0.1"]}
sources:
  - name: paper
    feeds:
      - {type: rss, url: "${BASE:-http://127.0.0.1:1}/rss.xml"}
  - name: other
    timezone: Europe/Paris
    feeds: [{type: urls, urls: ["http://a.example/x"]}]
"""


def test_valid_file_with_env_expansion():
    cfg = parse_sources(GOOD, env={"BASE": "http://127.0.0.1:9999"})
    assert cfg.sources[0].feeds[0].url == "http://127.0.0.1:9999/rss.xml"
    assert cfg.sources[0].timezone == "Asia/Seoul"
    assert parse_sources(GOOD, env={}).sources[0].feeds[0].url == "http://127.0.0.1:1/rss.xml"
    assert [s.name for s in cfg.select(["other"])] == ["other"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("type: rss", "type: atom2"), "sources.0.feeds.0.type"),
        (GOOD.replace("Europe/Paris", "Mars/Base"), "unknown time zone 'Mars/Base'"),
        (GOOD.replace("name: other", "name: paper"), "repeated: paper"),
        (GOOD.replace("name: paper", "name: Bad Name"), "sources.0.name"),
        (GOOD.replace('urls: ["http://a.example/x"]', "urls: []"), "needs a non-empty 'urls' list"),
        ("sources: [", "not valid YAML"),
        (GOOD.replace("feeds: [{type", "colour: red\n    feeds: [{type"), "sources.1.colour"),
    ],
)
def test_bad_files_name_the_field(text, message):
    with pytest.raises(ConfigError) as err:
        parse_sources(text, origin="sources.yaml", env={})
    assert message in str(err.value)
    assert str(err.value).startswith("sources.yaml")


def test_unset_variable_without_default_is_an_error():
    with pytest.raises(ConfigError, match="NOPE is not set"):
        parse_sources("sources: [{name: a, feeds: [{type: rss, url: '${NOPE}'}]}]", env={})


def test_unknown_source_lists_known_ones():
    cfg = parse_sources(GOOD, env={})
    with pytest.raises(ConfigError, match="known sources: other, paper"):
        cfg.select(["nope"])


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="--sources FILE"):
        load_sources(tmp_path / "missing.yaml")


def test_project_sources_file_is_valid():
    from newsflow.config import default_sources_file

    cfg = load_sources(default_sources_file())
    assert {"hanbit", "hanbit-en", "dongnam"} <= {s.name for s in cfg.sources}


def test_s3_credentials_from_an_airflow_connection():
    from newsflow.config import s3_env_from_connection

    env = s3_env_from_connection("AKIA", "secret", {"endpoint_url": "http://127.0.0.1:9000", "region_name": "ap-northeast-2"})
    assert env == {"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "secret",
                   "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_DEFAULT_REGION": "ap-northeast-2"}
    assert s3_env_from_connection(None, None, None) == {}


SECRET = "s3cr3t-T0ken-value"


@pytest.mark.parametrize("field", [
    'timezone: "${TOKEN}"\n    feeds: [{type: rss, url: "http://a.example/rss"}]',  # echoed by a validator
    'feeds: [{type: urls, urls: ["gopher://x/?k=${TOKEN}"]}]',  # a URL list entry that fails
    'feeds: [{type: rss, url: "http://a.example/rss"}]\n    profile: {boilerplate: ["(${TOKEN}"]}',  # a bad regex
])
def test_a_value_from_the_environment_never_appears_in_an_error(field):
    text = f"sources:\n  - name: paper\n    {field}\n"
    with pytest.raises(ConfigError) as err:
        parse_sources(text, env={"TOKEN": SECRET})
    assert SECRET not in str(err.value) and "${TOKEN}" in str(err.value)


def test_hostile_yaml_is_refused_with_a_message_not_a_crash():
    deep = "sources: " + "[" * 3000 + "]" * 3000
    with pytest.raises(ConfigError, match="nested deeper than"):
        parse_sources(deep)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(ConfigError, match="aliases"):
        parse_sources(bomb + "sources: *i\n")


def test_a_catastrophic_boilerplate_pattern_is_refused_and_a_slow_one_is_bounded():
    import time

    from newsflow.config import BoundedPattern

    text = 'sources:\n  - name: p\n    feeds: [{type: rss, url: "http://a.example/r"}]\n    profile: {boilerplate: ["%s"]}\n'
    with pytest.raises(ConfigError, match="backtracks catastrophically"):
        parse_sources(text % r"(a|aa)+$")
    # the pattern that hung a run under `re` (exponential there; polynomial under `regex`): a
    # 10,000-character line costs at most the per-line bound
    issue = BoundedPattern(r"(\w+\s?)+$")
    started = time.monotonic()
    assert issue.search("word " * 2000 + "!") is None and time.monotonic() - started < 1
    assert parse_sources(text % r"^ⓒ.*무단전재").sources[0].profile.boilerplate == ["^ⓒ.*무단전재"]
    slow = BoundedPattern(r"(a|aa)+$")  # what a run meets if a pattern got past the check
    started = time.monotonic()
    assert slow.search("a" * 60 + "!") is None
    assert time.monotonic() - started < 2 and slow.timeouts == 1 and issue.timeouts == 1
