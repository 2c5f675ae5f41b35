"""The extractor registry: which extractors run, in which order, read from a YAML file.

``include/extractors.yaml`` (or the file ``NEWSFLOW_EXTRACTORS`` names) maps each name to
``module:Class``. ``analyze`` runs them over one :class:`Doc` and returns their rows by name;
``to_gold_schema`` turns that into the JSON object of ``../shared/gold`` (what the
``analyze`` CLI prints).
"""

from __future__ import annotations

import importlib
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newsflow.catalog import CORE_TABLES
from newsflow.config import ConfigError, safe_yaml
from newsflow.extract.base import COLUMN_TYPES, Doc, Extractor, Row, Table

# Columns every fact row carries besides its extractor's own (an extractor may not declare these).
FACT_BASE_COLUMNS = ("date", "article_id", "idx", "extractors", "run_id", "schema_version", "month", "source")

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "extractors.yaml"


def registry_file() -> Path:
    return Path(os.environ.get("NEWSFLOW_EXTRACTORS") or DEFAULT_FILE)


@lru_cache(maxsize=4)
def load_registry(path: str | None = None) -> tuple[Extractor, ...]:
    file = Path(path) if path else registry_file()
    try:
        data = safe_yaml(file.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the extractor list ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from exc
    entries = data.get("extractors") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"{file}: expected a mapping 'extractors:' of name: module:Class")
    out = []
    for name, target in entries.items():
        if not isinstance(target, str) or ":" not in target:
            raise ConfigError(f"{file}: extractor {name!r} must be 'module:Class', got {target!r}")
        module, cls_name = target.split(":", 1)
        try:
            cls = getattr(importlib.import_module(module), cls_name)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"{file}: extractor {name!r}: cannot import {target} ({exc})") from exc
        inst = cls()
        if getattr(inst, "name", None) != name or not callable(getattr(inst, "run", None)):
            raise ConfigError(f"{file}: {target} must have name = {name!r} and a run(doc, found) method")
        out.append(inst)
    return tuple(out)


def declared_tables(path: str | None = None) -> dict[str, Table]:
    """Every lake table the registry's extractors declare (``tables``), by name, in registry order.
    Raises ConfigError for a declaration the lake cannot hold."""
    file = str(Path(path) if path else registry_file())
    out: dict[str, Table] = {}
    for ex in load_registry(file):
        for t in getattr(ex, "tables", ()) or ():
            where = f"{file}: extractor {ex.name!r} declares table {getattr(t, 'name', t)!r}"
            if not isinstance(t, Table):
                raise ConfigError(f"{where}: expected a newsflow.extract.base.Table")
            if not t.name.isidentifier() or t.name != t.name.lower():
                raise ConfigError(f"{where}: table names are lower-case identifiers")
            if t.name in CORE_TABLES or t.name in out:
                raise ConfigError(f"{where}: that name is already a lake table; choose another")
            if not t.columns:
                raise ConfigError(f"{where}: a table needs at least one column")
            seen: set[str] = set()
            for c in t.columns:
                if c.name in FACT_BASE_COLUMNS or c.name in seen:
                    raise ConfigError(f"{where}: column {c.name!r} is reserved or repeated "
                                      f"(every fact row already has {', '.join(FACT_BASE_COLUMNS)})")
                if c.type not in COLUMN_TYPES:
                    raise ConfigError(f"{where}: column {c.name!r} has type {c.type!r}; use one of "
                                      f"{', '.join(COLUMN_TYPES)}")
                seen.add(c.name)
            out[t.name] = t
    return out


def versions(extractors: tuple[Extractor, ...] | None = None) -> str:
    """e.g. 'language=1,entities=1,...' -- stored with every row so a replay knows what made it."""
    return ",".join(f"{e.name}={e.version}" for e in (extractors or load_registry()))


class ExtractorFailed(RuntimeError):
    """An extractor raised on one document; ``name`` says which (the pipeline makes it a reject row)."""

    def __init__(self, name: str, exc: BaseException) -> None:
        super().__init__(f"{name}: {type(exc).__name__}: {exc}")
        self.name = name


def analyze(doc: Doc, extractors: tuple[Extractor, ...] | None = None) -> dict[str, list[Row]]:
    """Every extractor's rows for ``doc``; an extractor that raises becomes ``ExtractorFailed``."""
    found: dict[str, list[Row]] = {}
    for ex in extractors or load_registry():
        try:
            rows = ex.run(doc, found)
        except Exception as exc:
            raise ExtractorFailed(ex.name, exc) from exc
        found[ex.name] = rows
        if ex.name == "language" and rows and rows[0].get("lang"):
            doc.lang = rows[0]["lang"]
    return found


def doc_from_json(obj: dict[str, Any], where: str = "input") -> Doc:
    """An ``analyze`` input object: at least lang, published, title, body."""
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object with lang, published, title and body")
    missing = [k for k in ("body",) if not isinstance(obj.get(k), str) or not obj.get(k).strip()]
    if missing:
        raise ValueError(f"{where}: missing or empty field(s): {', '.join(missing)}")
    pub = obj.get("published")
    published = None
    if pub:
        try:
            published = date.fromisoformat(str(pub)[:10])
        except ValueError as exc:
            raise ValueError(f"{where}: 'published' must start with YYYY-MM-DD, got {pub!r}") from exc
    return Doc(body=obj["body"], lang=str(obj.get("lang") or ""), published=published,
               title=str(obj.get("title") or ""), article_id=str(obj.get("id") or obj.get("article_id") or ""))


def to_gold_schema(doc: Doc, found: dict[str, list[Row]], obj: dict[str, Any] | None = None) -> dict[str, Any]:
    obj = obj or {}
    lang = (found.get("language") or [{}])[0]
    out: dict[str, Any] = {"id": obj.get("id") or doc.article_id or None, "lang": lang.get("lang") or doc.lang,
                           "lang_confidence": lang.get("confidence"),
                           "published": doc.published.isoformat() if doc.published else None, "title": doc.title}
    ents = []
    for e in found.get("entities", []):
        row = {"text": e["text"], "type": e["type"], "canonical": e["canonical"], "aliases": e.get("aliases", []),
               "start": e["start"], "end": e["end"]}
        if e["type"] == "PERSON" and e.get("role"):
            row["role"] = e["role"]
        ents.append(row)
    out["entities"] = ents
    # the gold schema's speaker is an entity; quotes from unnamed sources stay in the lake's
    # quotes table (speaker null) but are not listed here
    out["quotes"] = [{"speaker": q["speaker"], "text": q["text"], "start": q["start"], "end": q["end"]}
                     for q in found.get("quotes", []) if q.get("speaker")]
    out["dates"] = [{"text": d["text"], "normalized": d["normalized"], "start": d["start"], "end": d["end"]}
                    for d in found.get("dates", [])]
    out["numbers"] = [{"text": n["text"], "value": n["value"], "unit": n["unit"], "start": n["start"], "end": n["end"]}
                      for n in found.get("numbers", [])]
    out["keywords"] = [k["text"] for k in found.get("keywords", [])]
    for name, rows in found.items():  # extractors added by users appear under their own name
        if name not in out and name != "language":
            out[name] = rows
    return out
