"""文号 parsing, normalisation, search variants and finding them in text."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.docnumber import (
    BRACKETS,
    DocNumber,
    DocNumberError,
    doc_number_variants,
    find_doc_numbers,
    normalise_doc_number,
    parse_doc_number,
)


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the messages' wording from their msgids; the zh_Hans
    catalogue's completeness is checked by gongkai/tests/test_project.py."""
    with translation.override("en"):
        yield


GOVCN = settings.BASE_DIR.parent / "shared" / "data" / "govcn-policy.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "毕人社发〔2019〕12号",
        "毕人社发[2019]12号",
        "毕人社发(2019)12号",
        "毕人社发（2019）12号",
        "毕人社发［2019］12号",
        "毕人社发【2019】12号",
        "毕人社发〈2019〉12号",
        "毕人社发﹝2019﹞12号",
        " 毕人社发 〔 2019 〕 12 号 ",
        "毕人社发\u3000[2019]\u300012号",
        "毕人社发〔２０１９〕１２号",
        "毕人社发〔2019〕012号",
        "毕人社发〔2019〕第12号",
        "毕人社发〔2019〕12",
        "毕人社发〔2019年〕12号",
    ],
)
def test_every_bracket_and_spacing_normalises_to_the_canonical_form(text):
    assert normalise_doc_number(text) == "毕人社发〔2019〕12号"
    assert parse_doc_number(text) == DocNumber("毕人社发", 2019, 12, "号")


def test_canonical_string():
    assert str(DocNumber("毕人社发", 2019, 12)) == "毕人社发〔2019〕12号"
    assert str(DocNumber("国务院令", None, 711)) == "国务院令第711号"


@pytest.mark.parametrize(
    ("text", "prefix", "number"),
    [
        ("国务院令第711号", "国务院令", 711),
        ("国令第707号", "国令", 707),
        (
            "中华人民共和国人力资源和社会保障部令第 40 号",
            "中华人民共和国人力资源和社会保障部令",
            40,
        ),
        ("国务院令711号", "国务院令", 711),
    ],
)
def test_orders_have_no_year(text, prefix, number):
    dn = parse_doc_number(text)
    assert dn == DocNumber(prefix, None, number)
    assert dn.is_order
    assert normalise_doc_number(text) == f"{prefix}第{number}号"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Enter a document number"),
        ("   ", "Enter a document number"),
        ("hello", "is not a document number"),
        ("2019年12号", "is not a document number"),
        ("令第3号", "is not a document number"),
        ("ABC〔2019〕1号", "must be in Chinese"),
        ("毕人社发〔1948〕1号", "the year 1948"),
        ("毕人社发〔19〕1号", "the year 19 "),
        (f"毕人社发〔{date.today().year + 2}〕1号", "is not between 1949"),
        ("毕人社发〔2019〕0号", "serial number"),
        ("毕人社发〔2019〕123456号", "serial number"),
        ("毕人社发〔2019〕", "is not a document number"),
        ("毕人社发2019 12号", "is not a document number"),
    ],
)
def test_nonsense_is_refused_with_a_reason(text, fragment):
    assert parse_doc_number(text) is None
    with pytest.raises(DocNumberError) as info:
        normalise_doc_number(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_next_year_is_still_accepted():
    year = date.today().year + 1
    assert normalise_doc_number(f"毕人社发[{year}]1号") == f"毕人社发〔{year}〕1号"


def test_variants_cover_every_bracket_and_each_parses_back():
    dn = DocNumber("毕人社发", 2019, 12)
    variants = doc_number_variants(dn)
    assert variants[0] == "毕人社发〔2019〕12号"
    assert len(variants) == len(BRACKETS)
    assert {"毕人社发[2019]12号", "毕人社发(2019)12号", "毕人社发（2019）12号"} <= set(variants)
    assert all(parse_doc_number(v) == dn for v in variants)
    assert doc_number_variants("国务院令第711号") == ["国务院令第711号", "国务院令711号"]


def test_find_in_the_first_lines_of_a_word_file():
    text = (
        "毕节市人力资源和社会保障局关于转发《国务院办公厅关于……的通知》的通知\n"
        "毕人社发〔2019〕12号\n"
        "各县（区）人力资源和社会保障局：\n"
        "现将《国务院办公厅关于……的通知》（国办发〔2019〕14号）、"
        "《省人民政府办公厅……》（黔府办函［2019］68号）和"
        "毕府办函(2019)33号文件转发给你们，根据国务院令第711号，"
        "贯彻落实国发〔2019〕5号和国发〔２０１９〕5号精神。2019年12号台风不是文号。"
    )
    assert [str(dn) for dn in find_doc_numbers(text)] == [
        "毕人社发〔2019〕12号",
        "国办发〔2019〕14号",
        "黔府办函〔2019〕68号",
        "毕府办函〔2019〕33号",
        "国务院令第711号",
        "国发〔2019〕5号",
    ]


def test_find_an_order_headed_over_two_lines_keeps_the_full_name():
    text = "中华人民共和国国务院令\n 第707号\n（1994年1月28日中华人民共和国国务院令第142号发布）"
    assert [str(dn) for dn in find_doc_numbers(text)] == [
        "中华人民共和国国务院令第707号",
        "中华人民共和国国务院令第142号",
    ]


def test_find_skips_impossible_numbers_and_empty_text():
    assert find_doc_numbers("") == []
    assert find_doc_numbers("见毕人社发〔1900〕3号与命令第0号") == []


@given(
    prefix=st.text(alphabet="毕人社发国办函黔府省市县区局委厅明电字", min_size=1, max_size=8),
    year=st.integers(1949, date.today().year + 1),
    number=st.integers(1, 99999),
    bracket=st.sampled_from(BRACKETS),
    space=st.sampled_from(["", " ", "\u3000"]),
)
def test_any_well_formed_number_round_trips(prefix, year, number, bracket, space):
    text = f"{prefix}{space}{bracket[0]}{year}{bracket[1]}{space}{number}号"
    canonical = f"{prefix}〔{year}〕{number}号"
    assert normalise_doc_number(text) == canonical
    assert normalise_doc_number(canonical) == canonical
    assert canonical in doc_number_variants(parse_doc_number(text))


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    dn = parse_doc_number(text)
    assert dn is None or normalise_doc_number(str(dn)) == str(dn)
    for found in find_doc_numbers(text):
        assert parse_doc_number(str(found)) == found


def test_every_real_govcn_number_parses_and_normalises_to_itself():
    if not GOVCN.exists():
        pytest.skip(f"{GOVCN} is absent (it ships in ../shared next to the repository)")
    documents = [json.loads(line) for line in GOVCN.read_text(encoding="utf-8").splitlines()]
    numbers = [d["number"] for d in documents if d.get("number")]
    assert len(numbers) >= 50
    for number in numbers:
        assert normalise_doc_number(number) == number, number
    # And each one is found in the opening of its own text. An order is headed
    # 中华人民共和国国务院令 / 第707号 while gov.cn files it as 国令第707号.
    for document in documents:
        if document.get("number") and document.get("text"):
            expected = parse_doc_number(document["number"])
            found = find_doc_numbers(document["text"][:600])
            if expected.is_order:
                assert any(f.is_order and f.number == expected.number for f in found)
            else:
                assert expected in found, document["number"]
