"""Find and mask personal data in text (REGULATIONS.md §5, 国办发〔2018〕23号).

The scanner looks for resident ID numbers (GB 11643-1999), mobile numbers and bank-card
numbers, written in ASCII or full-width digits and possibly split into the usual groups by
spaces or dashes. A mobile may also be written 151.2702.3097 (3-4-4 with dots) or
151 270 23097 (3-3-5 with spaces). Offsets always refer to the original text, so a finding
can be masked in place even when it was written as ``１３８－１２３４－５６７８``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class FindingKind(TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID number")
    MOBILE = "mobile", _("Mobile number")
    BANK_CARD = "bank_card", _("Bank card number")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text.

    ``start``/``end`` are offsets into the scanned text and ``matched`` is that slice, with
    its separators and full-width digits as written. ``normalised`` holds ASCII digits (and a
    final ``X``) only; ``masked`` is what replaces ``matched`` when masking. ``context`` is a
    short excerpt around the finding in which every finding is already masked, so it is safe
    to display. ``location`` says where the text came from (正文, 附件 … 第3页) and is set by
    the caller.
    """

    kind: FindingKind
    start: int
    end: int
    matched: str
    normalised: str
    masked: str
    context: str = ""
    location: str = ""

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def at(self, location: str) -> Finding:
        """The same finding with ``location`` set."""
        return replace(self, location=location)


# Masking rules of REGULATIONS.md §5, changeable through settings.PII_MASK_RULES: for each
# kind, how many leading and trailing characters stay visible.
DEFAULT_MASK_RULES: dict[str, dict[str, int]] = {
    FindingKind.RESIDENT_ID.value: {"keep_start": 6, "keep_end": 4},
    FindingKind.MOBILE.value: {"keep_start": 3, "keep_end": 4},
    FindingKind.BANK_CARD.value: {"keep_start": 0, "keep_end": 4},
}
MASK_CHAR = "*"
CONTEXT_CHARS = 10

_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
_DIGIT = "0-9\uff10-\uff19"
_X = "XxＸｘ"
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
# A group is a maximal run of digits, with an X only at its end and only where the X does
# not start a word (so 91520500MA6D… or 123Xabc are not read as an ID's check character).
_GROUP = re.compile(rf"[{_DIGIT}]+(?:[{_X}](?![{_ALNUM}]))?")
_SPACE = " \u00a0\u3000"
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"
_DOT = ".\uff0e"
# What may stand between the groups of one number: one or two spaces, or a dash with at
# most one space on either side, or a single dot (only ever accepted in a 3-4-4 mobile).
_SEPARATOR = re.compile(rf"[{_SPACE}]{{1,2}}|[{_SPACE}]?[{_DASH}][{_SPACE}]?|[{_DOT}]")
_MAX_DIGITS = 19
_LENGTHS = frozenset({11, 13, 15, 16, 17, 18, 19})

