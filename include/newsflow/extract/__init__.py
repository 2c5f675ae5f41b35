"""Extract: language and keywords (entities, quotes, numbers come in a later stage)."""

from __future__ import annotations

from dataclasses import replace

from newsflow.extract.keywords import keywords
from newsflow.extract.language import detect_language
from newsflow.models import Article

__all__ = ["extract", "detect_language", "keywords"]


def extract(article: Article) -> Article:
    lang = detect_language(article.body, hint=article.lang)
    return replace(article, lang=lang, keywords=tuple(keywords(article.title + "\n" + article.body, lang)))
