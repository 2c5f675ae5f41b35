"""Dedupe: exact and near-duplicate clusters, kept and marked, never dropped.

Exact: ``content_hash`` is SHA-256 over the comparison keys of the body's paragraphs (NFKC,
case-folded, letters and digits only), so spacing and punctuation do not hide a copy.

Near: every body gets a fingerprint: the set of its character 5-grams (works for Korean and
CJK without a tokenizer), hashed to 32 bits with numpy in one vectorised pass, and a
64-value MinHash signature of that set (affine permutations mod 2^32, numpy). Signatures go into a
datasketch ``MinHashLSH`` index (threshold 0.4: generous candidates); each candidate pair is
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
import multiprocessing
import os
import unicodedata
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from newsflow.models import Article

SHINGLE = 5
NUM_PERM = 64
LSH_THRESHOLD = 0.4  # candidate generation (16 bands x 4 rows); pairs are verified afterwards
JACCARD = 0.5
CONTAINMENT = 0.8
MIN_SHINGLES = 30  # bodies with fewer distinct 5-grams are matched exactly only
_RNG = np.random.RandomState(20240627)
_A = _RNG.randint(1, 2**31 - 1, size=NUM_PERM).astype(np.uint32) * np.uint32(2) + np.uint32(1)  # odd
_B = _RNG.randint(0, 2**31 - 1, size=NUM_PERM).astype(np.uint32)
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


def _alnum_table() -> np.ndarray:
    """For every BMP code point: is it a letter or digit (what ``paragraph_key`` keeps)?"""
    table = np.zeros(0x10000, dtype=bool)
    for cp in range(0x10000):
        ch = chr(cp)
        table[cp] = ch.isalnum()
    return table


_ALNUM = _alnum_table()
_NEWLINE = np.uint32(10)


def _key_codes(paragraphs: tuple[str, ...] | list[str]) -> np.ndarray:
    """The body's comparison keys (NFKC, case-folded, letters and digits) as UTF-32 code points,
    paragraphs separated by newlines: ``paragraph_key`` for a whole body in one numpy pass."""
    text = unicodedata.normalize("NFKC", "\n".join(paragraphs)).casefold()
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = np.ones(len(codes), dtype=bool)
    bmp = codes < 0x10000
    keep[bmp] = _ALNUM[codes[bmp]]
    keep |= codes == _NEWLINE
    if not bmp.all():  # astral characters (rare): ask Python
        for i in np.nonzero(~bmp)[0]:
            keep[i] = chr(int(codes[i])).isalnum()
    return codes[keep]


def content_hash(paragraphs: tuple[str, ...] | list[str]) -> str:
    """SHA-256 of the paragraphs' comparison keys (UTF-32, newline-separated)."""
    return hashlib.sha256(_key_codes(paragraphs).tobytes()).hexdigest()


def fingerprint(paragraphs: tuple[str, ...] | list[str]) -> Fingerprint:
    """MinHash signature and size of the body's set of character 5-grams."""
    return _fingerprint_codes(_key_codes(paragraphs))


def _fingerprint_codes(key_codes: np.ndarray) -> Fingerprint:
    codes = key_codes[key_codes != _NEWLINE].astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return Fingerprint(np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), 0)
    h = codes[:n].copy()
    for k in range(1, SHINGLE):
        h = h * _P + codes[k:k + n]
    h = np.sort((((h ^ (h >> np.uint64(29))) * _MIX) >> np.uint64(32)).astype(np.uint32))  # 32-bit hashes
    size = 1 + int(np.count_nonzero(h[1:] != h[:-1]))  # distinct 5-grams
    # NUM_PERM permutations h -> a*h + b (mod 2^32, a odd) of the well-mixed shingle hashes
    sig = (h[None, :] * _A[:, None] + _B[:, None]).min(axis=1)
    return Fingerprint(sig, size)


def similar(a: Fingerprint, b: Fingerprint) -> bool:
    """Near-duplicates: high estimated Jaccard, or the smaller set (almost) inside the larger."""
    if a.size < MIN_SHINGLES or b.size < MIN_SHINGLES:
        return False
    j = np.count_nonzero(a.signature == b.signature) / NUM_PERM
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


PARALLEL_FROM = 5000  # batches this large are prepared on every core


def _prepare(paragraphs: tuple[str, ...]) -> tuple[str, Fingerprint]:
    codes = _key_codes(paragraphs)
    return hashlib.sha256(codes.tobytes()).hexdigest(), _fingerprint_codes(codes)


def _prepare_batch(batch: list[tuple[str, ...]]) -> list[tuple[str, bytes, int]]:
    return [(h, fp.signature.tobytes(), fp.size) for h, fp in map(_prepare, batch)]


def _prepared(articles: list[Article]) -> list[tuple[str, Fingerprint]]:
    """(content hash, fingerprint) per article; the CPU-bound part, spread over processes."""
    workers = os.cpu_count() or 1
    if len(articles) < PARALLEL_FROM or workers < 2:
        return [_prepare(a.paragraphs) for a in articles]
    chunk = 2000
    batches = [[a.paragraphs for a in articles[i:i + chunk]] for i in range(0, len(articles), chunk)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = [r for batch in pool.map(_prepare_batch, batches) for r in batch]
    return [(h, Fingerprint(np.frombuffer(sig, dtype=np.uint32), size)) for h, sig, size in results]


def _lean(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")


def dedupe(articles: list[Article], source_order: list[str], history: list[Known] = (),
           fingerprints: dict[str, Fingerprint] | None = None) -> list[Article]:
    """Set ``content_hash``, ``dup_cluster_id`` and ``is_canonical`` on every article.

    ``fingerprints``, if given, receives each article's fingerprint (for ``signature_row``)."""
    rank = {s: i for i, s in enumerate(source_order)}
    prepared = _prepared(articles)
    hashed = [replace(a, content_hash=a.content_hash or h) for a, (h, _) in zip(articles, prepared)]
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
    for a, (_, fp) in zip(hashed, prepared):
        add(a.article_id, a.content_hash, fp)
        if fingerprints is not None:
            fingerprints[a.article_id] = fp

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


def signature_row(a: Article, fp: Fingerprint | None = None) -> dict:
    """What the ``signatures`` table keeps of a published article."""
    fp = fp if fp is not None else fingerprint(a.paragraphs)
    return {"article_id": a.article_id, "source": a.source, "content_hash": a.content_hash,
            "dup_cluster_id": a.dup_cluster_id, "published_at": a.published_at,
            "signature": fp.signature.astype("<u4").tobytes(), "shingles": fp.size}
