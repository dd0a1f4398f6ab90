"""The demo a bureau judges first: real prose, the real plan, honest dates, phones, one demo notice."""

import gzip
import json
import re
from datetime import date
from io import StringIO

import docx
import lxml.html
import pytest
from django.core.management import call_command
from lxml import html as lxml_html

from gongkai.catalog.demo import DATA, govcn_rows
from gongkai.catalog.demo_text import (
    Block,
    bears_on_hrss,
    govcn_publication_date,
    parse_signature_date,
    plan_blocks,
    reflow,
    signature_date,
)

PLAN = (DATA / "work-plan-2019.txt").read_text(encoding="utf-8")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def prose_blocks(body: str) -> list[str]:
    """The texts of a rich-text body's non-heading blocks (paragraphs, list items, cells)."""
    if not body.strip():
        return []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    return [
        el.text_content().strip()
        for el in root.iter("p", "li", "td", "blockquote")
        if el.text_content().strip()
    ]


def test_prose_blocks_tells_headings_from_prose():
    assert prose_blocks("<h2>一、目标任务</h2><h3>（一）主要措施</h3>") == []
    assert prose_blocks("<h2>一、目标任务</h2><p>全年城镇新增就业5万人以上。</p>") == [
        "全年城镇新增就业5万人以上。"
    ]


# --- the 2019 plan, reflowed from the real file -------------------------------------------------


def test_the_real_plan_file_has_printed_breaks_and_a_page_number():
    """What the reflow is for: the file is a PDF's text, line by printed line."""
    lines = [line.strip() for line in PLAN.splitlines() if line.strip()]
    assert "- 7 -" in lines
    assert "局有关会议制度，增强决策透明度和科学性，依法决策。（责" in lines


def test_plan_reflow_keeps_no_page_numbers_and_no_mid_sentence_breaks():
    blocks = plan_blocks(PLAN)
    text = "\n".join(b.text for b in blocks)
    assert not re.search(r"[-－—]\s*\d+\s*[-－—]", text)
    for block in blocks:
        if block.kind == "p":
            # A paragraph ends a sentence, or closes the 责任部门 note after one.
            assert block.text.endswith(("。", "）")), block.text
            assert block.text.count("（") == block.text.count("）"), block.text
    # Lines that the printed page broke inside a word or a sentence are one again.
    assert "深入贯彻落实习近平总书记对贵州省" in text
    assert (
        "其他各有关科室（单位）积极配合做好具体政务信息的公开。（责任部门：各科室、单位）" in text
    )
    assert "应通过局门户网站等、微博微信平台等主动公开。（责任部门：各科室、单位）" in text
    # The PDF's spaces around digits are gone.
    assert "（国办发〔2019〕14号）" in text and "不少于1次" in text
    assert " " not in text


def test_plan_reflow_has_the_plans_outline_and_items():
    blocks = plan_blocks(PLAN)
    assert [(b.kind, b.text) for b in blocks if b.kind != "p"] == [
        ("h2", "一、工作要求"),
        ("h2", "二、工作内容"),
        ("h3", "（一）推进决策公开"),
        ("h3", "（二）推进执行公开"),
        ("h3", "（三）推进管理公开"),
        ("h3", "（四）推进服务公开"),
        ("h3", "（五）推进结果公开"),
        ("h3", "（六）强化政策解读公开"),
        ("h3", "（七）加强政民互动公开"),
        ("h2", "三、工作措施"),
        ("h3", "（一）加强组织领导"),
        ("h3", "（二）落实责任"),
        ("h3", "（三）强化考核"),
    ]
    items = [b.text for b in blocks if re.match(r"^\d+\.", b.text)]
    assert len(items) == 18  # 3 + 2 + 4 + 2 + 3 + 2 + 2 numbered items under 二
    assert items[0].startswith("1.实行重大决策预公开制度。对提交局党组")
    assert blocks[0].text.startswith("根据《国务院办公厅关于印发2019年政务公开工作要点的通知》")


def test_reflow_rules():
    lines = [
        "一、总体要求",
        "为做好工作，",
        "特制定本方案。",
        "- 3 -",
        "1.第一项。内容",
        "继续。",
        "（责任部门：",
        "局办公室）",
        "2.第二项。",
    ]
    assert reflow(lines) == [
        Block("h2", "一、总体要求"),
        Block("p", "为做好工作，特制定本方案。"),
        Block("p", "1.第一项。内容继续。（责任部门：局办公室）"),
        Block("p", "2.第二项。"),
    ]


