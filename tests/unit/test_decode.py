import codecs

from newsflow.decode import decode_html

KO = "<html><head>{meta}<title>동남일보</title></head><body><p>똠방각하 김뷁 씨가 한국은행 기준금리 동결에 대해 말했다.</p></body></html>"


def test_euc_kr_without_charset_header_or_meta_is_detected_as_cp949():
    body = KO.format(meta="").encode("cp949")
    d = decode_html(body, "text/html")
    assert d.encoding == "cp949" and d.source == "detected"
    assert "똠방각하 김뷁" in d.text


def test_euc_kr_label_in_meta_or_header_decodes_as_cp949():
    body = KO.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">').encode("cp949")
    assert decode_html(body).encoding == "cp949"
    assert decode_html(body).source == "meta"
    d = decode_html(body, "text/html; charset=ks_c_5601-1987")
    assert (d.encoding, d.source) == ("cp949", "http") and "김뷁" in d.text


def test_bom_and_lying_meta():
    assert decode_html(codecs.BOM_UTF8 + "<p>한글</p>".encode()).source == "bom"
    lying = '<meta charset="euc-kr"><p>한글 본문 “따옴표”</p>'.encode("utf-8")
    d = decode_html(lying)
    assert "한글 본문" in d.text and d.encoding == "utf-8"


def test_gb2312_label_decodes_as_gb18030():
    body = '<meta charset="gb2312"><p>中国人民银行 𠀀</p>'.encode("gb18030")
    d = decode_html(body)
    assert d.encoding == "gb18030" and "中国人民银行" in d.text


def test_a_lying_latin1_header_on_a_korean_page_falls_through_to_detection():
    body = ("<html><body>" + "<p>한국은행 금융통화위원회는 기준금리를 동결했다고 밝혔다.</p>" * 10 + "</body></html>").encode("cp949")
    d = decode_html(body, "text/html; charset=iso-8859-1")
    assert d.encoding == "cp949" and d.source == "detected" and "금융통화위원회" in d.text


def test_misdecoded_hangul_signatures():
    from newsflow.decode import misdecoded

    ko = "한국은행 금융통화위원회는 27일 기준금리를 연 3.50%로 동결했다고 밝혔다. 똠방각하 김뷁 씨는 말했다. " * 4
    assert misdecoded(ko) is None
    assert "Latin-1" in misdecoded(ko.encode("cp949").decode("latin-1"))
    assert "U+FFFD" in misdecoded(ko.encode("cp949").decode("utf-8", errors="replace"))
    assert misdecoded("Élève à l'école, où l'on étudie le français et l'économie. " * 10) is None


# -- hostile input ---------------------------------------------------------------------------
def test_strip_tags_is_the_tag_regex_in_linear_time():
    import time

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsflow.decode import _TAG_RE, strip_tags

    atoms = st.sampled_from(["<", ">", "<script", "<SCRIPT>", "</script>", "</ScRiPt>", "<style>", "</style>",
                             "</style", "x", " ", "\u017fcript", "<\u017fcript>", "</\u017fcript>", "/", "<st",
                             "yle>", "</", "script>", "\n", "한"])

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(atoms, max_size=30).map("".join))
    def same(text):
        assert strip_tags(text) == _TAG_RE.sub(" ", text)

    same()
    started = time.perf_counter()
    for text in ("<" * 200_000, "<script>" * 25_000, "<style" * 30_000, "a<" * 100_000):
        strip_tags(text)
    assert time.perf_counter() - started < 2  # the regex took minutes on the first two


def test_python_codecs_that_are_no_web_charset_are_unknown_labels():
    from newsflow.decode import normalize_charset

    for label in ("undefined", "unicode_escape", "raw-unicode-escape", "utf-7", "punycode", "idna", "base64",
                  "rot13", "utf-8\x00", "x" * 300, ""):
        assert normalize_charset(label) is None, label
    assert normalize_charset("euc-kr") == "cp949" and normalize_charset("UTF-8") == "utf-8"


def test_decoded_text_never_holds_a_lone_surrogate():
    from newsflow.decode import scrub_surrogates

    body = b'<meta charset="unicode_escape"><p>\\ud800 +2AA- </p>'
    for ctype in (None, "text/html; charset=raw_unicode_escape", "text/html; charset=utf-7", "text/html; charset=undefined"):
        d = decode_html(body, ctype)
        assert scrub_surrogates(d.text) == d.text and "\\ud800" in d.text
    assert scrub_surrogates("a\ud800b\udfff") == "a\ufffdb\ufffd"
    text = "no surrogate here"
    assert scrub_surrogates(text) is text


def test_utf8_bytes_under_a_legacy_declaration_are_read_as_utf8():
    """A CMS re-encoded its pages to UTF-8 and kept `<meta charset=gb2312>` (or the server still
    sends `charset=gbk`): GB18030 decodes any bytes, so the declaration alone gave mojibake."""
    text = "<p>中国人民银行宣布下调存款准备金率 0.5 个百分点，释放长期资金约一万亿元。</p>"
    for meta, header in (('<meta charset="gb2312">', None), ("", "text/html; charset=gbk"),
                         ('<meta charset="euc-kr">', "text/html; charset=iso-8859-1")):
        d = decode_html((meta + text).encode("utf-8"), header)
        assert d.encoding == "utf-8" and "中国人民银行" in d.text, (meta, header)


def test_legacy_bytes_are_never_valid_utf8_so_their_declarations_still_hold():
    for enc, label, sample in (("gb18030", "gb2312", "中国人民银行宣布下调存款准备金率"),
                               ("cp949", "euc-kr", "한국은행 금융통화위원회는 기준금리를 동결했다"),
                               ("shift_jis", "shift_jis", "日本銀行は金融政策決定会合で"),
                               ("big5", "big5", "中央銀行宣布調降存款準備率"),
                               ("cp1252", "windows-1252", "Café crème, déjà vu à Zürich")):
        body = f'<meta charset="{label}"><p>{sample}</p>'.encode(enc)
        d = decode_html(body)
        assert sample in d.text and d.source == "meta", (enc, d.encoding, d.source)


def test_the_raw_markup_shortcut_never_passes_a_page_the_text_check_would_stop():
    """``_plainly_clean`` skips stripping tags; it must only say "clean" when the text would be."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsflow.decode import _plainly_clean, misdecoded, strip_tags

    # pieces that make each signature, pieces that hide or split it, and tags around them
    parts = st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<style>x</style>", "<b", ">",
                             "\ufffd", "ÇÑ±¹", "Ã©", "뷁똠", "쀍", "한국은행", "가", " ", "abc", "<", "·"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(parts, max_size=300).map("".join))
    def check(markup):
        if _plainly_clean(markup):
            assert misdecoded(strip_tags(markup)) is None

    check()
    assert not _plainly_clean("\ufffd" * 25) and not _plainly_clean("똠방각하 쀍")
