"""Personal data in HTML: numbers split by inline tags, in attributes and in comments."""

import random
import re

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gongkai.core.pii import FindingKind, mask_html, scan_html
from gongkai.core.pii.htmltext import INLINE_TAGS
from gongkai.core.tests import pii_corpus as corpus

ID = "11010119900307002X"
MOBILE = "13812341234"
MASKED_ID = "110101********002X"
MASKED_MOBILE = "138****1234"
TAG = re.compile(r"<[^>]*>")


def _found(html: str) -> list[tuple[FindingKind, str]]:
    return [(f.kind, f.normalised) for f in scan_html(html)]


@pytest.mark.parametrize(
    "tag", ["span", "b", "i", "em", "strong", "u", "font", "a", "sub", "sup", "s", "small"]
)
def test_a_number_split_by_an_inline_tag_is_one_number(tag):
    html = f"<p>电话：138<{tag} class='x'>1234</{tag}>1234。</p>"
    assert _found(html) == [(FindingKind.MOBILE, MOBILE)]
    masked, findings = mask_html(html)
    assert masked == f"<p>电话：{MASKED_MOBILE}<{tag} class='x'></{tag}>。</p>"
    assert findings[0].matched == f"138<{tag} class='x'>1234</{tag}>1234"
    assert scan_html(masked) == []


@pytest.mark.parametrize(
    "html",
    [
        "<p>138</p><p>12341234</p>",
        "<div>138</div>12341234",
        "<p>138<br>1234 1234</p>",
        "<p>138<br/>12341234</p>",
        "<table><tr><td>138</td><td>1234 1234</td></tr></table>",
        "<ul><li>138</li><li>12341234</li></ul>",
        "<p>138<img src='a.png'>12341234</p>",
        "<h1>138</h1>12341234",
    ],
)
def test_block_boundaries_split_numbers(html):
    assert scan_html(html) == []
    assert mask_html(html) == (html, [])


def test_numbers_split_over_many_tags_entities_and_lines():
    html = (
        "<p>证件<b>1101</b><i>01</i>&#49;99003<span><em>07</em></span>\n  002X"
        "，手机 <a href='#'>138</a>&nbsp;<!-- x -->1234 1234</p>"
    )
    assert _found(html) == [(FindingKind.RESIDENT_ID, ID), (FindingKind.MOBILE, MOBILE)]
    masked, _findings = mask_html(html)
    assert masked == (
        f"<p>证件<b>{MASKED_ID}</b><i></i><span><em></em></span>"
        f"，手机 <a href='#'>{MASKED_MOBILE}</a><!-- x --></p>"
    )
    assert scan_html(masked) == []


@pytest.mark.parametrize(
    "attribute", ["title", "alt", "href", "src", "value", "content", "data-phone", "placeholder"]
)
def test_numbers_in_attributes_are_found_and_masked(attribute):
    html = f'<p><input {attribute}="联系 {MOBILE}" class="a">x</p>'
    assert _found(html) == [(FindingKind.MOBILE, MOBILE)]
    masked, _findings = mask_html(html)
    assert masked == f'<p><input {attribute}="联系 {MASKED_MOBILE}" class="a">x</p>'


@pytest.mark.parametrize("attribute", ["class", "id", "style", "width", "name"])
def test_other_attributes_are_not_read(attribute):
    html = f'<p {attribute}="{MOBILE}">x</p>'
    assert scan_html(html) == []


def test_unquoted_and_single_quoted_attributes_and_entities():
    html = f"<img alt={MOBILE} title='{ID[:6]}&#32;{ID[6:]}' data-x=\"{MOBILE}&amp;\">"
    masked, findings = mask_html(html)
    assert len(findings) == 3
    assert masked == (
        f"<img alt={MASKED_MOBILE} title='{MASKED_ID}' data-x=\"{MASKED_MOBILE}&amp;\">"
    )


def test_comments_are_read_and_scripts_are_not():
    html = f"<!-- 联系人 {MOBILE} --><script>var t = '{MOBILE}';</script><style>/*{ID}*/</style>"
    masked, findings = mask_html(html)
    assert [f.normalised for f in findings] == [MOBILE]
    assert masked == (
        f"<!-- 联系人 {MASKED_MOBILE} --><script>var t = '{MOBILE}';</script><style>/*{ID}*/</style>"
    )


def test_mask_html_can_mask_some_findings_only():
    html = f"<p>{MOBILE}，{ID}</p><img alt='{MOBILE}'>"
    masked, findings = mask_html(html, only=lambda f: f.kind == FindingKind.RESIDENT_ID)
    assert [f.normalised for f in findings] == [ID]
    assert masked == f"<p>{MOBILE}，{MASKED_ID}</p><img alt='{MOBILE}'>"


def test_near_misses_in_html_are_not_flagged():
    for html in corpus.HTML_NEAR_MISSES:
        assert scan_html(html) == [], html


# Property: masking never breaks the markup ---------------------------------------------

_inline = st.sampled_from(sorted(INLINE_TAGS - {"wbr"}))
_text = st.text(alphabet="的一是在了人有我，。：ab ", max_size=5)


@st.composite
def split_numbers(draw):
    """HTML with a valid number split into pieces, each maybe wrapped in inline tags."""
    kind = draw(st.sampled_from(list(FindingKind)))
    item = corpus.plant(random.Random(draw(st.integers(0, 10**6))), kind, "plain")
    number = item.written
    cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=4)))
    pieces = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    parts = []
    for piece in pieces:
        if draw(st.booleans()):
            tag = draw(_inline)
            attribute = draw(st.sampled_from(["", ' class="c"', " style='color:red'"]))
            piece = f"<{tag}{attribute}>{piece}</{tag}>"
        parts.append(piece)
    block = draw(st.sampled_from(["p", "div", "td", "li"]))
    before, after = draw(_text), draw(_text)
    html = f"<{block}>{before}：{''.join(parts)}。{after}</{block}><p>0857-8221234</p>"
    return html, item


@hypothesis_settings(max_examples=200, deadline=None)
@given(split_numbers())
def test_masking_split_numbers_keeps_every_tag_and_the_text_around(case):
    html, item = case
    assert _found(html) == [(item.kind, item.normalised)]
    masked, findings = mask_html(html)
    assert TAG.findall(masked) == TAG.findall(html)
    assert scan_html(masked) == []
    finding = findings[0]
    # Outside the finding's span the HTML is byte for byte the same.
    assert masked.startswith(html[: finding.start])
    assert masked.endswith(html[finding.end :])
    assert TAG.sub("", masked) == TAG.sub("", html).replace(item.written, finding.masked)
