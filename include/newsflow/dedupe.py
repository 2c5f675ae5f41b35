"""Dedupe: exact and near-duplicate clusters, kept and marked, never dropped.

Exact: ``content_hash`` is SHA-256 over the comparison keys of the body's paragraphs (NFKC,
case-folded, letters and digits only), so spacing and punctuation do not hide a copy.

Near: MinHash signatures (datasketch, 128 permutations) of character 5-gram shingles of that
same key text (works for Korean and CJK without a tokenizer) go into an LSH index; each
candidate pair is then verified on the real shingle sets: Jaccard >= ``JACCARD`` (light edits,
boilerplate differences) or containment of the smaller set in the larger >= ``CONTAINMENT``
(a lead-only copy: a story that is the first part of another). Verified pairs are joined
with union-find.

The canonical member is the earliest published, then the source listed first, then the
smallest article id; members already in the lake stay canonical. The cluster id derives
from the content hash of the cluster's canonical member, so it is stable across reruns.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from datasketch import MinHash, MinHashLSH

from newsflow.clean import paragraph_key
from newsflow.models import Article

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # recall-oriented candidate generation; pairs are verified exactly
JACCARD = 0.5
CONTAINMENT = 0.85
MIN_SHINGLES = 30  # bodies shorter than this are matched exactly only


@dataclass(frozen=True, slots=True)
class Known:
    """An article already published in the lake (only what dedupe needs)."""

    article_id: str
    content_hash: str
    published_at: datetime | None
    dup_cluster_id: str | None = None


def content_hash(paragraphs: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256("\n".join(paragraph_key(p) for p in paragraphs).encode("utf-8")).hexdigest()


def shingles(paragraphs: tuple[str, ...] | list[str]) -> set[str]:
    text = "".join(paragraph_key(p) for p in paragraphs)
    return {text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}


def _minhash(sh: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


def similar(a: set[str], b: set[str]) -> bool:
    """Near-duplicates: high Jaccard, or the smaller is (almost) contained in the larger."""
    if not a or not b:
        return False
    inter = len(a & b)
    if inter / len(a | b) >= JACCARD:
        return True
    small = min(len(a), len(b))
    return inter / small >= CONTAINMENT and small >= MIN_SHINGLES


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def clusters(articles: list[Article]) -> dict[str, str]:
    """article_id -> representative article_id of its near-duplicate cluster."""
    uf = _UnionFind()
    by_hash: dict[str, str] = {}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sets: dict[str, set[str]] = {}
    for a in articles:
        uf.find(a.article_id)
        h = a.content_hash or content_hash(a.paragraphs)
        if h in by_hash:
            uf.union(a.article_id, by_hash[h])
            continue
        by_hash[h] = a.article_id
        sh = shingles(a.paragraphs)
        if len(sh) < MIN_SHINGLES:
            continue
        sets[a.article_id] = sh
        m = _minhash(sh)
        for other in lsh.query(m):
            if similar(sh, sets[other]):
                uf.union(a.article_id, other)
        lsh.insert(a.article_id, m)
    return {a.article_id: uf.find(a.article_id) for a in articles}


def dedupe(articles: list[Article], source_order: list[str], history: list[Known] = ()) -> list[Article]:
    """Set ``content_hash``, ``dup_cluster_id`` and ``is_canonical`` on every article."""
    rank = {s: i for i, s in enumerate(source_order)}
    hashed = [replace(a, content_hash=a.content_hash or content_hash(a.paragraphs)) for a in articles]
    ids = {a.article_id for a in hashed}
    known = {k.content_hash: k for k in history if k.article_id not in ids}
    representative = clusters(hashed)
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in hashed:
        groups[representative[a.article_id]].append(a)
    out: dict[str, Article] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda a: (a.published_at is None, a.published_at or datetime.max,
                                                 rank.get(a.source, len(rank)), a.article_id))
        prior = next((known[a.content_hash] for a in ordered if a.content_hash in known), None)
        if prior is not None:  # the lake already has this story: its cluster and canonical stay
            cluster_id, canonical_id = prior.dup_cluster_id or "x" + prior.content_hash[:16], None
        else:
            cluster_id, canonical_id = "x" + ordered[0].content_hash[:16], ordered[0].article_id
        for a in members:
            out[a.article_id] = replace(a, dup_cluster_id=cluster_id, is_canonical=a.article_id == canonical_id)
    return [out[a.article_id] for a in hashed]
