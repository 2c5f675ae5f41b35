"""Settings and the sources file, validated once at the boundary.

``load_sources(path)`` reads ``sources.yaml``, expands ``${VAR}`` / ``${VAR:-default}``
from the environment, and validates it with pydantic. A bad file raises
``ConfigError`` whose message names the file and every bad field, e.g.
``include/sources.yaml: sources.0.feeds.0.type: Input should be 'rss', 'sitemap' or 'urls'``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_NAME_RE = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class ConfigError(ValueError):
    """The sources file (or a run parameter) is invalid; the message says where and why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Feed(_Model):
    """``rss`` (RSS/Atom), ``sitemap`` (sitemap, index or news sitemap), ``listing`` (an HTML page
    whose ``selector`` matches the article links) or ``urls`` (a fixed list)."""

    type: Literal["rss", "sitemap", "listing", "urls"]
    url: str | None = None
    urls: list[str] | None = None
    selector: str | None = None

    @model_validator(mode="after")
    def _check(self) -> "Feed":
        if self.type == "urls":
            if not self.urls:
                raise ValueError("a feed of type 'urls' needs a non-empty 'urls' list")
            bad = [u for u in self.urls if not re.match(r"^https?://", u)]
            if bad:
                raise ValueError(f"urls must start with http:// or https://: {bad[:3]}")
        elif not self.url or not re.match(r"^https?://", self.url):
            raise ValueError(f"a feed of type '{self.type}' needs 'url' starting with http:// or https://")
        if self.type == "listing" and not self.selector:
            raise ValueError("a feed of type 'listing' needs 'selector', a CSS selector for the article links")
        return self


class Profile(_Model):
    """Per-source hints: CSS selectors for the body and for parts to drop, and regular
    expressions for the source's own boilerplate lines (removed by clean)."""

    body: str | None = None
    drop: list[str] = Field(default_factory=list)
    boilerplate: list[str] = Field(default_factory=list)

    @field_validator("boilerplate")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        for pattern in v:
            compile_boilerplate([pattern])
        return v


class HttpSettings(_Model):
    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(20.0, gt=0, description="seconds without a byte")
    total_timeout: float = Field(60.0, gt=0, description="seconds for one whole response")
    retries: int = Field(3, ge=0, le=10, description="retries after the first attempt")
    backoff: float = Field(0.5, ge=0, description="first backoff in seconds, doubled per retry, full jitter")
    backoff_max: float = Field(30.0, ge=0)
    max_retry_after: float = Field(120.0, ge=0, description="a longer Retry-After gives up instead of waiting")
    max_bytes: int = Field(5_000_000, gt=0, description="after decompression")
    max_redirects: int = Field(5, ge=0)
    rate_per_host: float = Field(1.0, gt=0, description="requests per second per host")
    max_in_flight_per_host: int = Field(2, ge=1)
    global_concurrency: int = Field(32, ge=1, description="fetch workers (requests in flight at once) per fetch job")
    respect_robots: bool = True
    allow_private_hosts: list[str] = Field(default_factory=list)

    @field_validator("user_agent")
    @classmethod
    def _contact(cls, v: str) -> str:
        if not re.search(r"https?://|@", v):
            raise ValueError("user_agent must name a contact URL or e-mail, e.g. 'newsflow/0.1 (+https://you.example/bot)'")
        return v


class Source(_Model):
    name: str = Field(pattern=_NAME_RE)
    site_name: str | None = None
    lang: str | None = Field(None, pattern=r"^[a-z]{2}$")
    timezone: str = "Asia/Seoul"
    feeds: list[Feed] = Field(min_length=1)
    max_articles: int = Field(200, gt=0)
    rate_per_host: float | None = Field(None, gt=0)
    max_in_flight_per_host: int | None = Field(None, ge=1)
    www: Literal["keep", "strip", "add"] = "keep"
    profile: Profile = Field(default_factory=Profile)

    def hosts(self) -> set[str]:
        """Host names of the source's feeds and URL lists (its politeness budget applies to them)."""
        from urllib.parse import urlsplit

        urls = [f.url for f in self.feeds if f.url] + [u for f in self.feeds for u in f.urls or []]
        return {(urlsplit(u).hostname or "").lower() for u in urls}

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as 'Asia/Seoul')") from None
        return v


