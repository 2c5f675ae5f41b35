"""Records passed between stages: frozen, slotted dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL found by discovery, canonicalised, with what the feed said about it."""

    url: str
    source: str
    found_in: str
    published_hint: datetime | None = None
    title_hint: str | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """One HTTP response as received (the replay zone keeps these)."""

    url: str
    final_url: str
    source: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class FetchLog:
    """What happened to one URL in one run: exactly one row per URL."""

    url: str
    source: str
    kind: str  # feed | page
    final_url: str | None
    status: int | None
    ok: bool
    attempts: int
    bytes: int
    elapsed_ms: int
    content_type: str | None
    error_class: str | None
    error: str | None
    fetched_at: datetime
    outcome: str = "fetched"  # fetched | not_modified | failed | skipped_known
    encoding: str | None = None
    encoding_source: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record a stage could not handle: it becomes a row, never an exception."""

    url: str
    source: str
    stage: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """A news article as it moves through parse -> clean -> dedupe -> extract."""

    article_id: str
    url: str
    canonical_url: str
    source: str
    title: str
    paragraphs: tuple[str, ...]
    published_at: datetime | None
    fetched_at: datetime
    lang: str | None = None
    authors: tuple[str, ...] = ()
    section: str | None = None
    modified_at: datetime | None = None
    published_local: str | None = None  # ISO 8601 with the page's own offset
    published_date: date | None = None  # the source's local date
    date_source: str | None = None
    title_source: str | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    edition_group: str | None = None
    content_hash: str | None = None
    dup_cluster_id: str | None = None
    is_canonical: bool = True
    keywords: tuple[str, ...] = ()
    lang_confidence: float | None = None
    clean_removed: dict[str, int] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)
