"""Site-disjoint folds and page metadata for the extraction corpus (bench/bench_extract.py).

Pages are grouped by the *registrable domain* of their URL (``news.163.com`` and
``money.163.com`` are one group), and each domain goes to one of K folds by a stable hash
(sha256 of the domain, mod K), so a domain's fold never depends on which other pages are in
the set, on the Python hash seed or on the order the pages are read in.

URL of a page: the gold ``url`` when it has one, else the MANIFEST's ``url`` column (ko_dev),
else the MANIFEST's ``site`` column (a host name, except for fundus cases, which always have
a gold url). No public-suffix library (tldextract, publicsuffix2) is installed in the venv,
so the registrable domain comes from a small hand-written rule (``registrable_domain``): the
last two labels, or the last three when the last two form a known multi-part public suffix
(``co.uk``, ``com.cn``, ``co.jp``, ``com.au``, ``co.kr``, ``kiev.ua``, ...). It covers every
host in dev/ and train/ (337 registrable domains on train/, as the corpus README counts) but
is not the full Public Suffix List.

For fitting code later::

    from folds import load_pages, folds
    pages = load_pages(Path("../shared/corpus/train"))
    for train_ids, test_ids in folds(pages, k=5):
        model = fit([p for p in pages if p["id"] in train_ids])
        predict(model, [p for p in pages if p["id"] in test_ids])   # out-of-fold predictions
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

# second-level labels that form a public suffix under (most) two-letter country TLDs:
# co.uk, com.cn, co.jp, com.au, co.kr, or.kr, ne.jp, org.hk, gov.uk, ac.uk, net.nz, ...
_CC_SECOND_LEVEL = frozenset("co com net org gov edu ac or ne go gen mil nic ltd plc sch info biz "
                             "nom res web int".split())
# other multi-part suffixes seen in the corpus / common in its languages (city and regional
# suffixes of .ua / .ru / .pl, Japanese and Korean prefectural ones are not all listed)
_EXTRA_SUFFIXES = frozenset("""
kiev.ua kharkov.ua kharkiv.ua dn.ua donetsk.ua odessa.ua lviv.ua dp.ua zp.ua in.ua
msk.ru spb.ru waw.pl krakow.pl wroclaw.pl gda.pl poznan.pl lodz.pl
seoul.kr busan.kr tokyo.jp osaka.jp
""".split())


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    if "//" not in url:  # a bare host name (MANIFEST site column)
        url = "http://" + url
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def registrable_domain(host: str | None) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; ``money.163.com`` -> ``163.com``; IPs stay as they are."""
    if not host:
        return "?"
    host = host.lower().rstrip(".")
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    last2 = ".".join(labels[-2:])
    multi = (last2 in _EXTRA_SUFFIXES
             or (len(labels[-1]) == 2 and labels[-2] in _CC_SECOND_LEVEL))
    return ".".join(labels[-3:]) if multi else last2


def fold_of(domain: str, k: int) -> int:
    """The fold of a domain: sha256(domain) mod k (stable across runs, machines and sets)."""
    return int.from_bytes(hashlib.sha256(domain.encode("utf-8")).digest()[:8], "big") % k