# --- 上级文件: which documents, which dates ---------------------------------------------------


def test_publication_date_comes_from_the_govcn_url_and_only_from_it():
    url = "http://www.gov.cn/zhengce/content/2018-12/05/content_5345808.htm"
    assert govcn_publication_date(url) == date(2018, 12, 5)
    # A URL that gives only the month does not say the day: unknown, not the 1st.
    assert govcn_publication_date("http://www.gov.cn/zhengce/content/2018-12/content_1.htm") is None
    assert govcn_publication_date("http://www.gov.cn/zhengce/2018-13/05/x.htm") is None
    assert govcn_publication_date("https://example.org/policy.htm") is None


def test_every_govcn_url_carries_a_day():
    assert all(govcn_publication_date(row["url"]) for row in govcn_rows())


def test_signature_dates_in_arabic_and_chinese_numerals():
    assert parse_signature_date(" 2018年11月16日") == date(2018, 11, 16)
    assert parse_signature_date("一九九六年六月二十九日") == date(1996, 6, 29)
    assert parse_signature_date("二〇〇四年十二月十七日") == date(2004, 12, 17)
    assert parse_signature_date("2019年1月1日至2023年12月31日") is None
    rows = {row["number"]: row for row in govcn_rows()}
    employment = rows["国发〔2018〕39号"]
    assert signature_date(employment["text"], employment["office"]) == date(2018, 11, 16)
    # A 印发 notice: the notice's own date, not one inside the plan it issues.
    skills = rows["国发〔2019〕4号"]
    assert signature_date(skills["text"], skills["office"]) == date(2019, 1, 24)
    # No signature in the crawled text: unknown.
    patents = rows["国令第706号"]
    assert signature_date(patents["text"], patents["office"]) is None


def test_superior_documents_are_those_bearing_on_hrss_work():
    rows = govcn_rows()
    chosen = {row["number"] for row in rows if bears_on_hrss(row)}
    assert {"国发〔2018〕39号", "国发〔2019〕4号", "国办发明电〔2018〕15号"} <= chosen
    assert "国办函〔2004〕36号" not in chosen  # 哈尔滨 bidding for the Universiade
    assert "国令第706号" not in chosen  # 专利代理条例
    assert 5 <= len(chosen) < len(rows) / 2


