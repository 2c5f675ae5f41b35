#!/usr/bin/env python3
"""Checker for the nlp_unseen gold set (stdlib only): ``bench/nlp_test/check.py``'s rules with
this set's shape -- published 2024-01..2026-10, 6-14 paragraphs, Korean bodies of 900-2,200
characters -- and no tolerated anonymous quotes (``ANON`` empty: the deliberate warnings stay
visible).

  python3 bench/nlp_unseen/check.py [DIR] [-v]     # default: the folder of this script
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("nlp_test_check", HERE.parent / "nlp_test" / "check.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)
check.ANON = {}
check.PUBLISHED = (dt.date(2024, 1, 1), dt.date(2026, 10, 31))
check.PARAGRAPHS = (6, 14)
check.KO_BODY_CHARS = (900, 2200)

if __name__ == "__main__":
    if not [a for a in sys.argv[1:] if not a.startswith("-")]:
        sys.argv.insert(1, str(HERE))
    sys.exit(check.main())
