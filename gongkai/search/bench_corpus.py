"""The corpus and the queries of the full-text search benchmark (`search.fulltext`).

Documents are mixed from paragraphs of the real texts in ../shared/data
(govcn-policy.jsonl: 60 State Council documents; lawrefbook.jsonl.gz: 3,503 laws,
regulations and rules), so that term frequencies are those of real government
Chinese. Everything is drawn from one `random.Random(seed)` (SEED below), in a
fixed order, so a given (count, seed) always gives the same corpus:

* **Body.** A length is drawn (log-normal, median 1,580 characters, clipped to
  200–12,000; mean about 2,100 as in the data README's measurement). About 70% of
  it is consecutive paragraphs of one source document (a law, or with
  probability 0.2 a State Council document), the rest single paragraphs of
  random other sources.
* **Title.** Unique after normalisation. A real title as it is (each at most
  once), or a real title wrapped as the bureau would (``毕节市人力资源和社会保障局
  关于印发《…》的通知``, ``…关于贯彻落实《…》的实施意见``), or a State Council
  subject localised (``…关于做好当前和今后一个时期促进就业工作的通知``), or a
  local subject with a year and a county.
* **文号.** ``DOC_NUMBER_SHARE`` of the documents carry one: the 60 real ones of
  govcn-policy.jsonl (each once, with its real title) and generated
  ``毕人社发〔YYYY〕N号`` / ``毕人社办发`` / ``毕人社通`` / ``毕市人社函`` numbers,
  numbered upwards per prefix and year. Half of those bodies start with their
  文号 line, as an official document does, and 2% of all bodies cite another
  document's 文号 (``根据…（毕人社发〔2021〕3号）精神``).
* **Facets.** Date uniform over 2019-01-01 to 2026-11-27; kind, section
  (column), 主题分类, department and validity drawn from fixed lists.

This module does not touch Django, so it can be imported before settings exist.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20261128
DOC_NUMBER_SHARE = 0.015
CITE_SHARE = 0.02
GOVCN_SHARE = 0.2
PRIMARY_SHARE = 0.7
MEDIAN_CHARS = 1580
SIGMA = 0.7
MIN_CHARS, MAX_CHARS = 200, 12_000
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2026, 11, 27)

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
GOVCN = "govcn-policy.jsonl"
LAWREFBOOK = "lawrefbook.jsonl.gz"

OFFICES = (
    "毕节市人力资源和社会保障局",
    "毕节市人民政府办公室",
    "毕节市人民政府",
    "毕节市人力资源和社会保障局办公室",
    "毕节市就业局",
    "毕节市社会保险事业局",
    "毕节市劳动人事争议仲裁院",
    "七星关区人力资源和社会保障局",
    "大方县人力资源和社会保障局",
    "黔西市人力资源和社会保障局",
    "金沙县人力资源和社会保障局",
    "织金县人力资源和社会保障局",
    "纳雍县人力资源和社会保障局",
    "威宁彝族回族苗族自治县人力资源和社会保障局",
    "赫章县人力资源和社会保障局",
)
COUNTIES = ("七星关区", "大方县", "黔西市", "金沙县", "织金县", "纳雍县", "威宁县", "赫章县")
LOCAL_SUBJECTS = (
    "城乡居民基本养老保险待遇调整",
    "企业职工基本养老保险待遇领取资格认证",
    "就业补助资金分配",
    "创业担保贷款贴息资金拨付",
    "高校毕业生就业见习",
    "职业技能等级认定",
    "工伤保险浮动费率",
    "失业保险稳岗返还",
    "根治拖欠农民工工资专项行动",
    "事业单位公开招聘工作人员",
    "专业技术人员职称评审",
    "劳动保障监察执法检查",
    "社会保障卡服务网点设置",
    "公益性岗位开发管理",
    "农村劳动力转移就业",
    "技工院校招生",
    "人力资源市场秩序清理整顿",
    "最低工资标准调整",
    "劳动人事争议调解仲裁",
    "政府信息公开工作年度报告",
)
LOCAL_FORMS = (
    "关于{year}年{county}{subject}的通知",
    "关于做好{year}年{subject}工作的通知",
    "关于{county}{subject}情况的报告",
    "关于公布{year}年度{subject}结果的公告",
    "{county}{year}年{subject}实施方案",
)
WRAPS = (
    "{office}关于印发《{title}》的通知",
    "{office}关于转发《{title}》的通知",
    "{office}关于贯彻落实《{title}》的实施意见",
    "{office}关于学习宣传《{title}》的通知",
    "{office}关于做好《{title}》实施工作的通知",
)
SUBJECT_WRAPS = (
    "{office}关于{subject}的通知",
    "{office}关于{subject}的实施意见",
    "{office}贯彻落实{subject}的工作方案",
)
NUMBER_PREFIXES = ("毕人社发", "毕人社发", "毕人社办发", "毕人社通", "毕市人社函")
KINDS = (
    ("catalog.record", 0.9),
    ("interpretation", 0.05),
    ("consultation", 0.03),
    ("letter", 0.02),
)
SECTIONS = ("政策文件", "规划计划", "人事信息", "财政资金", "就业创业", "社会保障", "劳动关系")
TOPICS = (
    "劳动、人事、监察",
    "劳动、人事、监察/劳动就业",
    "劳动、人事、监察/社会保障",
    "劳动、人事、监察/人事工作",
    "财政、金融、审计",
    "综合政务",
    "卫生、体育",
    "教育",
    "",
)
DEPARTMENTS = (
    "局办公室",
    "就业促进和失业保险科",
    "养老保险科",
    "工伤保险科",
    "劳动关系科",
    "事业单位人事管理科",
    "专业技术人员管理科",
    "劳动保障监察支队",
    "",
)
VALIDITIES = (("有效", 0.8), ("失效", 0.1), ("废止", 0.05), ("", 0.05))

# (query, category). Written out so that the benchmark always asks the same things.
QUERIES: tuple[tuple[str, str], ...] = (
    # Two-character words, the commonest search of a bureau's site.
    ("就业", "2-char"),
    ("社保", "2-char"),
    ("工伤", "2-char"),
    ("失业", "2-char"),
    ("养老", "2-char"),
    ("医保", "2-char"),
    ("培训", "2-char"),
    ("补贴", "2-char"),
    ("人才", "2-char"),
    ("工资", "2-char"),
    ("仲裁", "2-char"),
    ("招聘", "2-char"),
    ("职称", "2-char"),
    ("退休", "2-char"),
    ("创业", "2-char"),
    ("档案", "2-char"),
    # Long phrases.
    ("城乡居民基本养老保险", "phrase"),
    ("社会保险", "phrase"),
    ("社会保险费", "phrase"),
    ("就业补贴", "phrase"),
    ("创业担保贷款", "phrase"),
    ("最低工资标准", "phrase"),
    ("劳动争议仲裁", "phrase"),
    ("失业保险金", "phrase"),
    ("职业技能培训", "phrase"),
    ("工伤保险条例", "phrase"),
    ("基本医疗保险", "phrase"),
    ("事业单位公开招聘", "phrase"),
    ("农民工工资", "phrase"),
    ("高校毕业生就业", "phrase"),
    ("人力资源和社会保障", "phrase"),
    ("政府信息公开", "phrase"),
    ("中华人民共和国劳动合同法", "phrase"),
    ("行政复议", "phrase"),
    # Several words (ANDed).
    ("养老保险 待遇", "multi-word"),
    ("就业 补贴", "multi-word"),
    ("工伤 认定", "multi-word"),
    ("社会保险 缴费基数", "multi-word"),
    ("失业 登记", "multi-word"),
    ("创业 担保 贷款", "multi-word"),
    ("劳动合同 解除", "multi-word"),
    ("职业 技能 鉴定", "multi-word"),
    ("医疗保险 异地 就医", "multi-word"),
    ("2019年 就业", "multi-word"),
    # 文号 in the bracket forms people type, and a word with punctuation inside.
    ("国发〔2018〕39号", "doc-number"),
    ("国发[2018]39号", "doc-number"),
    ("国发(2018)39号", "doc-number"),
    ("国发（2018）39号", "doc-number"),
    ("国办发〔2019〕4号", "doc-number"),
    ("国令第707号", "doc-number"),
    ("毕人社发〔2021〕5号", "doc-number"),
    ("毕人社发[2024]12号", "doc-number"),
    ("毕人社通（2023）3号", "doc-number"),
    ("双随机、一公开", "punctuated"),
    # One character.
    ("险", "1-char"),
    ("税", "1-char"),
    # Very common terms.
    ("国家", "common"),
    ("规定", "common"),
    ("人民", "common"),
    ("应当", "common"),
    ("管理", "common"),
    ("工作", "common"),
    ("中华人民共和国", "common"),
    # Numbers, and nothing to find (a typo: "did you mean" runs).
    ("2019", "number"),
    ("城乡居民基本养老保验", "no-result"),
)


@dataclass
class Sources:
    """Paragraphs of the real texts, grouped by source document, and their titles."""

    paragraphs: list[str] = field(default_factory=list)
    # (first paragraph index, end index) per source document
    law_spans: list[tuple[int, int]] = field(default_factory=list)
    govcn_spans: list[tuple[int, int]] = field(default_factory=list)
    law_titles: list[str] = field(default_factory=list)
    govcn: list[tuple[str, str]] = field(default_factory=list)  # (title, 文号)


_DATE_SUFFIX = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")
_GOVCN_PREFIX = re.compile(r"^国务院(办公厅)?(、[^关]+)?关于")


def _law_paragraphs(text: str) -> list[str]:
    if "<!-- INFO END -->" in text:
        text = text.split("<!-- INFO END -->", 1)[1]
    out = []
    for line in text.splitlines():
        line = re.sub(r"<!--.*?-->", "", line).strip()
        if not line or line.startswith("---"):
            continue
        line = line.lstrip("#").strip()
        if line:
            out.append(line)
    return out


def load_sources(data_dir: Path = DATA_DIR) -> Sources:
    sources = Sources()
    seen_titles: set[str] = set()
    with gzip.open(data_dir / LAWREFBOOK, "rt", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            title = _DATE_SUFFIX.sub("", item["title"]).strip()
            if title.startswith("_") or "模版" in title:
                continue
            paragraphs = _law_paragraphs(item["text"])
            if len(paragraphs) < 3:
                continue
            start = len(sources.paragraphs)
            sources.paragraphs.extend(paragraphs)
            sources.law_spans.append((start, len(sources.paragraphs)))
            if title not in seen_titles:
                seen_titles.add(title)
                sources.law_titles.append(title)
    with open(data_dir / GOVCN, encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            lines = [t.strip() for t in item["text"].splitlines() if t.strip()]
            body = [t for t in lines if t != item["number"] and t not in item["title"]]
            if len(body) < 3:
                continue
            start = len(sources.paragraphs)
            sources.paragraphs.extend(body)
            sources.govcn_spans.append((start, len(sources.paragraphs)))
            sources.govcn.append((item["title"], item["number"]))
    return sources


def _weighted(rng: random.Random, choices) -> str:
    point, total = rng.random(), 0.0
    for value, weight in choices:
        total += weight
        if point < total:
            return value
    return choices[-1][0]


class _Titles:
    """Unique titles (by their normalised, space-free key)."""

    def __init__(self, rng: random.Random, sources: Sources):
        self.rng = rng
        self.sources = sources
        self.used: set[str] = set()
        self.fresh_real = list(sources.law_titles)
        rng.shuffle(self.fresh_real)
        self.subjects = [_GOVCN_PREFIX.sub("", t) for t, _n in sources.govcn]

    def _candidate(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05 and self.fresh_real:
            return self.fresh_real.pop()
        if roll < 0.55:
            wrap = rng.choice(WRAPS)
            return wrap.format(
                office=rng.choice(OFFICES), title=rng.choice(self.sources.law_titles)
            )
        if roll < 0.7:
            subject = rng.choice(self.subjects)
            subject = re.sub(
                r"的(通知|意见|若干意见|指导意见|决定|批复|复函|函|通报)$", "", subject
            )
            return rng.choice(SUBJECT_WRAPS).format(office=rng.choice(OFFICES), subject=subject)
        form = rng.choice(LOCAL_FORMS)
        text = form.format(
            year=rng.randint(2019, 2026),
            county=rng.choice(COUNTIES),
            subject=rng.choice(LOCAL_SUBJECTS),
        )
        return text if rng.random() < 0.5 else rng.choice(OFFICES) + text

    def take(self, title: str | None = None) -> str:
        for attempt in range(1000):
            candidate = title if title and attempt == 0 else self._candidate()
            if attempt > 20:  # the forms are exhausted at this size: make it unique
                candidate += f"（第{attempt}批）"
            key = "".join(candidate.casefold().split())
            if key not in self.used:
                self.used.add(key)
                return candidate
        raise RuntimeError("no unique title")


def _length(rng: random.Random) -> int:
    value = math.exp(rng.gauss(math.log(MEDIAN_CHARS), SIGMA))
    return int(min(MAX_CHARS, max(MIN_CHARS, value)))


def _body(rng: random.Random, sources: Sources, length: int) -> list[str]:
    spans = sources.govcn_spans if rng.random() < GOVCN_SHARE else sources.law_spans
    start, end = rng.choice(spans)
    out: list[str] = []
    chars = 0
    index = rng.randrange(start, end)
    while chars < length * PRIMARY_SHARE:
        paragraph = sources.paragraphs[index]
        out.append(paragraph)
        chars += len(paragraph)
        index += 1
        if index >= end:
            index = start
    while chars < length:
        paragraph = sources.paragraphs[rng.randrange(len(sources.paragraphs))]
        out.insert(rng.randint(1, len(out)), paragraph)
        chars += len(paragraph)
    return out


def build_corpus(count: int, seed: int = SEED, data_dir: Path = DATA_DIR) -> list[dict]:
    """`count` documents as dicts of `SearchEntry` fields (date as ISO text)."""
    sources = load_sources(data_dir)
    rng = random.Random(seed)
    titles = _Titles(rng, sources)
    with_number = max(1, round(count * DOC_NUMBER_SHARE))
    numbered = set(rng.sample(range(count), min(count, with_number)))
    real_numbers = list(sources.govcn)
    rng.shuffle(real_numbers)
    serials: dict[tuple[str, int], int] = {}
    numbers_so_far: list[str] = []
    days = (LAST_DAY - FIRST_DAY).days
    docs: list[dict] = []
    for n in range(count):
        published = FIRST_DAY + timedelta(days=rng.randint(0, days))
        doc_number = ""
        title = None
        if n in numbered:
            if real_numbers:
                title, doc_number = real_numbers.pop()
            else:
                prefix = rng.choice(NUMBER_PREFIXES)
                serial = serials.get((prefix, published.year), 0) + 1
                serials[(prefix, published.year)] = serial
                doc_number = f"{prefix}〔{published.year}〕{serial}号"
        title = titles.take(title)
        paragraphs = _body(rng, sources, _length(rng))
        if doc_number and rng.random() < 0.5:
            paragraphs.insert(0, doc_number)
        if numbers_so_far and rng.random() < CITE_SHARE:
            cited = rng.choice(numbers_so_far)
            paragraphs.insert(
                min(1, len(paragraphs)), f"根据有关文件（{cited}）精神，结合我市实际，现通知如下。"
            )
        if doc_number:
            numbers_so_far.append(doc_number)
        summary = ""
        if rng.random() < 0.2:
            summary = rng.choice(paragraphs)[:120]
        section = rng.randrange(len(SECTIONS))
        docs.append(
            {
                "key": f"bench:{n + 1}",
                "kind": _weighted(rng, KINDS),
                "object_id": str(n + 1),
                "title": title,
                "doc_number": doc_number,
                "summary": summary,
                "body": "\n".join(paragraphs),
                "extra": f"11520500MB1G0{section}{n % 1000:03d}/{published.year}-{n + 1:05d}",
                "url": f"/xxgk/{section + 1}/{n + 1}/",
                "date": published.isoformat(),
                "column_path": f"00010001{section + 1:04d}",
                "section_id": section + 1,
                "section": SECTIONS[section],
                "topic": rng.choice(TOPICS),
                "department": rng.choice(DEPARTMENTS),
                "validity": _weighted(rng, VALIDITIES),
            }
        )
    return docs


def write_corpus(docs: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")


def read_corpus(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]
