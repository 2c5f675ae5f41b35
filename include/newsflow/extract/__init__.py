"""Extract: language, entities, quotes, dates, numbers, keywords (see registry.py)."""

from newsflow.extract.language import detect_language

__all__ = ["detect_language"]
