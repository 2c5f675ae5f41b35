"""Dedupe: exact and near-duplicate clusters, kept and marked, never dropped.

Exact: ``content_hash`` is SHA-256 over the comparison keys of the body's paragraphs (NFKC,
case-folded, letters and digits only), so spacing and punctuation do not hide a copy.

Near: every body gets a fingerprint: the set of its character 5-grams (works for Korean and
CJK without a tokenizer), hashed to 32 bits with numpy in one vectorised pass, and a
64-value MinHash signature of that set (affine permutations mod 2^32, numpy). Signatures go into a
LSH index (banding below: generous candidates); each candidate pair is
verified on the signatures: estimated Jaccard >= ``JACCARD`` (light edits, boilerplate), or
estimated containment of the smaller set in the larger >= ``CONTAINMENT`` (a lead-only
copy: a story that is the first part of another). Verified pairs join with union-find.

Candidates come from LSH banding (16 bands of 4 values, what datasketch's ``MinHashLSH``
chooses for threshold 0.4 and 64 permutations): two bodies are candidates when any band is
equal. Each band becomes one 64-bit key (``band_keys``), so the index is a plain table: the
lake keeps the keys (``lsh_bands``) and a night looks up only the buckets its own articles
touch, within a window of dates, instead of rebuilding an index from every stored signature.
Exact copies are looked up by hash at any age. A ``History`` answers both lookups.

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
from typing import Iterable, Protocol

import numpy as np

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


_BAND_ROWS = NUM_PERM // 16  # 16 bands of 4 values
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """int64[n, 16]: one key per band of each uint32[n, 64] signature (band number mixed in)."""
    sig = np.asarray(signatures, dtype=np.uint32).reshape(-1, 16, _BAND_ROWS).astype(np.uint64)
    h = np.broadcast_to(np.arange(16, dtype=np.uint64)[None, :] + np.uint64(1), sig.shape[:2]).copy()
    for k in range(_BAND_ROWS):
        h = (h * _BAND_MIX) ^ sig[:, :, k]
        h ^= h >> np.uint64(31)
    return h.view(np.int64)


def hash64(chash: str) -> int:
    """The first 8 bytes of a hex content hash as a signed 64-bit integer (the exact-copy lookup key)."""
    return int.from_bytes(bytes.fromhex(chash[:16]), "big", signed=True)


class History(Protocol):
    """What dedupe asks of the lake: articles already published, found by key, never listed whole."""

    def exact(self, hashes: list[str]) -> list[Known]:
        """Articles with one of these content hashes, at any age."""

    def near(self, keys: np.ndarray) -> list[Known]:
        """Articles (with signatures) sharing one of these band keys, within the history window."""


class ListHistory:
    """A ``History`` over a list of known articles (tests, the ``dedupe`` CLI, small histories)."""

    def __init__(self, known: Iterable[Known] = ()) -> None:
        self.known = [k for k in known if k.content_hash]

    def exact(self, hashes: list[str]) -> list[Known]:
        want = set(hashes)
        return [k for k in self.known if k.content_hash in want]

    def near(self, keys: np.ndarray) -> list[Known]:
        want = set(np.asarray(keys).ravel().tolist())
        with_sig = [k for k in self.known if k.signature and k.shingles >= MIN_SHINGLES]
        if not with_sig or not want:
            return []
        mine = band_keys(np.stack([np.frombuffer(k.signature, dtype="<u4") for k in with_sig]))
        return [k for k, row in zip(with_sig, mine) if want.intersection(row.tolist())]


@dataclass(frozen=True, slots=True)
class Item:
    """One of tonight's articles as dedupe sees it: no text, only its signature."""

    article_id: str
    source: str
    published_at: datetime | None
    content_hash: str
    fingerprint: Fingerprint | None


def dedupe(articles: list[Article], source_order: list[str], history: list[Known] | History = (),
           fingerprints: dict[str, Fingerprint] | None = None) -> list[Article]:
    """Set ``content_hash``, ``dup_cluster_id`` and ``is_canonical`` on every article.

    ``fingerprints``, if given, receives each article's fingerprint (for ``signature_row``)."""
    prepared = _prepared(articles)
    items = [Item(a.article_id, a.source, a.published_at, a.content_hash or h, fp)
             for a, (h, fp) in zip(articles, prepared)]
    if fingerprints is not None:
        fingerprints.update({i.article_id: i.fingerprint for i in items})
    hist = history if hasattr(history, "near") else ListHistory(history)
    out = cluster(items, source_order, hist)
    return [replace(a, content_hash=i.content_hash, dup_cluster_id=out[i.article_id][0],
                    is_canonical=out[i.article_id][1]) for a, i in zip(articles, items)]


