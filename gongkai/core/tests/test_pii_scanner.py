"""The personal-data scanner on text and HTML (REGULATIONS.md §5)."""

import random
import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gongkai.core.pii import FindingKind, mask_html, mask_text, mask_value, scan_html, scan_text
from gongkai.core.pii.scanner import _id_shaped, credit_code_valid, id_check_digit, luhn_valid
from gongkai.core.tests import pii_corpus as corpus

ID = "11010119900307002X"
assert id_check_digit(ID[:17]) == "X"
MOBILE = "13812341234"
CARD = corpus.luhn_complete("622202123456789012")


def only(text: str):
    findings = scan_text(text)
    assert len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize("seed", range(5))
def test_every_planted_form_is_found_once_with_offsets_into_the_original(seed):
    for item in corpus.positives(random.Random(seed)):
        text = corpus.sentence(item)
        finding = only(text)
        assert (finding.kind, finding.normalised) == (item.kind, item.normalised), item
        assert finding.matched == item.written.lstrip("+")  # the + is not part of the number
        assert text[finding.start : finding.end] == finding.matched


def test_hard_negatives_are_not_flagged_alone_or_together():
    negatives = corpus.hard_negatives(random.Random(corpus.SEED), count=40)
    for negative in negatives:
        assert scan_text(negative) == [], negative
    assert scan_text("，".join(negatives)) == []
    assert scan_text("\n".join(negatives)) == []


@pytest.mark.parametrize(
    "text",
    [
        "毕人社发〔2019〕12号",
        "国办发〔2019〕14号",
        "2019年5月24日",
        "20190524",
        "12345678.90元",
        "1,234,567元",
        "MB1C12345/2019-00012",
        "0857-8221234",
        "(0857)8221234",
        "邮编 551700",
        "91520500MA6DXXXX0X",
        "统一社会信用代码：91520502MA6DXXXX0X。",
        ID[:17] + "1",  # wrong check digit
        "110101199002301234",  # 30 February
        ID + "1",  # part of a 19-digit run
        "1" + ID,
        "1" + MOBILE,
        MOBILE + "0",
        "金额 13812341234.50 元",
        "２０１９年５月２４日",
    ],
)
def test_ordinary_numbers_are_not_personal_data(text):
    assert scan_text(text) == []


def test_credit_codes_and_invalid_ids_are_not_taken_for_cards():
    rng = random.Random(1)
    for _ in range(300):
        code = corpus.credit_code(rng, digits_only=True)
        assert scan_text(code) == [], code
        valid = corpus.resident_id(rng)
        for wrong in "0123456789X":
            if wrong != valid[-1]:
                assert scan_text(valid[:17] + wrong) == []


@pytest.mark.parametrize(
    ("text", "kind", "normalised"),
    [
        (f"https://www.example.gov.cn/files/{ID}.pdf", FindingKind.RESIDENT_ID, ID),
        (f"/view?sfzh={ID.lower()}&page=2", FindingKind.RESIDENT_ID, ID),
        (f"姓名张三身份证{ID}号", FindingKind.RESIDENT_ID, ID),
        ("110101 19900307 002X", FindingKind.RESIDENT_ID, ID),
        ("１１０１０１１９９００３０７００２Ｘ", FindingKind.RESIDENT_ID, ID),
        ("520502850307123", FindingKind.RESIDENT_ID, "520502850307123"),
        ("电话：138 1234 1234", FindingKind.MOBILE, MOBILE),
        ("电话：138-1234-1234", FindingKind.MOBILE, MOBILE),
        ("电话：138–1234–1234", FindingKind.MOBILE, MOBILE),
        ("电话：１３８　１２３４　１２３４", FindingKind.MOBILE, MOBILE),
        ("Tel:+8613812341234", FindingKind.MOBILE, "86" + MOBILE),
        ("Tel13812341234", FindingKind.MOBILE, MOBILE),
        (f"No.{CARD}", FindingKind.BANK_CARD, CARD),
        (
            f"卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}",
            FindingKind.BANK_CARD,
            CARD,
        ),
        (f"卡号{CARD}。", FindingKind.BANK_CARD, CARD),
    ],
)
def test_written_forms(text, kind, normalised):
    finding = only(text)
    assert (finding.kind, finding.normalised) == (kind, normalised)
    assert text[finding.start : finding.end] == finding.matched