# GB 11643-1999 / GB/T 2260: the first two digits are a province (81-83 are the residence
# permits of Hong Kong, Macao and Taiwan residents); 9 starts the 2023 foreigners' permanent
# residence ID, which uses the same check digit and birth date.
_PROVINCE_RANGES = (range(11, 16), range(21, 24), range(31, 38), range(41, 47), range(50, 55))
_PROVINCES = frozenset(
    str(code) for group in (*_PROVINCE_RANGES, range(61, 66), (71, 81, 82, 83)) for code in group
)
# The four municipalities have only 01-03 as their second level; this also keeps the
# 统一社会信用代码 of 机关 (11…) and 事业单位 (12…) out.
_MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"1[3-9]\d{9}")
_MOBILE_GROUPS = frozenset({(11,), (3, 4, 4), (3, 8), (7, 4), (3, 3, 5)})
_CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 ID digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (ISO/IEC 7812)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def credit_code_valid(code: str) -> bool:
    """Whether 18 characters form a 统一社会信用代码 with a valid GB 32100-2015 check."""
    if len(code) != 18 or any(c not in _CREDIT_CODE_CHARS for c in code):
        return False
    total = sum(
        _CREDIT_CODE_CHARS.index(c) * w
        for c, w in zip(code[:17], _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return _CREDIT_CODE_CHARS[(31 - total % 31) % 31] == code[17]


def _region_plausible(digits: str, *, foreigners: bool) -> bool:
    province = digits[:2]
    if foreigners and digits[0] == "9":
        return True
    if province not in _PROVINCES:
        return False
    return province not in _MUNICIPALITIES or digits[2:4] in {"01", "02", "03"}


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _is_id18(d: str) -> bool:
    if not d[:17].isdigit() or not _region_plausible(d, foreigners=True):
        return False
    born = _real_date(int(d[6:10]), int(d[10:12]), int(d[12:14]))
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        return False
    return id_check_digit(d[:17]) == d[17]


def _is_id15(d: str) -> bool:
    # The old 15-digit number: region, YYMMDD (always 19YY), sequence; no check digit.
    if not _region_plausible(d, foreigners=False):
        return False
    return _real_date(1900 + int(d[6:8]), int(d[8:10]), int(d[10:12])) is not None


def _id_shaped(d: str) -> bool:
    """An 18-digit string laid out like an ID (region, then a 19xx/20xx year)."""
    return _region_plausible(d, foreigners=True) and d[6:8] in {"18", "19", "20"}


def _card_grouping(lengths: tuple[int, ...]) -> bool:
    if len(lengths) == 1:
        return True
    if len(lengths) == 2 and lengths[0] == 6:
        return True
    return len(lengths) >= 4 and all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4


def _classify(d: str, lengths: tuple[int, ...]) -> FindingKind | None:
    n = len(d)
    if n == 18 and all(k >= 3 for k in lengths[:-1]) and _is_id18(d):
        return FindingKind.RESIDENT_ID
    if "X" in d:
        return None
    if n == 15 and lengths in {(15,), (6, 6, 3)} and _is_id15(d):
        return FindingKind.RESIDENT_ID
    if n == 11 and lengths in _MOBILE_GROUPS and _MOBILE.fullmatch(d):
        return FindingKind.MOBILE
    if lengths == (13,) and d.startswith("86") and _MOBILE.fullmatch(d[2:]):
        return FindingKind.MOBILE
    if lengths == (15,) and d.startswith("0086") and _MOBILE.fullmatch(d[4:]):
        return FindingKind.MOBILE
    if 16 <= n <= 19 and _card_grouping(lengths) and luhn_valid(d):
        # An 18-digit ID with a wrong check digit or a 统一社会信用代码 is not a card.
        if n == 18 and (_id_shaped(d) or credit_code_valid(d)):
            return None
        return FindingKind.BANK_CARD
    return None


def mask_rules() -> dict[str, dict[str, int]]:
    """The masking rules in force: the defaults, overridden per kind by PII_MASK_RULES."""
    configured = (
        getattr(settings, "PII_MASK_RULES", DEFAULT_MASK_RULES) if settings.configured else {}
    )
    return {kind: {**rule, **configured.get(kind, {})} for kind, rule in DEFAULT_MASK_RULES.items()}


def mask_value(kind: FindingKind | str, normalised: str) -> str:
    """The masked form of a normalised number, e.g. ``110101********123X``.

    As many mask characters replace the hidden digits as there were digits. A mobile number
    written with its country code keeps the code and masks the national number.
    """
    kind = FindingKind(kind)
    prefix, value = "", normalised
    if kind == FindingKind.MOBILE and len(normalised) > 11:
        prefix, value = normalised[:-11], normalised[-11:]
    rule = mask_rules()[kind.value]
    keep_start, keep_end = int(rule.get("keep_start", 0)), int(rule.get("keep_end", 0))
    if keep_start + keep_end >= len(value):
        return prefix + MASK_CHAR * len(value)
    hidden = len(value) - keep_start - keep_end
    return prefix + value[:keep_start] + MASK_CHAR * hidden + value[len(value) - keep_end :]


def _groups(text: str) -> list[list[tuple[int, int, str, str]]]:
    """Runs of digit groups joined by separators.

    Each group is (start, end, digits, joint), where ``joint`` says how it is joined to the
    previous group of its run: ``""`` for the first group, else ``space``, ``dash`` or ``dot``.
    """
    runs: list[list[tuple[int, int, str, str]]] = []
    previous_end = -1
    for match in _GROUP.finditer(text):
        digits = match.group().translate(_FULLWIDTH)
        joined = (
            runs
            and "X" not in runs[-1][-1][2]
            and _SEPARATOR.fullmatch(text, previous_end, match.start())
        )
        if joined:
            separator = text[previous_end : match.start()]
            joint = "dot" if separator in _DOT else "dash" if separator.strip(_SPACE) else "space"
            runs[-1].append((match.start(), match.end(), digits, joint))
        else:
            runs.append([(match.start(), match.end(), digits, "")])
        previous_end = match.end()
    return runs


def _separators_fit(
    kind: FindingKind,
    lengths: tuple[int, ...],
    run: list[tuple[int, int, str, str]],
    i: int,
    j: int,
) -> bool:
    """Whether the joints of groups ``i``..``j`` of ``run`` suit a number of ``kind``.

    Dots join only the three groups of a mobile written 151.2702.3097, and nothing more may
    be joined to them by a dot (192.168.100.123, 10.151.2702.3097, 138.12345678 are not
    mobiles). The 3-3-5 grouping (151 270 23097) is taken only with spaces and only when no
    group follows the five digits, so that a row of figures is less likely read as a mobile.
    """
    joints = {run[k][3] for k in range(i + 1, j + 1)}
    before = run[i][3]
    after = run[j + 1][3] if j + 1 < len(run) else ""
    if "dot" in joints or before == "dot" or after == "dot":
        return (
            kind == FindingKind.MOBILE
            and lengths == (3, 4, 4)
            and joints == {"dot"}
            and before != "dot"
            and after != "dot"
        )
    if lengths == (3, 3, 5):
        return joints == {"space"} and not after
    return True


def _glued_to_letters(text: str, start: int, end: int) -> bool:
    """Whether an ASCII letter touches the span, as in a 统一社会信用代码 (…769618B)."""
    return (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()) or (
        end < len(text) and text[end].isascii() and text[end].isalpha()
    )


def _decimal_neighbour(text: str, start: int, end: int) -> bool:
    """Whether the span is part of a decimal number such as 13812345678.90."""
    before = (
        start >= 2 and text[start - 1] in _DOT and text[start - 2].translate(_FULLWIDTH).isdigit()
    )
    after = (
        end + 1 < len(text) and text[end] in _DOT and text[end + 1].translate(_FULLWIDTH).isdigit()
    )
    return before or after


def _context(text: str, spans: list[tuple[int, int, str]], index: int) -> str:
    """About CONTEXT_CHARS either side of span ``index``, with every finding in it masked."""
    start, end, _masked = spans[index]
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    # Widen the window to whole findings, so no raw digits of a neighbour show. The spans
    # are sorted and do not overlap, so only close neighbours can matter.
    first = last = index
    while first > 0 and spans[first - 1][1] > lo:
        first -= 1
        lo = min(lo, spans[first][0])
    while last + 1 < len(spans) and spans[last + 1][0] < hi:
        last += 1
        hi = max(hi, spans[last][1])
    parts, position = [], lo
    for s, e, masked in spans[first : last + 1]:
        parts += [text[position:s], masked]
        position = e
    parts.append(text[position:hi])
    return " ".join("".join(parts).split())


def scan_text(text: str) -> list[Finding]:
    """Find resident ID, mobile and bank-card numbers in ``text``.

    Returns the findings in text order, without overlaps. A number must stand on its own:
    no digit directly before or after it, and it is never a slice of a longer group of
    digits; the groups of a split number must follow the usual groupings (138 1234 5678,
    110101 19900307 123X, 6222 0212 3456 7890 123).
    """
    candidates: list[tuple[int, int, FindingKind, str]] = []
    for run in _groups(text):
        for i in range(len(run)):
            digits, lengths = "", ()
            for j in range(i, len(run)):
                digits += run[j][2]
                lengths += (len(run[j][2]),)
                if len(digits) > _MAX_DIGITS:
                    break
                if len(digits) not in _LENGTHS:
                    continue
                start, end = run[i][0], run[j][1]
                kind = _classify(digits, lengths)
                if kind is not None and not _separators_fit(kind, lengths, run, i, j):
                    kind = None
                if kind is None or _decimal_neighbour(text, start, end):
                    pass
                elif kind == FindingKind.BANK_CARD and _glued_to_letters(text, start, end):
                    # Luhn alone passes one string in ten: a card must stand apart from
                    # letters, or every 事业单位 credit code would risk being one.
                    pass
                else:
                    candidates.append((start, end, kind, digits))
                if "X" in digits:
                    break
    # Longest first; a candidate overlapping one already chosen is dropped.
    chosen: list[tuple[int, int, FindingKind, str]] = []
    for candidate in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        i = bisect.bisect_left(chosen, candidate)
        if (i == 0 or chosen[i - 1][1] <= candidate[0]) and (
            i == len(chosen) or candidate[1] <= chosen[i][0]
        ):
            chosen.insert(i, candidate)
    spans = [(s, e, mask_value(kind, d)) for s, e, kind, d in chosen]
    return [
        Finding(
            kind=kind,
            start=s,
            end=e,
            matched=text[s:e],
            normalised=d,
            masked=masked,
            context=_context(text, spans, i),
        )
        for i, ((s, e, kind, d), (_s, _e, masked)) in enumerate(zip(chosen, spans, strict=True))
    ]


def mask_text(
    text: str, findings: list[Finding] | None = None, *, only: set[int] | None = None
) -> str:
    """Return ``text`` with findings replaced by their masked forms.

    ``findings`` default to ``scan_text(text)``; ``only`` limits masking to the findings at
    these indexes (the others are waived or dismissed). Each finding's whole span, separators
    included, becomes its masked form. Raises ValueError if a finding does not belong to
    ``text``.
    """
    if findings is None:
        findings = scan_text(text)
    selected = [f for i, f in enumerate(findings) if only is None or i in only]
    for finding in selected:
        if text[finding.start : finding.end] != finding.matched:
            raise ValueError(f"finding at {finding.start}-{finding.end} is not from this text")
    return _splice(text, selected)


def _splice(text: str, findings: list[Finding]) -> str:
    """``text`` with each finding's span replaced by its masked form."""
    parts, position = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position:  # overlapping findings: the first one wins
            continue
        parts += [text[position : finding.start], finding.masked]
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def spread_mask(
    finding: Finding, origin: Sequence[tuple[Hashable, int, int]]
) -> list[tuple[Hashable, int, int, str]]:
    """Where to write a finding's masked form when its text comes from several nodes.

    ``origin[i]`` is ``(node, start, end)``: the node that character ``i`` of the scanned
    text comes from and its span there (text runs of a Word paragraph, text nodes of HTML).
    Returns ``(node, start, end, replacement)`` edits: the first node the finding touches
    gets the whole masked form over its part of the number (keeping that node's formatting),
    every other node loses its part; whatever lies between the nodes is left alone.
    """
    edits: list[tuple[Hashable, int, int, str]] = []
    for index in range(finding.start, finding.end):
        node, start, end = origin[index]
        if edits and edits[-1][0] == node:
            edits[-1] = (node, edits[-1][1], end, edits[-1][3])
        else:
            edits.append((node, start, end, "" if edits else finding.masked))
    return edits