class QualityGates(_Model):
    """Thresholds of the validate task's quality gates (newsflow.validate)."""

    max_null_rate: float = Field(0.2, ge=0, le=1, description="share of articles allowed without published_at")
    min_ratio: float = Field(0.3, ge=0, le=1, description="a source's articles vs its recent median, at least")
    history_days: int = Field(14, ge=1, description="days of history the row-count gate compares with")
    min_history_rows: int = Field(5, ge=0, description="the row-count gate applies when the median is at least this")


class Processing(_Model):
    """How much work moves at once and how far back each read of the lake's history reaches.

    Every read of history is bounded by one of these windows (or is a lookup by key), so a
    night's cost does not grow with the lake's age."""

    batch_size: int = Field(1000, ge=1, le=100_000, description="pages per shard: parse, clean and extract "
                                                                 "run over shards of at most this many")
    workers: int = Field(0, ge=0, le=256, description="processes for `newsflow run` and replays (0 = every core)")
    known_url_days: int = Field(30, ge=1, le=3660, description="URLs published in the last N days are not "
                                                                "fetched again (unless force_refetch)")
    dedupe_days: int = Field(30, ge=1, le=3660, description="near-duplicates are looked for among the last N "
                                                             "days (exact copies at any age)")
    template_days: int = Field(14, ge=1, le=366, description="a source's template lines are learned from its "
                                                             "last N days (at most template_pages pages) and tonight")
    template_pages: int = Field(500, ge=0, description="pages of history the template lines are learned from")
    df_days: int = Field(30, ge=1, le=366, description="keyword document frequencies come from the last N days")
    df_sample: int = Field(100, ge=1, le=100_000, description="articles per source and date counted in term_df")


class SourcesFile(_Model):
    http: HttpSettings = Field(default_factory=HttpSettings)
    quality: QualityGates = Field(default_factory=QualityGates)
    processing: Processing = Field(default_factory=Processing)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "SourcesFile":
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    def select(self, names: list[str] | None) -> list[Source]:
        """The named sources in file order (all when ``names`` is empty)."""
        if not names:
            return list(self.sources)
        known = {s.name for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"unknown source(s) {', '.join(map(repr, unknown))}; known sources: {', '.join(sorted(known))}"
            )
        return [s for s in self.sources if s.name in set(names)]

    def source(self, name: str) -> Source:
        return self.select([name])[0]


# A source's boilerplate patterns run on every line of every article: a pattern that backtracks
# catastrophically (``(\w+\s?)+$``) would hold a worker at 100 % CPU for hours. They are run by
# the ``regex`` module (the ``re`` syntax, plus a timeout): refused at load time when a short
# adversarial line already takes too long, and bounded per line at run time.
_PROBES = ("a" * 30 + "!", "a " * 15 + "!", "가" * 30 + "!", "1" * 30 + "x", " " * 30 + "!")
PROBE_SECONDS = 0.2
LINE_SECONDS = 0.25


class BoundedPattern:
    """A compiled pattern whose ``search`` gives up (no match, and counts it) after ``LINE_SECONDS``."""

    def __init__(self, pattern: str) -> None:
        import regex

        self.pattern = pattern
        self._rx = regex.compile(pattern, regex.VERSION0)
        self.timeouts = 0

    def search(self, text: str):  # noqa: ANN201
        try:
            return self._rx.search(text, timeout=LINE_SECONDS)
        except TimeoutError:
            self.timeouts += 1
            return None


def compile_boilerplate(patterns: list[str]) -> list[BoundedPattern]:
    """The patterns compiled and checked; ValueError names a pattern that is invalid or too slow."""
    import regex

    out = []
    for pattern in patterns:
        try:
            rx = BoundedPattern(pattern)
        except regex.error as exc:
            raise ValueError(f"boilerplate pattern {pattern!r} is not a valid regular expression: {exc}") from None
        for probe in _PROBES:
            try:
                rx._rx.search(probe, timeout=PROBE_SECONDS)
            except TimeoutError:
                raise ValueError(
                    f"boilerplate pattern {pattern!r} backtracks catastrophically (over {PROBE_SECONDS}s on the "
                    f"{len(probe)}-character line {probe!r}); rewrite it without a repeated group that can match "
                    f"the same text in several ways, e.g. (a|aa)+ -> a+") from None
        out.append(rx)
    return out


