"""newsflow: a news ingestion pipeline as a plain Python package.

Stages (one module each, one public entry point): discover, fetch, parse, clean,
dedupe, extract, and the lake writer. Nothing here imports Airflow; the DAGs in
``dags/`` and the CLI (``python -m newsflow``) only wire these together through
``newsflow.pipeline``.
"""

__version__ = "0.1.0"