def cluster(items: list[Item], source_order: list[str], history: History) -> dict[str, tuple[str, bool]]:
    """article_id -> (dup_cluster_id, is_canonical) for tonight's ``items``, joining the clusters
    of ``history``'s articles they copy. Works on hashes and signatures only."""
    rank = {s: i for i, s in enumerate(source_order)}
    ids = {i.article_id for i in items}
    uf = _UnionFind()
    known: dict[str, Known] = {}
    by_hash: dict[str, str] = {}
    for i in items:
        uf.find(i.article_id)
        if i.content_hash in by_hash:
            uf.union(i.article_id, by_hash[i.content_hash])
        else:
            by_hash[i.content_hash] = i.article_id
    for k in history.exact(sorted(by_hash)):
        if k.article_id not in ids and k.content_hash in by_hash:  # a rerun is not its own duplicate
            known["lake:" + k.article_id] = k
            uf.union("lake:" + k.article_id, by_hash[k.content_hash])
    near = [i for i in items if i.fingerprint is not None and i.fingerprint.size >= MIN_SHINGLES]
    if near:
        keys = band_keys(np.stack([i.fingerprint.signature for i in near]))
        _join_buckets(near, keys, uf)
        _join_history(near, keys, history, ids, known, uf)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in list(known) + [i.article_id for i in items]:
        groups[uf.find(key)].append(key)
    by_id = {i.article_id: i for i in items}
    out: dict[str, tuple[str, bool]] = {}
    for keys_ in groups.values():
        members = [by_id[k] for k in keys_ if k in by_id]
        if not members:
            continue
        prior = sorted((known[k] for k in keys_ if k in known),
                       key=lambda k: (k.published_at is None, k.published_at or datetime.max, k.article_id))
        if prior:  # the lake already has this story: its cluster and canonical member stay
            cluster_id, canonical_id = prior[0].dup_cluster_id or "x" + prior[0].content_hash[:16], None
        else:
            ordered = sorted(members, key=lambda a: (a.published_at is None, a.published_at or datetime.max,
                                                     rank.get(a.source, len(rank)), a.article_id))
            cluster_id, canonical_id = "x" + ordered[0].content_hash[:16], ordered[0].article_id
        for m in members:
            out[m.article_id] = (cluster_id, m.article_id == canonical_id)
    return out


def _join_buckets(near: list[Item], keys: np.ndarray, uf: _UnionFind) -> None:
    """Union tonight's articles that share a band bucket and pass ``similar``."""
    flat = keys.ravel()
    owner = np.repeat(np.arange(len(near)), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    ends = np.r_[starts[1:], len(flat)]
    checked: set[tuple[int, int]] = set()
    for s, e in zip(starts, ends):
        if e - s < 2:
            continue
        members = sorted(set(owner[s:e].tolist()))
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair = (members[x], members[y])
                if pair in checked:
                    continue
                checked.add(pair)
                a, b = near[pair[0]], near[pair[1]]
                if uf.find(a.article_id) != uf.find(b.article_id) and similar(a.fingerprint, b.fingerprint):
                    uf.union(a.article_id, b.article_id)


def _join_history(near: list[Item], keys: np.ndarray, history: History, ids: set[str],
                  known: dict[str, Known], uf: _UnionFind) -> None:
    """Union tonight's articles with the known articles that share a bucket and pass ``similar``."""
    old = [k for k in history.near(np.unique(keys)) if k.article_id not in ids and k.signature]
    if not old:
        return
    old_keys = band_keys(np.stack([np.frombuffer(k.signature, dtype="<u4") for k in old]))
    bucket: dict[int, list[int]] = defaultdict(list)
    for j, row in enumerate(old_keys.tolist()):
        for key in row:
            bucket[key].append(j)
    prints = [Fingerprint(np.frombuffer(k.signature, dtype="<u4"), k.shingles) for k in old]
    for i, row in zip(near, keys.tolist()):
        for j in sorted({j for key in row for j in bucket.get(key, ())}):
            if similar(i.fingerprint, prints[j]):
                name = "lake:" + old[j].article_id
                known[name] = old[j]
                uf.union(name, i.article_id)


def signature_row(a: Article, fp: Fingerprint | None = None) -> dict:
    """What the ``signatures`` table keeps of a published article."""
    fp = fp if fp is not None else fingerprint(a.paragraphs)
    return {"article_id": a.article_id, "source": a.source, "content_hash": a.content_hash,
            "dup_cluster_id": a.dup_cluster_id, "published_at": a.published_at,
            "signature": fp.signature.astype("<u4").tobytes(), "shingles": fp.size,
            "hash64": hash64(a.content_hash) if a.content_hash else None}


def band_rows(article_id: str, source: str, fp: Fingerprint | None) -> list[dict]:
    """What ``lsh_bands`` keeps of an article (nothing for bodies too short to match by LSH)."""
    if fp is None or fp.size < MIN_SHINGLES:
        return []
    keys = band_keys(fp.signature[None, :])[0].tolist()
    return [{"article_id": article_id, "source": source, "band": b, "key": k} for b, k in enumerate(keys)]
