"""Dedupe: exact and near-duplicate clusters, kept and marked, never dropped.

Exact: ``content_hash`` is SHA-256 over the comparison keys of the body's paragraphs (NFKC,
case-folded, letters and digits only), so spacing and punctuation do not hide a copy.

Near: every body gets a fingerprint: the set of its character 5-grams (works for Korean and
CJK without a tokenizer), hashed to 32 bits with numpy in one vectorised pass, and a
64-value MinHash signature of that set (multiply-shift hashing, numpy). Signatures go into a
datasketch ``MinHashLSH`` index (threshold 0.3: generous candidates); each candidate pair is
verified on the signatures: estimated Jaccard >= ``JACCARD`` (light edits, boilerplate), or
estimated containment of the smaller set in the larger >= ``CONTAINMENT`` (a lead-only
copy: a story that is the first part of another). Verified pairs join with union-find.

Fingerprints are kept in the lake (``signatures``), so tonight's article joins last week's
cluster: clusters that reach a known article take its cluster id, and its canonical member
stays canonical. Otherwise the canonical member is the earliest published, then the source
listed first, then the smallest article id, and the cluster id derives from its content hash,
so reruns give the same ids.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from newsflow.clean import paragraph_key
from newsflow.models import Article

SHINGLE = 5
NUM_PERM = 64
LSH_THRESHOLD = 0.3  # recall-oriented candidate generation; pairs are verified afterwards
JACCARD = 0.5
CONTAINMENT = 0.8
MIN_SHINGLES = 30  # bodies with fewer distinct 5-grams are matched exactly only
_RNG = np.random.RandomState(20240627)
_A = (_RNG.randint(1, 2**31 - 1, size=NUM_PERM).astype(np.uint64) << np.uint64(32)) | \
    _RNG.randint(1, 2**31 - 1, size=NUM_PERM).astype(np.uint64) | np.uint64(1)
_B = _RNG.randint(0, 2**31 - 1, size=NUM_PERM).astype(np.uint64)
_P = np.uint64(1_000_003)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


@dataclass(frozen=True, slots=True)
class Known:
    """An article already in the lake, as dedupe needs it (from the ``signatures`` table)."""

    article_id: str
    content_hash: str
    published_at: datetime | None
    dup_cluster_id: str | None = None
    signature: bytes | None = None  # NUM_PERM little-endian uint32
    shingles: int = 0


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: np.ndarray  # uint32[NUM_PERM]
    size: int  # distinct 5-grams


def content_hash(paragraphs: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha256("\n".join(paragraph_key(p) for p in paragraphs).encode("utf-8")).hexdigest()


def fingerprint(paragraphs: tuple[str, ...] | list[str]) -> Fingerprint:
    """MinHash signature and size of the body's set of character 5-grams."""
    text = "".join(paragraph_key(p) for p in paragraphs)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return Fingerprint(np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), 0)
    h = codes[:n].copy()
    for k in range(1, SHINGLE):
        h = h * _P + codes[k:k + n]
    h = np.unique(((h ^ (h >> np.uint64(29))) * _MIX) >> np.uint64(32))  # 32-bit shingle hashes
    sig = ((h[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)).min(axis=1).astype(np.uint32)
    return Fingerprint(sig, int(len(h)))


def similar(a: Fingerprint, b: Fingerprint) -> bool:
    """Near-duplicates: high estimated Jaccard, or the smaller set (almost) inside the larger."""
    if a.size < MIN_SHINGLES or b.size < MIN_SHINGLES:
        return False
    j = float(np.mean(a.signature == b.signature))
    if j >= JACCARD:
        return True
    small = min(a.size, b.size)
    containment = j * (a.size + b.size) / ((1 + j) * small)
    return containment >= CONTAINMENT


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


def _lean(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")


def dedupe(articles: list[Article], source_order: list[str], history: list[Known] = ()
           ) -> list[Article]:
    """Set ``content_hash``, ``dup_cluster_id`` and ``is_canonical`` on every article."""
    rank = {s: i for i, s in enumerate(source_order)}
    hashed = [replace(a, content_hash=a.content_hash or content_hash(a.paragraphs)) for a in articles]
    ids = {a.article_id for a in hashed}
    uf = _UnionFind()
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    prints: dict[str, Fingerprint] = {}
    known: dict[str, Known] = {}
    by_hash: dict[str, str] = {}

    def add(key: str, chash: str, fp: Fingerprint | None) -> None:
        uf.find(key)
        if chash in by_hash:
            uf.union(key, by_hash[chash])
            return
        by_hash[chash] = key
        if fp is None or fp.size < MIN_SHINGLES:
            return
        prints[key] = fp
        m = _lean(fp.signature)
        for other in lsh.query(m):
            if similar(fp, prints[other]):
                uf.union(key, other)
        lsh.insert(key, m)

    for k in history:
        if k.article_id in ids:
            continue  # a rerun of the same article is not its own duplicate
        key = "lake:" + k.article_id
        known[key] = k
        fp = Fingerprint(np.frombuffer(k.signature, dtype="<u4"), k.shingles) if k.signature else None
        add(key, k.content_hash, fp)
    fingerprints = {}
    for a in hashed:
        fingerprints[a.article_id] = fingerprint(a.paragraphs)
        add(a.article_id, a.content_hash, fingerprints[a.article_id])

    groups: dict[str, list[str]] = defaultdict(list)
    for key in list(known) + [a.article_id for a in hashed]:
        groups[uf.find(key)].append(key)
    by_id = {a.article_id: a for a in hashed}
    out: dict[str, Article] = {}
    for keys in groups.values():
        members = [by_id[k] for k in keys if k in by_id]
        if not members:
            continue
        prior = sorted((known[k] for k in keys if k in known),
                       key=lambda k: (k.published_at is None, k.published_at or datetime.max, k.article_id))
        if prior:  # the lake already has this story: its cluster and canonical member stay
            cluster_id, canonical_id = prior[0].dup_cluster_id or "x" + prior[0].content_hash[:16], None
        else:
            ordered = sorted(members, key=lambda a: (a.published_at is None, a.published_at or datetime.max,
                                                     rank.get(a.source, len(rank)), a.article_id))
            cluster_id, canonical_id = "x" + ordered[0].content_hash[:16], ordered[0].article_id
        for a in members:
            out[a.article_id] = replace(a, dup_cluster_id=cluster_id, is_canonical=a.article_id == canonical_id)
    return [out[a.article_id] for a in hashed]


def signature_row(a: Article) -> dict:
    """What the ``signatures`` table keeps of a published article."""
    fp = fingerprint(a.paragraphs)
    return {"article_id": a.article_id, "source": a.source, "content_hash": a.content_hash,
            "dup_cluster_id": a.dup_cluster_id, "published_at": a.published_at,
            "signature": fp.signature.astype("<u4").tobytes(), "shingles": fp.size}
