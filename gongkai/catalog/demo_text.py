"""Turning the demo's source texts into record bodies, and reading facts out of them.

The 2019 plan is a PDF's text: one printed line per line, a page number (``- 7 -``)
where a page ended and stray spaces around digits. The gov.cn documents have one
paragraph per line but their titles are broken over several lines. These functions
reflow both into blocks (headings, paragraphs) and derive only dates the data carries.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

CN_DIGITS = "〇零一二三四五六七八九十百"

# 一、工作要求 / （一）推进决策公开 / 第一章 总则: the numbering of Chinese official documents
# (GB/T 9704-2012 §7.3.3: 一、 then （一） then 1. then （1）).
LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")
CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+章")
NUMBERED = re.compile(r"^(\d+[.．、]|（\d+）|第[一二三四五六七八九十百]+条)")
PAGE_NUMBER = re.compile(r"^[-－—]\s*\d+\s*[-－—]$")
# A printed line that ends one of these ends its paragraph.
SENTENCE_END = tuple("。！？；：")
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef〔〕《》“”]"
SPACE_NEXT_TO_CJK = re.compile(rf"(?<={CJK})[ \t\u3000]+|[ \t\u3000]+(?={CJK})")


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3" or "p"
    text: str


def tidy(line: str) -> str:
    """Drop the spaces a PDF puts around digits in Chinese text (``2019 年`` → ``2019年``)."""
    return SPACE_NEXT_TO_CJK.sub("", line.strip())


def heading_level(line: str) -> str | None:
    """h2/h3 for a numbered heading standing on its own line, else None.

    A heading is short and holds no sentence: ``（一）推进决策公开`` or the run-in
    ``（一）健全国家职业教育制度框架。`` are headings; ``1.实行……。对提交……`` is an item.
    """
    if len(line) > 40 or "，" in line or "。" in line[:-1]:
        return None
    if LEVEL1.match(line) or CHAPTER.match(line):
        return "h2"
    if LEVEL2.match(line):
        return "h3"
    return None


def _starts_block(line: str) -> bool:
    return bool(
        LEVEL1.match(line) or LEVEL2.match(line) or CHAPTER.match(line) or NUMBERED.match(line)
    )


def _ends_block(text: str) -> bool:
    if text.count("（") > text.count("）"):  # "……（责任部门：" goes on in the next line
        return False
    if text.endswith(SENTENCE_END):
        return True
    # A closing bracket ends a paragraph when it closes a note that followed a sentence,
    # e.g. "……采纳情况。（责任部门：各科室、单位）".
    if text.endswith("）"):
        opening = text.rfind("（")
        return opening > 0 and text[opening - 1] in SENTENCE_END
    return False


def reflow(lines: list[str]) -> list[Block]:
    """Join printed lines into paragraphs; numbered headings become h2/h3.

    A line joins the one before unless that one ended a sentence (or a note after a
    sentence), or the line starts a numbered item or heading. Page-number lines are
    dropped; a "（责任部门：…）" note on its own line belongs to the item before it.
    """
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(Block("p", "".join(current)))
            current.clear()

    for raw in lines:
        line = tidy(raw)
        if not line or PAGE_NUMBER.match(line):
            continue
        level = heading_level(line)
        if level and not current:
            blocks.append(Block(level, line))
            continue
        if level or _starts_block(line):
            flush()
            if level:
                blocks.append(Block(level, line))
                continue
        elif current and _ends_block("".join(current)) and not line.startswith("（责任"):
            flush()
        current.append(line)
    flush()
    return blocks


def plan_blocks(text: str) -> list[Block]:
    """The body of the 2019 plan: from its first sentence ("根据……") to the end.

    What comes before is the covering 印发 notice and the title, which the record's
    own title and metadata carry.
    """
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("根据"))
    return reflow(lines[start:])


# --- gov.cn documents ---------------------------------------------------------------------------

GOVCN_URL_DATE = re.compile(r"/content/(\d{4})-(\d{2})(?:/(\d{2}))?/")


def govcn_publication_date(url: str) -> date | None:
    """The day gov.cn published a document, read from its URL; None if the URL lacks the day.

    gov.cn files a document under ``/zhengce/content/YYYY-MM/DD/content_N.htm``: the
    folder is the day it went online. A URL with only ``YYYY-MM`` does not say the
    day, and a date is never made up, so that gives None.
    """
    match = GOVCN_URL_DATE.search(url)
    if not match or match.group(3) is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


_CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _cn_number(text: str) -> int:
    """一九九六 → 1996 (digit by digit), 二十九 → 29, 十二 → 12."""
    if "十" not in text:
        return int("".join(str(_CN_VALUE[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[units] if units else 0)


ARABIC_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
CHINESE_DATE = re.compile(
    rf"^([{CN_DIGITS}]{{4}})年([{CN_DIGITS}]{{1,2}})月([{CN_DIGITS}]{{1,3}})日$"
)


def parse_signature_date(line: str) -> date | None:
    """2018年11月16日 or 一九九六年六月二十九日 standing alone on a line."""
    line = tidy(line)
    for pattern, convert in ((ARABIC_DATE, int), (CHINESE_DATE, _cn_number)):
        match = pattern.match(line)
        if match:
            try:
                return date(*(convert(part) for part in match.groups()))
            except (ValueError, KeyError):
                return None
    return None


def signature_date(text: str, office: str) -> date | None:
    """The 成文日期 printed under the issuing organ's signature, if the text has one.

    The first date line right after a line naming the issuer (e.g. "国务院办公厅"):
    for a 印发 notice that is the notice's own date, not a date inside its attachment.
    """
    lines = [tidy(line) for line in text.splitlines()]
    issuers = {office, *office.split("、")}
    for previous, line in pairwise(lines):
        if previous in issuers or previous.replace("\u3000", "") in issuers:
            found = parse_signature_date(line)
            if found:
                return found
    return None


# Terms of 人社 work: employment, social insurance, labour relations, wages, talent,
# skills training and personnel of public institutions.
HRSS_TITLE_TERMS = (
    "就业",
    "职业教育",
    "职业技能",
    "社会保险",
    "养老",
    "工资",
    "人才",
    "事业单位",
    "劳动",
    "节假日",
)
HRSS_TEXT_TERMS = (
    "就业",
    "创业",
    "社会保险",
    "社会保障",
    "失业保险",
    "养老保险",
    "工伤",
    "人力资源",
    "劳动",
    "工资",
    "薪酬",
    "职业技能",
    "职业培训",
    "人才",
    "职称",
    "事业单位",
    "农民工",
    "高校毕业生",
)
# A task the document gives the 人力资源社会保障 department: "（财政部、人力资源社会保障部负责）",
# "请人力资源社会保障部会同……", "（负责部门：人力资源社会保障部、……）".
HRSS_TASK = re.compile(
    r"（[^（）]*人力资源社会保障部[^（）]*负责[^（）]*）|请人力资源社会保障部|负责部门：[^）]*人力资源社会保障部"
)
HRSS_DENSITY = 6  # 人社 terms per 1,000 characters of text


def bears_on_hrss(row: dict) -> bool:
    """Does this State Council document bear on 人社 work?

    Yes if its title names a 人社 subject (节假日: the holiday arrangement fixes working
    days and overtime pay, 劳动法 第44条), if it gives the 人力资源社会保障 department a
    task, or if 人社 terms are dense in its text.
    """
    if any(term in row["title"] for term in HRSS_TITLE_TERMS):
        return True
    text = row["text"]
    if HRSS_TASK.search(text):
        return True
    hits = sum(text.count(term) for term in HRSS_TEXT_TERMS)
    return hits * 1000 >= HRSS_DENSITY * max(len(text), 1)


def govcn_blocks(text: str, number: str) -> list[Block]:
    """A gov.cn document's body: its title lines and 文号 dropped, tables left out.

    The title and 文号 are the record's own metadata. A line indented like a table
    cell starts an attachment table, which plain paragraphs would garble: the body stops
    there and the record links to the original instead.
    """
    lines = text.splitlines()
    number_at = next((i for i, line in enumerate(lines[:8]) if tidy(line) == number), None)
    if number_at is not None:
        lines = lines[number_at + 1 :]
    kept = []
    for line in lines:
        if line.startswith("    ") and not line.startswith("     \u3000"):
            break
        kept.append(line)
    blocks = []
    for line in kept:
        line = tidy(line)
        if line:
            blocks.append(Block(heading_level(line) or "p", line))
    return blocks


def lead_summary(blocks: list[Block], limit: int = 100) -> str:
    """内容概述 from the document's own words: the opening sentences of its first paragraph.

    The addressee line ("各省、自治区……：") is skipped. Whole sentences up to `limit`
    characters; a first sentence longer than that is cut with an ellipsis.
    """
    first = next(
        (
            b.text
            for b in blocks
            if b.kind == "p" and not (b.text.endswith("：") and len(b.text) < 60)
        ),
        "",
    )
    sentences = [part + "。" for part in first.split("。") if part]
    summary = ""
    for sentence in sentences:
        if len(summary) + len(sentence) > limit:
            break
        summary += sentence
    return summary or (first[: limit - 1] + "…" if len(first) > limit else first)


def blocks_html(blocks: list[Block]) -> str:
    return "".join(f"<{b.kind}>{html.escape(b.text)}</{b.kind}>" for b in blocks)


def lines_to_blocks(lines: list[str]) -> list[Block]:
    """The bureau's own demo texts: one paragraph per entry, numbered headings detected."""
    return [Block(heading_level(tidy(line)) or "p", tidy(line)) for line in lines if line.strip()]
