"""Realistic raw news pages from the synthetic articles of ``synth_news`` (stdlib only).

    from synth_pages import SOURCES, pages
    for row in pages(1000, day="2024-06-27"):   # raw_pages rows: url, source, body (bytes), headers...
        ...

Each of the ten sources (``SOURCES``) has its own page template, the way real Korean,
English, Japanese, Chinese and Vietnamese news CMSs serve them: a header with a large menu,
inline scripts and styles, a "most read" sidebar and a related-articles box full of other
headlines, a footer, JSON-LD NewsArticle and OpenGraph tags, a byline and a copyright line.
Two sources put the body in table layouts and serve EUC-KR (CP949) without a charset header,
one renders from a ``__NEXT_DATA__`` payload, one splits the body around an ad. Pages weigh
50-80 KB, like real article pages. Syndicated copies (the generator's exact copies, light
edits, lead-only and doubled variants) land on other sources, so dedupe has real work.

Every article is dated on ``day`` (its time of day from the generator), so a replay of that
date sees all of them; the stream is deterministic: ``pages(n)`` is the first n of ``pages(m)``.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_news import _Stream  # noqa: E402

# name, host, language, template, encoding
SOURCES = [
    ("sn-hanul", "www.hanul.example", "ko", "modern", "utf-8"),
    ("sn-gaon", "news.gaon.example", "ko", "table", "cp949"),
    ("sn-nuri", "www.nuri.example", "ko", "next", "utf-8"),
    ("sn-dasol", "www.dasol.example", "ko", "split", "utf-8"),
    ("sn-orum", "biz.orum.example", "ko", "table", "cp949"),
    ("sn-harbor", "www.harbor.example", "en", "modern", "utf-8"),
    ("sn-ledger", "www.ledger.example", "en", "split", "utf-8"),
    ("sn-aoba", "www.aoba.example", "ja", "modern", "utf-8"),
    ("sn-nanling", "www.nanling.example", "zh", "modern", "utf-8"),
    ("sn-songhong", "www.songhong.example", "vi", "modern", "utf-8"),
]
_BY_LANG: dict[str, list[int]] = {}
for _i, (_n, _h, _l, _t, _e) in enumerate(SOURCES):
    _BY_LANG.setdefault(_l, []).append(_i)

_MENU = {"ko": "정치 경제 사회 국제 산업 금융 증권 부동산 IT 과학 문화 스포츠 오피니언 포토 영상 기획 연재 인물 지역 경제일반".split(),
         "en": "Politics Economy Business Markets Tech Science World Opinion Photos Video Features People Regions".split(),
         "ja": "政治 経済 社会 国際 産業 金融 株式 不動産 テクノロジー 文化 スポーツ オピニオン 写真 動画".split(),
         "zh": "政治 经济 社会 国际 产业 金融 证券 房产 科技 文化 体育 评论 图片 视频".split(),
         "vi": "Chính trị|Kinh tế|Xã hội|Thế giới|Doanh nghiệp|Tài chính|Chứng khoán|Bất động sản|Công nghệ|Văn hóa".split("|")}
_COPY = {"ko": "ⓒ {site} 무단전재 및 재배포 금지", "en": "© 2024 {site}. All rights reserved.",
         "ja": "Copyright © {site} 無断転載を禁じます", "zh": "版权所有 © {site} 未经授权不得转载",
         "vi": "Bản quyền thuộc về {site}. Cấm sao chép dưới mọi hình thức."}
_BYLINE = {"ko": "{name} 기자 reporter{n}@{host}", "en": "By Jordan Lee", "ja": "（記者：山田太郎）",
           "zh": "（责任编辑：李明）", "vi": "Ảnh: Minh Anh"}
_RELATED = {"ko": "관련기사", "en": "Related articles", "ja": "関連記事", "zh": "相关阅读", "vi": "Tin liên quan"}
_POPULAR = {"ko": "많이 본 뉴스", "en": "Most read", "ja": "アクセスランキング", "zh": "热门新闻", "vi": "Đọc nhiều nhất"}
_JS = ("(function(w,d){var q=w.__q||[];function t(e,p){q.push({e:e,p:p,ts:Date.now()});if(q.length>20){"
       "var x=new XMLHttpRequest();x.open('POST','/collect');x.send(JSON.stringify(q.splice(0)));}}"
       "d.addEventListener('click',function(ev){var a=ev.target.closest('a');if(a)t('click',{href:a.href});});"
       "w.addEventListener('scroll',function(){t('scroll',{y:w.scrollY});},{passive:true});"
       "w.__track=t;})(window,document);\n")
_CSS = (".gnb{display:flex;gap:12px;font-size:15px}.gnb a{color:#222;text-decoration:none}.side .rank li{"
        "margin:4px 0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.art-body p{line-height:1.8;"
        "margin:0 0 18px}.footer{background:#f4f4f4;padding:24px;font-size:12px;color:#666}\n")


def _h(s: str) -> str:
    return html.escape(s, quote=True)


def _headlines(pool: list[str], rnd: random.Random, k: int) -> list[str]:
    return [rnd.choice(pool) for _ in range(k)] if pool else ["" for _ in range(k)]


def _page(rec: dict, src: tuple, serial: int, pool: list[str], rnd: random.Random) -> str:
    name, host, lang, tmpl, enc = src
    site = name.split("-", 1)[1].title() + {"ko": "경제", "en": " Daily", "ja": "新聞", "zh": "商报", "vi": " Báo"}[lang]
    paras = rec["body"].split("\n")
    menu = "".join(f'<li><a href="/section/{i}">{_h(m)}</a></li>' for i, m in enumerate(_MENU[lang] * 10))
    popular = "".join(f'<li><span class="num">{i + 1}</span><a href="/view/{rnd.randrange(10**8)}">{_h(t)}</a></li>'
                      for i, t in enumerate(_headlines(pool, rnd, 60)))
    related = "".join(f'<li><a href="/view/{rnd.randrange(10**8)}">{_h(t)}</a><span class="date">2024-06-2{i % 8}'
                      f"</span></li>" for i, t in enumerate(_headlines(pool, rnd, 20)))
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": rec["title"],
          "datePublished": rec["published"], "inLanguage": lang, "author": {"@type": "Person", "name": "Reporter"},
          "publisher": {"@type": "Organization", "name": site}}
    byline = _BYLINE[lang].format(name="김민수", n=serial % 97, host=host)
    copy = _COPY[lang].format(site=site)
    body_html = "".join(f"<p>{_h(p)}</p>" for p in paras)
    if tmpl == "split":
        half = max(1, len(paras) // 2)
        body_html = ("".join(f"<p>{_h(p)}</p>" for p in paras[:half]) +
                     '<div class="ad-inline"><ins class="adsbygoogle" data-ad-slot="123"></ins></div>' +
                     "".join(f"<p>{_h(p)}</p>" for p in paras[half:]))
    if tmpl == "table":
        body_html = "<br><br>".join(_h(p) for p in paras)
        article = (f'<table width="100%"><tr><td class="view_t">{_h(rec["title"])}</td></tr>'
                   f'<tr><td class="view_d">입력 {rec["published"][:10].replace("-", ".")} {rec["published"][11:16]}</td></tr>'
                   f'<tr><td id="articleBody" class="view_r">{body_html}<br><br>{_h(byline)}<br>{_h(copy)}</td></tr></table>')
    else:
        article = (f'<article class="art"><header><h1 class="headline">{_h(rec["title"])}</h1>'
                   f'<div class="info"><time datetime="{rec["published"]}">{rec["published"][:16]}</time>'
                   f'<span class="byline">{_h(byline)}</span></div></header>'
                   f'<div class="art-body" itemprop="articleBody">{body_html}<p class="copy">{_h(copy)}</p></div>'
                   f'<div class="share"><a href="#">facebook</a><a href="#">twitter</a><a href="#">kakao</a></div></article>')
    next_data = ""
    if tmpl == "next":
        payload = {"props": {"pageProps": {"article": {"title": rec["title"], "content": rec["body"],
                                                       "publishedAt": rec["published"]}}}}
        next_data = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(payload, ensure_ascii=False)}</script>'
    scripts = "".join(f"<script>{_JS}var cfg{i}={{slot:{i},lazy:true}};</script>" for i in range(30 + serial % 24))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{enc if enc != "cp949" else "euc-kr"}">'
            if enc != "cp949" or serial % 2 else f'<!DOCTYPE html><html lang="{lang}"><head>') + (
        f'<title>{_h(rec["title"])} | {_h(site)}</title>'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{_h(rec["title"])}">'
        f'<meta property="og:site_name" content="{_h(site)}">'
        f'<meta property="article:published_time" content="{rec["published"]}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f"<style>{_CSS * (18 + serial % 12)}</style>{scripts}</head><body>"
        f'<div id="wrap"><header class="gnb-wrap"><div class="logo"><a href="/">{_h(site)}</a></div>'
        f'<nav class="gnb"><ul>{menu}</ul></nav></header>'
        f'<div id="container"><div class="content">{article}'
        f'<div class="related"><h3>{_RELATED[lang]}</h3><ul>{related}</ul></div></div>'
        f'<aside class="side"><h3>{_POPULAR[lang]}</h3><ol class="rank">{popular}</ol>'
        f'<h3>{_POPULAR[lang]} 2</h3><ol class="rank">{popular}</ol></aside></div>'
        f'<footer class="footer"><ul>{menu}</ul><p>{_h(site)} · {host} · Tel 02-000-0000</p><p>{_h(copy)}</p></footer>'
        f"</div>{next_data}</body></html>")


def pages(n: int, day: str = "2024-06-27", seed: int = 0, offset: int = 0):
    """raw_pages rows (url, kind, final_url, source, status, headers, body, fetched_at) for ``n``
    articles all dated ``day``; ``offset`` skips that many articles of the stream first (so
    nights of one lake get different stories)."""
    stream = _Stream(seed)
    rnd = random.Random(seed + 17)
    pool: list[str] = []
    fetched = datetime.fromisoformat(f"{day}T18:00:00+00:00")
    made = 0
    for i, (rec, _gold) in enumerate(stream):
        if i < offset:
            continue
        if made >= n:
            break
        lang_sources = _BY_LANG.get(rec["lang"], _BY_LANG["en"])
        outlet_hash = int(hashlib.md5(rec["source"].encode()).hexdigest(), 16)
        src = SOURCES[lang_sources[outlet_hash % len(lang_sources)]]
        rec = {**rec, "published": day + rec["published"][10:]}
        page = _page(rec, src, i, pool, rnd)
        pool.append(rec["title"])
        if len(pool) > 500:
            pool.pop(0)
        enc = src[4]
        body = page.encode(enc, errors="xmlcharrefreplace")
        path = rec["url"].split("/", 3)[3] if rec["url"].count("/") >= 3 else str(i)
        url = f"https://{src[1]}/{path}"
        ctype = "text/html" if enc == "cp949" else "text/html; charset=utf-8"
        made += 1
        yield {"url": url, "kind": "page", "final_url": url, "source": src[0], "status": 200,
               "headers": json.dumps({"content-type": ctype}), "body": body, "fetched_at": fetched,
               "etag": None, "last_modified": None}


def sources_yaml() -> str:
    """A sources file naming the ten sources (for replays: no feed is ever fetched)."""
    out = ["sources:"]
    for name, host, lang, _t, _e in SOURCES:
        tz = {"ko": "Asia/Seoul", "en": "Asia/Seoul", "ja": "Asia/Tokyo", "zh": "Asia/Shanghai",
              "vi": "Asia/Ho_Chi_Minh"}[lang]
        out += [f"  - name: {name}", f"    lang: {lang}", f"    timezone: {tz}", "    max_articles: 1000000",
                "    feeds:", f'      - {{type: rss, url: "https://{host}/rss"}}']
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sizes = [len(p["body"]) for p in pages(int(sys.argv[1]) if len(sys.argv) > 1 else 200)]
    print(f"{len(sizes)} pages, {min(sizes)}..{max(sizes)} bytes, mean {sum(sizes) / len(sizes):.0f}")