@pytest.mark.parametrize(
    "text",
    [
        "电话151.2702.3097。",
        "电话：１５１．２７０２．３０９７",
        "151 270 23097",
        "手机 １５１　２７０　２３０９７ 张三",
        "No. 10 151 270 23097 checked",
        "Tel:151.2702.3097,",
    ],
)
def test_mobiles_written_with_dots_or_in_three_three_five(text):
    finding = only(text)
    assert (finding.kind, finding.normalised) == (FindingKind.MOBILE, "15127023097")
    assert mask_text(text, [finding]).count("151****3097") == 1


@pytest.mark.parametrize(
    "text",
    [
        "151.27",
        "192.168.100.123",
        "IP 10.151.2702.3097",
        "151.2702.3097.1",
        "151.2702.30971",
        "138.12345678",
        "1381234.5678",
        "1.5127023097E10",
        "2019.05.24",
        "２０１９．０５．２４",
        "0857.822.1234",
        "151-270-23097",
        "151 270 23097 8",
        "151 270 2309",
        "151.2702 3097",
        "151．2702.3097.0",
        "110101.19900307.002X",  # dots only ever join a mobile
        f"{CARD[:4]}.{CARD[4:8]}.{CARD[8:12]}.{CARD[12:16]}.{CARD[16:]}",
    ],
)
def test_dots_and_three_three_five_near_misses(text):
    assert scan_text(text) == []


def test_numbers_side_by_side_are_found_separately():
    text = f"1 {MOBILE} 2 {ID}，{MOBILE}、13912345678"
    assert [f.kind for f in scan_text(text)] == [
        FindingKind.MOBILE,
        FindingKind.RESIDENT_ID,
        FindingKind.MOBILE,
        FindingKind.MOBILE,
    ]


def test_default_masks_follow_the_regulations():
    assert mask_value(FindingKind.RESIDENT_ID, ID) == "110101********002X"
    assert mask_value(FindingKind.MOBILE, MOBILE) == "138****1234"
    assert mask_value(FindingKind.BANK_CARD, "6222021234561234") == "************1234"
    assert mask_value(FindingKind.BANK_CARD, CARD) == "*" * 15 + CARD[-4:]
    assert mask_value(FindingKind.MOBILE, "86" + MOBILE) == "86138****1234"


def test_masks_can_be_changed_in_settings(settings):
    settings.PII_MASK_RULES = {"mobile": {"keep_start": 0, "keep_end": 2}}
    assert mask_value(FindingKind.MOBILE, MOBILE) == "*********34"
    assert mask_value(FindingKind.RESIDENT_ID, ID) == "110101********002X"


def test_mask_text_replaces_whole_spans_and_only_the_chosen_ones():
    text = f"甲 138-1234-1234，乙 110101 19900307 002X，丙 {CARD}。"
    assert mask_text(text) == (f"甲 138****1234，乙 110101********002X，丙 {'*' * 15}{CARD[-4:]}。")
    findings = scan_text(text)
    assert mask_text(text, findings, only={1}) == (
        f"甲 138-1234-1234，乙 110101********002X，丙 {CARD}。"
    )
    with pytest.raises(ValueError):
        mask_text("别的文字" + text, findings)


def test_context_never_shows_a_raw_number():
    text = f"{MOBILE}{'、'}{ID}、{CARD}"
    findings = scan_text(text)
    assert len(findings) == 3
    for finding in findings:
        assert not re.search(r"\d{7}", finding.context), finding.context
        assert all(f.normalised not in finding.context for f in findings)


def test_mask_html_masks_text_attributes_and_comments_but_not_scripts():
    source = (
        '<div class="x" id="13812341234" data-id="13812341234">'
        f'<p title="{ID}">手机&nbsp;138&nbsp;1234&nbsp;1234，证件 {ID}</p>'
        f"<a HREF='/files/{ID}.pdf'>下载</a><!-- {MOBILE} -->"
        f"<script>var phone = '{MOBILE}';</script><p>2019年5月24日</p></div>"
    )
    masked, findings = mask_html(source)
    assert [f.kind for f in findings] == [
        FindingKind.MOBILE,
        FindingKind.RESIDENT_ID,
        FindingKind.MOBILE,
        FindingKind.RESIDENT_ID,
        FindingKind.RESIDENT_ID,
        FindingKind.MOBILE,
    ]
    assert findings[2].matched == "138&nbsp;1234&nbsp;1234"
    assert masked == (
        '<div class="x" id="13812341234" data-id="138****1234">'
        '<p title="110101********002X">手机&nbsp;138****1234，证件 110101********002X</p>'
        "<a HREF='/files/110101********002X.pdf'>下载</a><!-- 138****1234 -->"
        f"<script>var phone = '{MOBILE}';</script><p>2019年5月24日</p></div>"
    )
    assert scan_html(masked) == []


