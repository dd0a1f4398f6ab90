"""The term rules: a query word's phrase matches exactly where it is a substring."""

import gzip
import json
import random
import re
from pathlib import Path

import pytest

from gongkai.search.text import MAX_QUERY_CHARS, parse_query, phrase, terms

# The repository's own copy of ../shared/data/govcn-policy.jsonl (CI has no ../shared).
DATA = Path(__file__).resolve().parents[2] / "catalog" / "demo_data" / "govcn-policy.jsonl.gz"


def phrase_found(word: str, text: str) -> bool:
    """Does the phrase of `word` occur in the terms of `text` (what the index answers)?"""
    p = phrase(word)
    haystack = terms(text)
    n = len(p.terms)
    for start in range(len(haystack) - n + 1):
        window = haystack[start : start + n]
        if window[:-1] == list(p.terms[:-1]) and (
            window[-1].startswith(p.terms[-1]) if p.prefix else window[-1] == p.terms[-1]
        ):
            return True
    return False


def test_terms_are_bigrams_with_a_tail_and_whole_latin_words():
    assert terms("社会保险") == ["社会", "会保", "保险", "险"]
    assert terms("险") == ["险"]
    assert terms("２０１９年PDF文件") == ["2019", "年", "pdf", "文件", "件"]
    assert terms("，。！？") == []


def test_query_words_become_phrases_and_operators_are_plain_text():
    parsed = parse_query('社会保险  "OR" 险 -就业 NEAR( 国发〔2018〕39号 😀 ***')
    assert [(p.terms, p.prefix) for p in parsed.phrases] == [
        (("社会", "会保", "保险"), False),
        (("or",), False),
        (("险",), True),
        (("就业",), False),
        (("near",), False),
        (("国发", "发", "2018", "39", "号"), True),
    ]


@pytest.mark.parametrize("query", ["", "   ", "😀", "，。", '"*"', "-", "^:()"])
def test_queries_without_letters_or_digits_have_no_phrases(query):
    assert not parse_query(query)


def test_long_queries_are_cut():
    parsed = parse_query("就业" * 500)
    assert len(parsed.text) == MAX_QUERY_CHARS


def test_every_cjk_substring_of_real_text_is_found_and_nothing_else():
    """Substring-exact on real text: every substring is found, non-substrings are not."""
    rng = random.Random(20261128)
    lines = gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines()
    docs = [json.loads(line)["text"] for line in lines[:8]]
    checked = 0
    for text in docs:
        cjk_runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
        for _ in range(60):
            run = rng.choice(cjk_runs)
            start = rng.randrange(len(run))
            word = run[start : start + rng.randint(1, 6)]
            assert phrase_found(word, text), word
            checked += 1
        # Shuffled words mostly do not occur; whenever one is found it must be a substring.
        for _ in range(60):
            source = rng.choice(cjk_runs)
            word = "".join(rng.sample(source, k=min(3, len(source))))
            assert phrase_found(word, text) == (word in text), word
    assert checked == 480


def test_ling_is_a_chinese_character():
    assert terms("二〇二六年") == ["二〇", "〇二", "二六", "六年", "年"]
    assert parse_query("〇二六").phrases[0].terms == ("〇二", "二六")