def test_the_demo_copy_of_the_govcn_data_is_the_shared_one():
    with gzip.open(DATA / "govcn-policy.jsonl.gz", "rt", encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert first["url"].startswith("http://www.gov.cn/zhengce/content/")


# --- the seeded demo ----------------------------------------------------------------------------


def _visible_text_without_notice(page_html: str) -> str:
    root = lxml_html.fromstring(page_html)
    for notice in root.xpath("//*[@data-demo-notice]"):
        notice.drop_tree()
    body = root.find("body")
    return body.text_content()


@pytest.mark.django_db
def test_the_seeded_demo(client, settings):
    """One seed (it takes a while) and every check on what it made."""
    from wagtail.models import Revision

    from gongkai.catalog.models import CatalogRecord
    from gongkai.org.models import Bureau, Department
    from gongkai.review.models import ReviewRecord
    from gongkai.review.seeds import _publish_reviewed

    settings.DEMO_MODE = True
    call_command(
        "seed_demo", "--only", "org", "portal", "catalog", "review", "search", stdout=StringIO()
    )
    records = list(CatalogRecord.objects.live().specific())
    assert len(records) > 100

    # The public says 社保卡; the bureau writes 社会保障卡: the demo's synonyms bridge them.
    page = client.get("/search/", {"q": "社保卡"}).content.decode()
    text = lxml.html.fromstring(page).text_content()
    assert "同时搜索了：社会保障卡" in text
    assert "社会保障卡申领办事指南" in text  # the title, highlighted

    # No body consists of headings only.
    for record in records:
        prose = prose_blocks(record.body)
        assert any(len(text) >= 20 for text in prose), f"{record.slug}: headings only"
    # No two records share a body.
    bodies = [r.body for r in records]
    assert len(set(bodies)) == len(bodies)

    # 上级文件: dates from the data, or unknown.
    rows = {f"gov-{row['id']:03d}": row for row in govcn_rows()}
    superior = [r for r in records if r.get_parent().slug == "superior"]
    assert superior and len(superior) < len(rows)
    for record in superior:
        row = rows[record.slug]
        assert bears_on_hrss(row)
        assert record.publication_date == govcn_publication_date(row["url"])
        assert record.formed_date == record.publication_date
        assert record.written_date == signature_date(row["text"], row["office"])
        assert row["url"] in record.body

    # Every department has an office phone in 毕节's area code; no value says 演示.
    phones = dict(Department.objects.values_list("code", "phone"))
    assert phones and all(re.fullmatch(r"0857-8\d{6}", p) for p in phones.values()), phones
    bureau = Bureau.load()
    for value in (bureau.address, bureau.phone, bureau.fax, bureau.website_record):
        assert "演示" not in value

    # The demo notice: once, in the footer of each public page, nowhere else.
    plan = CatalogRecord.objects.get(slug="2019-work-plan")
    employment = CatalogRecord.objects.get(slug="gov-039")
    for url in ("/", plan.url, employment.url, "/gongkai/guide/", f"{plan.url}?print=1"):
        page = client.get(url).content.decode()
        root = lxml_html.fromstring(page)
        notices = root.xpath("//*[@data-demo-notice]")
        assert len(notices) == 1, url
        assert "演示" in notices[0].text_content()
        if "print" not in url:
            assert notices[0].xpath("ancestor::footer"), url
        assert "演示" not in _visible_text_without_notice(page), url
    guide = client.get("/gongkai/guide/").content.decode()
    assert phones["employment-bureau"] in guide
    record_page = client.get(employment.url).content.decode()
    assert "不详" not in record_page  # 国发〔2018〕39号 is signed 2018-11-16
    assert "2018-11-16" in record_page and "2018-12-05" in record_page
    assert phones["office"] in record_page  # the responsible department's phone

    settings.DEMO_MODE = False
    assert "data-demo-notice" not in client.get("/").content.decode()

    # An unknown 成文日期 is shown as unknown.
    CatalogRecord.objects.filter(pk=employment.pk).update(written_date=None)
    assert "不详" in client.get(employment.url).content.decode()

    # A re-seed over an older demo brings it up to date, through a reviewed revision.
    progress = CatalogRecord.objects.get(slug="2020-progress")
    CatalogRecord.objects.filter(pk=progress.pk).update(
        body="<p>一、目标任务</p><p>二、主要措施和责任分工</p>"
    )
    CatalogRecord.objects.filter(pk=employment.pk).update(written_date=date(2018, 3, 2))
    budget = CatalogRecord.objects.get(slug="2020-budget")
    CatalogRecord.objects.filter(pk=budget.pk).update(
        body="<p>一、部门主要职责及机构设置情况</p><p>二、收支总体情况</p>"
    )
    column = superior[0].get_parent()
    unrelated = CatalogRecord(
        title="国务院办公厅关于同意以哈尔滨市名义申办2009年第二十四届世界大学生冬季运动会的复函",
        slug="gov-024",
        live=False,
        formed_date=date(2018, 12, 24),
        publication_date=date(2018, 12, 24),
        written_date=date(2004, 9, 30),
        topic=employment.topic,
        genre=employment.genre,
        department=employment.department,
        body="<p>同意以哈尔滨市名义申办。</p>",
    )
    column.add_child(instance=unrelated)
    _publish_reviewed(unrelated)
    revisions = Revision.objects.count()
    reviews = ReviewRecord.objects.count()

    call_command("seed_demo", "--only", "review", stdout=StringIO())
    progress.refresh_from_db()
    employment.refresh_from_db()
    unrelated.refresh_from_db()
    assert any(len(t) >= 20 for t in prose_blocks(progress.body))
    assert employment.written_date == date(2018, 11, 16)
    assert not unrelated.live
    assert Revision.objects.count() == revisions + 3  # one reviewed revision per update
    assert ReviewRecord.objects.count() == reviews + 3
    # The budget's Word copy was made again from the new text.
    budget = CatalogRecord.objects.get(pk=budget.pk)
    (attachment,) = budget.attachments.all()
    with attachment.document.file.open("rb") as fh:
        word = "\n".join(p.text for p in docx.Document(fh).paragraphs)
    assert "“三公”经费预算数合计" in word

    # A second run over an up-to-date demo changes nothing.
    call_command("seed_demo", "--only", "review", stdout=StringIO())
    assert Revision.objects.count() == revisions + 3
