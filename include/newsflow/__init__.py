"""newsflow: a news ingestion pipeline as a plain Python package.

Stages (one module each, one public entry point): discover, fetch, parse, clean,
dedupe, extract, and the lake writer. Nothing here imports Airflow; the DAGs in
``dags/`` and the CLI (``python -m newsflow``) only wire these together through
``newsflow.pipeline``.

Arrow's allocator: pyarrow's default on Linux is mimalloc, which here kept the pages freed after
Arrow's multi-threaded reads (and DuckDB's scan of the term_df window) instead of giving them
back to the system. A process that runs the night's main stages (dedupe, publish, validate)
night after night (``newsflow reprocess`` over a range of dates, a Celery worker,
``bench/bench_scale.py``) grew by 30-60 MB a night on nights of 1000 articles, over the first
nights, levelling off only near night 13, all of it in anonymous memory: no Python object, no
glibc heap, never more than 8 MB live in Arrow's pool. With jemalloc (as pyarrow builds it,
freed pages are purged after about a second) such a process stays flat. Arrow reads the choice
once, when pyarrow is loaded, and only from ``ARROW_DEFAULT_MEMORY_POOL``
(``pyarrow.set_memory_pool`` leaves Arrow's own internal allocations on mimalloc), so it is set
here, before any newsflow module imports pyarrow; shard workers inherit it. An explicit setting
is kept; a host process that loaded pyarrow before newsflow keeps its allocator (set the
variable in its environment instead).
"""

import os as _os
import sys as _sys

if _sys.platform.startswith("linux"):  # pyarrow's Linux wheels have jemalloc; elsewhere mimalloc or system
    _os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

__version__ = "0.1.0"
