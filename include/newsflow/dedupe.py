"""Dedupe: exact duplicates by a normalised content hash, kept and marked, never dropped.

``content_hash`` is SHA-256 over the comparison keys of the body's paragraphs (NFKC,
case-folded, letters and digits only), so bylines, copyright lines, spacing and
punctuation that clean did not remove do not hide a copy. Articles sharing a hash
form one cluster whose id derives from the hash (stable across reruns); the canonical
member is the earliest published, then the source listed first in the sources file,
then the smallest article id. Members already in the lake stay canonical.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from newsflow.clean import paragraph_key
from newsflow.models import Article


@dataclass(frozen=True, slots=True)
class Known:
    """An article already published in the lake (only what dedupe needs)."""

    article_id: str
    content_hash: str
    published_at: datetime | None


def content_hash(paragraphs: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256("\n".join(paragraph_key(p) for p in paragraphs).encode("utf-8")).hexdigest()


def dedupe(articles: list[Article], source_order: list[str], history: list[Known] = ()) -> list[Article]:
    """Set ``content_hash``, ``dup_cluster_id`` and ``is_canonical`` on every article."""
    rank = {s: i for i, s in enumerate(source_order)}
    hashed = [replace(a, content_hash=a.content_hash or content_hash(a.paragraphs)) for a in articles]
    known = {k.content_hash for k in history if k.article_id not in {a.article_id for a in hashed}}
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in hashed:
        groups[a.content_hash].append(a)
    out: dict[str, Article] = {}
    for h, members in groups.items():
        ordered = sorted(members, key=lambda a: (a.published_at is None, a.published_at or datetime.max,
                                                 rank.get(a.source, len(rank)), a.article_id))
        canonical_id = None if h in known else ordered[0].article_id
        for a in members:
            out[a.article_id] = replace(a, dup_cluster_id="x" + h[:16], is_canonical=a.article_id == canonical_id)
    return [out[a.article_id] for a in hashed]
