"""What each task hands the next: small typed records of paths and counts (XCom-sized).

Every stage owns the staged files it writes under ``<lake>/_staging/<run>/<stage>/``; the
next stage gets their paths in one of these records, never page content. Records travel
through Airflow's XCom as plain dicts (``to_dict``/``from_dict``), so a task on another
worker reads the same paths from the lake root.

    plan -> FetchJob (per host group) -> fetch -> Fetched (its sources' shards of raw pages)
         -> parse(Shard) -> Parsed -> clean(Parsed) -> Cleaned -> dedupe(all Cleaned) -> Deduped
         -> extract(Cleaned, Deduped) -> Extracted -> publish(all of them) -> Published -> validate
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What the whole run shares: where the lake is, which date, how big a shard is."""

    run_id: str
    lake: str
    sources_file: str
    date: str
    all_sources: tuple[str, ...]
    batch_size: int = 1000
    force_refetch: bool = False
    replay: bool = False


@dataclass(frozen=True, slots=True)
class FetchJob:
    """One host group: sources that share a host are fetched by one polite client."""

    run: RunSpec
    sources: tuple[str, ...]
    urls: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Shard:
    """At most ``batch_size`` raw pages of one source: a file of raw_pages rows (or some row
    groups of the raw zone's file, in a replay)."""

    run: RunSpec
    source: str
    index: int
    raw: str
    pages: int
    row_groups: tuple[int, ...] | None = None
    publish_raw: bool = True  # False: bodies reused from the raw zone (a 304, a replay)

    @property
    def name(self) -> str:
        return f"{self.source}/{self.index:05d}"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A host group fetched: its shards, and per source its fetch_log, rejects and feed bodies."""

    run: RunSpec
    sources: tuple[str, ...]
    shards: tuple[Shard, ...]
    fetch_log: dict[str, str]
    rejects: dict[str, str]
    feeds: dict[str, str]
    counts: dict[str, dict[str, Any]]
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Parsed:
    shard: Shard
    parsed: str  # articles with raw paragraphs
    lines: str  # short-line keys and the pages that carry them (template learning)
    rejects: str
    counts: dict[str, int]
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Cleaned:
    shard: Shard
    articles: str  # cleaned articles
    signatures: str  # what dedupe needs: hashes and MinHash signatures, no text
    rejects: str
    counts: dict[str, Any]
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Deduped:
    run: RunSpec
    clusters: str  # article_id -> content_hash, dup_cluster_id, is_canonical, df_sample
    signatures: dict[str, str]  # per source: signatures rows to publish
    bands: dict[str, str]  # per source: lsh_bands rows to publish
    counts: dict[str, dict[str, int]]
    seconds: float = 0.0
    df_window: str = ""  # (lang, term, df) summed over term_df of the df_days dates before the run's date
    df_docs: dict[str, int] = field(default_factory=dict)  # sampled docs per lang in that window


@dataclass(frozen=True, slots=True)
class Extracted:
    shard: Shard
    tables: dict[str, str]  # articles and every extractor's table -> staged file
    term_df: str  # (lang, term, df, docs) of the shard's sampled articles
    rejects: str
    counts: dict[str, int]
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Published:
    run: RunSpec
    sources: tuple[str, ...]
    published: dict[str, dict[str, int]]
    counts: dict[str, Any]


_NESTED = {"run": RunSpec, "shard": Shard}


def to_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-able dict (what an Airflow task returns)."""
    return asdict(record)


def from_dict(cls: type[T], data: T | dict[str, Any]) -> T:
    """A record from what ``to_dict`` made (records pass through unchanged)."""
    if isinstance(data, cls):
        return data
    if not isinstance(data, dict):
        raise TypeError(f"expected a {cls.__name__} or a dict, got {type(data).__name__}")
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _NESTED:
            value = from_dict(_NESTED[f.name], value)
        elif f.name == "shards":
            value = tuple(from_dict(Shard, s) for s in value)
        elif isinstance(value, list) and f.name in ("sources", "all_sources", "row_groups"):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)
