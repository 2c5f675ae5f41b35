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