def test_mask_html_leaves_clean_html_byte_for_byte():
    source = (
        '<p class="a">文号：毕人社发〔2019〕12号 &amp; 2019-05-24 <br/>< 3 <img src="x.png"></p>'
    )
    assert mask_html(source) == (source, [])


# Property tests ------------------------------------------------------------------------

_words = st.text(
    alphabet=st.sampled_from(
        "的一是在了人有我他这个们中来上大为和国地到以说时要就出也得里后自之年着发会等：，。abcXY/?=&"
    ),
    max_size=8,
)
_born = st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@st.composite
def resident_ids(draw) -> str:
    first17 = f"{draw(st.sampled_from(corpus.REGIONS))}{draw(_born):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_digit(first17)


@st.composite
def cards(draw) -> str:
    length = draw(st.integers(16, 19))
    partial = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    card = corpus.luhn_complete(partial)
    # An 18-digit card laid out like an ID (region, then 19xx) is left to the ID rules.
    # and so is one that is also a valid 统一社会信用代码.
    assume(not (length == 18 and (_id_shaped(card) or credit_code_valid(card))))
    return card


def _ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _surrounded(draw, text: str, *, apart_from_letters: bool = False) -> str:
    before, after = draw(_words), draw(_words)
    # Keep an X from a word glued to the number's end out of the test; a card must not
    # touch letters at all.
    assume(not _ascii_letter(after[:1]))
    assume(not apart_from_letters or not _ascii_letter(before[-1:]))
    return before + text + after


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.data(), resident_ids(), st.sampled_from(corpus.STYLES))
def test_every_valid_id_in_any_style_is_found_exactly_once(data, number, style):
    written = corpus.written(number, FindingKind.RESIDENT_ID, style)
    text = _surrounded(data.draw, written)
    findings = scan_text(text)
    assert [(f.kind, f.normalised) for f in findings] == [(FindingKind.RESIDENT_ID, number)]
    masked = mask_text(text, findings)
    assert findings[0].masked[6:-4] == "*" * 8
    assert number[6:14] not in masked.translate(corpus._FULLWIDTH)
    assert scan_text(masked) == []
    assert mask_text(masked) == masked


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.data(), cards(), st.sampled_from(corpus.STYLES))
def test_every_valid_card_in_any_style_is_found_exactly_once(data, number, style):
    written = corpus.written(number, FindingKind.BANK_CARD, style)
    text = _surrounded(data.draw, written, apart_from_letters=True)
    findings = scan_text(text)
    assert [(f.kind, f.normalised) for f in findings] == [(FindingKind.BANK_CARD, number)]
    assert set(findings[0].masked[:-4]) == {"*"}
    masked = mask_text(text, findings)
    assert scan_text(masked) == []


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.data(),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(corpus.STYLES + corpus.MOBILE_STYLES),
)
def test_every_mobile_in_any_style_is_found_exactly_once(data, number, style):
    text = _surrounded(data.draw, corpus.written(number, FindingKind.MOBILE, style))
    findings = scan_text(text)
    assert [(f.kind, f.normalised) for f in findings] == [(FindingKind.MOBILE, number)]
    assert findings[0].masked == number[:3] + "****" + number[-4:]
    assert scan_text(mask_text(text, findings)) == []


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -年月日号元.,", max_size=40))
def test_findings_always_satisfy_their_own_checks(text):
    for finding in scan_text(text):
        assert text[finding.start : finding.end] == finding.matched
        digits = finding.normalised
        if finding.kind == FindingKind.BANK_CARD:
            assert 16 <= len(digits) <= 19 and luhn_valid(digits)
        elif finding.kind == FindingKind.RESIDENT_ID and len(digits) == 18:
            assert id_check_digit(digits[:17]) == digits[17]
        before = text[finding.start - 1 : finding.start]
        after = text[finding.end : finding.end + 1]
        assert not before.isdigit() and not after.isdigit()