def expand_env(text: str, env: dict[str, str] | None = None) -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}``; an unset variable without default is an error."""
    env = os.environ if env is None else env

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return default
        raise ConfigError(f"environment variable {name} is not set and has no default (write ${{{name}:-value}})")

    return _ENV_RE.sub(sub, text)


def _expand_values(value: object, env: dict[str, str] | None, secrets: dict[str, str]) -> object:
    """Expand variables in string values only (comments and keys are left alone); ``secrets``
    collects each value taken from the environment, so error messages can hide it again."""
    if isinstance(value, str):
        env_ = os.environ if env is None else env
        for m in _ENV_RE.finditer(value):
            if env_.get(m.group(1)):
                secrets[env_[m.group(1)]] = "${" + m.group(1) + "}"
        return expand_env(value, env)
    if isinstance(value, list):
        return [_expand_values(v, env, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _expand_values(v, env, secrets) for k, v in value.items()}
    return value


def _redact(message: str, secrets: dict[str, str]) -> str:
    """``message`` with every value that came from the environment shown as its ``${VAR}``."""
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= 3:
            message = message.replace(value, secrets[value])
    return message


MAX_YAML_BYTES = 2_000_000
MAX_YAML_DEPTH = 50


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no "billion laughs": the file is expanded before it is
    validated) and nesting deeper than ``MAX_YAML_DEPTH`` (no RecursionError)."""

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.YAMLError(f"aliases (*name) are not allowed in the sources file (line {mark.line + 1})")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"nested deeper than {MAX_YAML_DEPTH} levels (line {mark.line + 1})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def safe_yaml(text: str) -> object:
    """YAML from an operator's file: size-capped, no aliases, bounded nesting."""
    if len(text) > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"the file is {len(text):,} characters; the limit is {MAX_YAML_BYTES:,}")
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)


def parse_sources(text: str, origin: str = "<sources>", env: dict[str, str] | None = None) -> SourcesFile:
    secrets: dict[str, str] = {}
    try:
        data = _expand_values(safe_yaml(text), env, secrets)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping with a 'sources' list at the top level")
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            lines.append(f"{origin}: {where}: {err['msg']}")
        raise ConfigError(_redact("\n".join(lines), secrets)) from None


def load_sources(path: str | os.PathLike[str]) -> SourcesFile:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"sources file {p} does not exist (pass --sources FILE or set NEWSFLOW_SOURCES)")
    return parse_sources(p.read_text(encoding="utf-8"), origin=str(p))


def project_root() -> Path:
    """The repository root (``include/newsflow/config.py`` -> two levels up)."""
    return Path(__file__).resolve().parents[2]


def default_lake() -> str:
    return os.environ.get("NEWSFLOW_LAKE") or str(project_root() / "data" / "lake")


def s3_env_from_connection(login: str | None, password: str | None, extra: dict | None) -> dict[str, str]:
    """Environment variables pyarrow's S3 filesystem reads, from an Airflow AWS connection's
    fields (login = access key id, password = secret, extra: endpoint_url, region_name,
    aws_session_token). The DAGs apply them when NEWSFLOW_LAKE_CONN_ID names a connection."""
    extra = extra or {}
    env = {"AWS_ACCESS_KEY_ID": login, "AWS_SECRET_ACCESS_KEY": password,
           "AWS_SESSION_TOKEN": extra.get("aws_session_token"),
           "AWS_ENDPOINT_URL": extra.get("endpoint_url") or extra.get("host"),
           "AWS_DEFAULT_REGION": extra.get("region_name")}
    return {k: str(v) for k, v in env.items() if v}


def default_sources_file() -> str:
    return os.environ.get("NEWSFLOW_SOURCES") or str(project_root() / "include" / "sources.yaml")