# ---------------------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------------------
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ENCODING_ATTR = re.compile(rb"""\bencoding\s*=\s*["']\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {"utf8": "utf-8", "x-euc-kr": "euc-kr", "ks_c_5601-1987": "cp949", "windows-1251": "cp1251",
            "windows-1250": "cp1250", "windows-1252": "cp1252", "latin-1": "iso-8859-1",
            "latin1": "iso-8859-1", "sjis": "shift_jis", "x-sjis": "shift_jis", "shift-jis": "shift_jis", "euc_kr": "euc-kr", "gb-2312": "gb2312",
            "ascii": "utf-8", "us-ascii": "utf-8"}


def _canon(name: str | None) -> str | None:
    if not name:
        return None
    n = name.strip().lower()
    n = _ALIASES.get(n, n)
    return None if n in ("undeclared", "none", "") else n


def declared_charset(html: bytes) -> str | None:
    """The charset the bytes declare: ``<meta charset>`` / ``http-equiv`` content, else an
    ``encoding="..."`` attribute (XML declaration, the Chinese dataset's ``<text>`` wrapper)."""
    head = html[:8192]
    m = _META_CHARSET.search(head) or _ENCODING_ATTR.search(head)
    return _canon(m.group(1).decode("ascii", "replace")) if m else None


def is_utf8(html: bytes) -> bool:
    try:
        html.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def encoding_info(html: bytes, manifest_row: dict | None = None) -> dict:
    """{"charset": "utf-8" | <legacy charset>, "group": "utf-8" | "legacy", "declared": <charset> | None,
    "declaration": "declared utf-8" | "undeclared" | "declared legacy, matches" | "declared, wrong"}.

    The byte encoding: UTF-8 when the MANIFEST says the bytes are UTF-8 (dev/train:
    ``encoding`` = ``<declared>/<utf8|non-utf8>``), or, without that, when the bytes decode as
    UTF-8 (pure ASCII counts as UTF-8); otherwise the MANIFEST's charset (ko_dev: ``encoding``
    column), else the declared charset, else charset-normalizer's guess. The declaration is
    the MANIFEST's (dev/train ``<declared>`` part, ko_dev ``declared_charset``) when it records
    one, else what ``<meta>`` / ``encoding="..."`` in the bytes says."""
    row = manifest_row or {}
    enc = row.get("encoding") or ""
    decl_part, slash, kind = enc.partition("/")
    if slash:  # dev / train format
        utf8 = kind == "utf8"
        declared, have_decl = _canon(decl_part), True
        man_charset = None
    else:  # ko_dev format (or no manifest)
        utf8 = is_utf8(html)
        man_charset = _canon(enc) if enc else None
        have_decl = "declared_charset" in row
        declared = _canon(row.get("declared_charset")) if have_decl else None
    if not have_decl:
        declared = declared_charset(html)
    if utf8:
        actual = "utf-8"
    else:
        actual = (man_charset if man_charset and man_charset != "utf-8" else None) or \
                 (declared if declared and declared != "utf-8" else None) or \
                 (lambda d: d if d and d != "utf-8" else None)(declared_charset(html))
        if actual is None:
            try:
                from charset_normalizer import from_bytes
                best = from_bytes(html).best()
                actual = _canon(best.encoding) if best else None
            except Exception:  # pragma: no cover - not installed
                actual = None
            actual = actual or "unknown"
    if declared is None:
        declaration = "undeclared"
    elif declared == "utf-8":
        declaration = "declared utf-8" if utf8 else "declared, wrong"
    else:
        same = (not utf8) and (declared == actual or {declared, actual} <= {"gb2312", "gbk", "gb18030"}
                               or {declared, actual} <= {"euc-kr", "cp949"})
        declaration = "declared legacy, matches" if same else "declared, wrong"
    return {"charset": actual, "group": "utf-8" if utf8 else "legacy", "declared": declared,
            "declaration": declaration}


# ---------------------------------------------------------------------------------------
# pages and folds
# ---------------------------------------------------------------------------------------
def read_manifest(set_dir: Path) -> dict[str, dict]:
    path = set_dir / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh, delimiter="\t") if row.get("id")}


def page_info(cid: str, gold: dict, html: bytes, manifest_row: dict | None) -> dict:
    row = manifest_row or {}
    url = gold.get("url") or row.get("url") or None
    host = host_of(url) or host_of(row.get("host")) or host_of(row.get("site"))
    enc = encoding_info(html, row)
    return {"id": cid, "url": url, "host": host or "?", "domain": registrable_domain(host),
            "lang": gold.get("lang") or "und", "annotation": gold.get("annotation") or "human",
            "encoding": enc["group"], "charset": enc["charset"], "declaration": enc["declaration"]}


def gold_cases(set_dir: Path):
    """(id, gold, html bytes) of every case the scorer scores: gold with a body and an .html beside it."""
    for gp in sorted(set_dir.glob("*.json")):
        try:
            gold = json.loads(gp.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        hp = gp.with_suffix(".html")
        if isinstance(gold, dict) and gold.get("body") and hp.exists():
            yield gp.stem, gold, hp.read_bytes()


def load_pages(set_dir: Path) -> list[dict]:
    """page_info() for every gold case (gold with a body and an .html beside it) in a set."""
    manifest = read_manifest(set_dir)
    pages = []
    for stem, gold, html in gold_cases(set_dir):
        pages.append(page_info(stem, gold, html, manifest.get(stem)))
    return pages


def fold_ids(pages: Iterable[dict], k: int = 5) -> list[list[str]]:
    """The page ids of each fold (by registrable domain, stable hash)."""
    out: list[list[str]] = [[] for _ in range(k)]
    for p in pages:
        out[fold_of(p.get("domain") or registrable_domain(p.get("host")), k)].append(p["id"])
    return out


def folds(pages: Iterable[dict], k: int = 5) -> list[tuple[list[str], list[str]]]:
    """K (train_ids, test_ids) splits: test = the pages of one fold, train = all the others.
    No registrable domain is on both sides of a split."""
    pages = list(pages)
    per_fold = fold_ids(pages, k)
    return [([cid for j, ids in enumerate(per_fold) if j != i for cid in ids], list(per_fold[i]))
            for i in range(k)]


def mean_by(rows: dict[str, dict], ids: Iterable[str], metrics: Iterable[str]) -> dict:
    """Mean of each metric over the given case ids that have it (as the shared scorer does),
    with ``n_<metric>``; ``rows`` = {id: {metric: value}} (per-case scores)."""
    ids = [i for i in ids if i in rows]
    agg: dict = {"n": len(ids)}
    for m in metrics:
        vals = [rows[i][m] for i in ids if rows[i].get(m) is not None]
        agg[m] = sum(vals) / len(vals) if vals else None
        agg["n_" + m] = len(vals)
    return agg
