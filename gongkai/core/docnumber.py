"""Document numbers (发文字号, 文号) such as 毕人社发〔2019〕12号 and 国务院令第711号.

GB/T 9704-2012 §7.2.4 writes the year of a 文号 in hexagonal brackets 〔〕 and the serial
number without leading zeros and without 第. People type [2019], (2019), （2019）, 【2019】 and
so on, so parsing accepts every bracket and the canonical form is what we store and display.
Orders (令) carry no year: 国务院令第711号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

__all__ = [
    "BRACKETS",
    "DocNumber",
    "DocNumberError",
    "doc_number_variants",
    "find_doc_numbers",
    "normalise_doc_number",
    "parse_doc_number",
]

# (open, close) pairs; the first one is canonical (GB/T 9704-2012).
BRACKETS: tuple[tuple[str, str], ...] = (
    ("〔", "〕"),
    ("[", "]"),
    ("(", ")"),
    ("（", "）"),
    ("［", "］"),
    ("【", "】"),
    ("〈", "〉"),
)
_EXTRA_BRACKETS = (("﹝", "﹞"), ("<", ">"), ("《", "》"), ("〖", "〗"), ("｛", "｝"))
_OPEN = "".join(re.escape(o) for o, _c in BRACKETS + _EXTRA_BRACKETS)
_CLOSE = "".join(re.escape(c) for _o, c in BRACKETS + _EXTRA_BRACKETS)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SPACE = r"[ \t\u00a0\u3000]*"
MAX_NUMBER = 99999
FIRST_YEAR = 1949

# Whole-string forms, used by parse/normalise. The prefix may hold any non-space characters
# here; _check() then insists on CJK so that "ABC〔2019〕1号" is refused with a reason.
_YEAR_FULL = re.compile(
    rf"^(?P<prefix>[^\s{_OPEN}{_CLOSE}\d]+?){_SPACE}[{_OPEN}]{_SPACE}(?P<year>\d{{1,4}}){_SPACE}"
    rf"年?{_SPACE}[{_CLOSE}]{_SPACE}第?{_SPACE}(?P<number>\d+){_SPACE}(?P<suffix>[号號]?)$"
)
_ORDER_FULL = re.compile(
    rf"^(?P<prefix>[^\s{_OPEN}{_CLOSE}\d]*令){_SPACE}第?{_SPACE}(?P<number>\d+){_SPACE}"
    rf"(?P<suffix>[号號]?)$"
)

# Forms inside running text: the prefix is a run of CJK characters and 号 is required.
_YEAR_IN_TEXT = re.compile(
    rf"(?P<prefix>[{_CJK}]{{1,24}}){_SPACE}[{_OPEN}]{_SPACE}(?P<year>\d{{4}}){_SPACE}"
    rf"[{_CLOSE}]{_SPACE}第?{_SPACE}(?P<number>\d{{1,5}}){_SPACE}(?P<suffix>[号號])"
)
_ORDER_IN_TEXT = re.compile(
    rf"(?P<prefix>[{_CJK}]{{0,23}}令)\s*第{_SPACE}(?P<number>\d{{1,5}}){_SPACE}"
    rf"(?P<suffix>[号號])"
)
# In running text the CJK run before a 文号 often starts with words that are not part of it
# (根据国办发〔2019〕14号, 按照…, 和国发…). We cut after these characters ...
_CUT_AFTER = set("的和及与或见、号于据照是为按")
# ... and then strip these leading words.
_LEAD_WORDS = (
    "贯彻落实",
    "贯彻",
    "落实",
    "执行",
    "印发",
    "转发",
    "下发",
    "详见",
    "参见",
    "文件",
    "即",
    "对",
    "以",
    "请",
    "将",
)


class DocNumberError(ValueError):
    """The text is not a document number (文号); the message says why, in the user's language."""


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed 文号. `year` is None only for orders (令), which are numbered without a year."""

    prefix: str
    year: int | None
    number: int
    suffix: str = "号"

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.prefix}第{self.number}{self.suffix}"
        return f"{self.prefix}〔{self.year}〕{self.number}{self.suffix}"

    @property
    def is_order(self) -> bool:
        """True for an order (令) such as 国务院令第711号."""
        return self.year is None


def _has_cjk(text: str) -> bool:
    return re.search(f"[{_CJK}]", text) is not None


def _check(prefix: str, year: int | None, number: int, original: str) -> DocNumber:
    if not _has_cjk(prefix) or not re.fullmatch(rf"[{_CJK}A-Za-z]+", prefix):
        raise DocNumberError(
            _("“%(value)s” is not a document number: the issuer's code must be in Chinese.")
            % {"value": original}
        )
    if year is not None:
        last = date.today().year + 1
        if not FIRST_YEAR <= year <= last:
            raise DocNumberError(
                _("“%(value)s”: the year %(year)s is not between %(first)s and %(last)s.")
                % {"value": original, "year": year, "first": FIRST_YEAR, "last": last}
            )
    if not 1 <= number <= MAX_NUMBER:
        raise DocNumberError(
            _("“%(value)s”: the serial number must be between 1 and %(max)s.")
            % {"value": original, "max": MAX_NUMBER}
        )
    # 號 and a missing 号 both become 号.
    return DocNumber(prefix=prefix, year=year, number=number)


def _parse(text: str) -> DocNumber:
    if not isinstance(text, str) or not text.strip():
        raise DocNumberError(_("Enter a document number, such as 毕人社发〔2019〕12号."))
    original = text.strip()
    cleaned = original.translate(_FULLWIDTH_DIGITS)
    match = _YEAR_FULL.match(cleaned)
    if match:
        return _check(
            match["prefix"],
            int(match["year"]),
            int(match["number"]),
            original,
        )
    match = _ORDER_FULL.match(cleaned)
    if match and match["prefix"] != "令":
        return _check(match["prefix"], None, int(match["number"]), original)
    raise DocNumberError(
        _("“%(value)s” is not a document number; write it like 毕人社发〔2019〕12号.")
        % {"value": original}
    )


def parse_doc_number(text: str) -> DocNumber | None:
    """Parse a whole string as a 文号, or return None if it is not one.

    Accepts every bracket of BRACKETS (and a few look-alikes), full-width digits, spaces,
    a leading 第 before the number and a missing 号. Orders parse without a year.
    """
    try:
        return _parse(text)
    except DocNumberError:
        return None


def normalise_doc_number(text: str) -> str:
    """The canonical spelling of a 文号 (毕人社发〔2019〕12号), for storage.

    Raises DocNumberError, with a message that says what is wrong, if `text` is not a 文号.
    """
    return str(_parse(text))


def _trim_prefix(prefix: str) -> str:
    # 和 in 中华人民共和国 is part of the name, not a conjunction.
    protected = {m.start() + 1 for m in re.finditer("共和国", prefix)}
    for index in range(len(prefix) - 1, -1, -1):
        if prefix[index] in _CUT_AFTER and index not in protected:
            prefix = prefix[index + 1 :]
            break
    changed = True
    while changed and prefix:
        changed = False
        for word in _LEAD_WORDS:
            if prefix.startswith(word) and len(prefix) > len(word):
                prefix = prefix[len(word) :]
                changed = True
                break
    return prefix


def find_doc_numbers(text: str) -> list[DocNumber]:
    """Every 文号 in a body of text, in order of appearance, without repeats.

    Meant for the first lines of a Word draft or a forwarded superior document. Words that
    often stand before a 文号 (根据, 按照, 印发…) are not taken as part of its prefix.
    """
    if not text:
        return []
    cleaned = text.translate(_FULLWIDTH_DIGITS)
    spans: list[tuple[int, int, DocNumber]] = []
    for pattern, has_year in ((_YEAR_IN_TEXT, True), (_ORDER_IN_TEXT, False)):
        for match in pattern.finditer(cleaned):
            prefix = match["prefix"]
            if match.start() and cleaned[match.start() - 1].isdigit() and prefix[0] in "年月日号":
                # 2018年12月18日中华人民共和国国务院令…: the 日 ends a date.
                prefix = prefix[1:]
            prefix = _trim_prefix(prefix)
            if not prefix or (not has_year and prefix == "令"):
                continue
            year = int(match["year"]) if has_year else None
            try:
                found = _check(prefix, year, int(match["number"]), match[0])
            except DocNumberError:
                continue
            spans.append((match.start(), match.end(), found))
    spans.sort(key=lambda span: (span[0], -span[1]))
    result: list[DocNumber] = []
    last_end = -1
    for start, end, found in spans:
        if start < last_end:
            continue
        last_end = end
        if found not in result:
            result.append(found)
    return result


def doc_number_variants(dn: DocNumber | str) -> list[str]:
    """Every common spelling of a 文号, canonical first, for search (e.g. an OR of terms)."""
    if isinstance(dn, str):
        dn = _parse(dn)
    if dn.year is None:
        spellings = [str(dn), f"{dn.prefix}{dn.number}{dn.suffix}"]
    else:
        spellings = [f"{dn.prefix}{o}{dn.year}{c}{dn.number}{dn.suffix}" for o, c in BRACKETS]
    return list(dict.fromkeys(spellings))
