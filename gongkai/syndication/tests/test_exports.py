"""The three exports of a public record: Weibo text, WeChat article, share image."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from lxml import html as lxml_html
from PIL import Image

from gongkai.catalog.models import CatalogRecord
from gongkai.syndication import share_image
from gongkai.syndication.registry import Essential, adapter_for
from gongkai.syndication.selectors import public_syndicated
from gongkai.syndication.services import share_png, weibo_post
from gongkai.syndication.wechat import wechat_article
from gongkai.syndication.weibo import WEIBO_LIMIT, weibo_length, weibo_text

pytestmark = pytest.mark.django_db

SITE = "https://gk.example.gov.cn"


# --- the registry and the catalogue's adapter ------------------------------------------


def test_the_catalogue_registers_its_records(shared):
    adapter = adapter_for(CatalogRecord)
    assert adapter is not None and adapter_for(shared.record) is adapter
    record = shared.record
    assert adapter.title(record) == "关于做好2026年就业补贴申领工作的通知"
    assert adapter.summary(record) == "明确2026年就业补贴的申领条件、材料和办理流程。"
    assert [(row.label, row.value) for row in adapter.essentials(record)] == [
        ("发布机构", "测试市人力资源和社会保障局"),
        ("文号", "毕人社发〔2026〕12号"),
        ("发布日期", "2026-03-02"),
        ("索引号", record.index_number),
    ]
    assert adapter.url(record) == SITE + record.url
    assert [image.pk for image in adapter.images(record)] == [shared.image.pk]
    (attached,) = adapter.attachments(record)
    assert attached.title == "附件1：就业补贴申领表"
    assert attached.url.startswith(SITE + "/documents/")


def test_the_selector_exports_only_what_is_public(shared):
    assert public_syndicated(shared.record.pk)[1] == shared.record
    for hidden in (shared.draft, shared.withdrawn, shared.withheld, shared.expired):
        assert public_syndicated(hidden.pk) is None, hidden.title
    assert public_syndicated(shared.cat.results.pk) is None  # a column: not syndicated
    assert public_syndicated(999_999) is None
    assert public_syndicated(2**63) is None


# --- Weibo --------------------------------------------------------------------------------


def test_weibo_counts_as_weibo_does():
    # WeCase's checks of its counter against weibo.com (WeCase/WeCase src/TweetUtils.py).
    assert weibo_length("我司CEO与我司吉祥物...好大一坨！") == 16
    assert weibo_length("Test") == 2
    # Any link up to 140 bytes counts 10, however long.
    assert weibo_length("看 http://a.example/" + "x" * 100) == 12  # 1 + ½ + 10, rounded up
    assert weibo_length("http://a.example/x") == weibo_length("https://a.example/" + "y" * 90)


@pytest.mark.parametrize(
    "title, summary",
    [
        ("关于做好就业补贴申领工作的通知", ""),
        ("关于" + "进一步做好高校毕业生等重点群体就业创业工作" * 12 + "的通知", "摘要。" * 50),
        ("Notice " * 60, "summary. " * 80),
        ("短标题", "第一句说明申领条件。第二句说明办理流程。" * 20),
    ],
)
def test_weibo_post_stays_within_the_limit_and_keeps_the_link(title, summary):
    url = SITE + "/results/employment/guanyu-zuohao-jiuye-butie/"
    essentials = [
        Essential("发布机构", "测试市人力资源和社会保障局"),
        Essential("文号", "毕人社发〔2026〕12号"),
    ]
    text = weibo_text(title=title, essentials=essentials, summary=summary, url=url)
    assert weibo_length(text) <= WEIBO_LIMIT
    assert text.endswith(url)  # whole, at the end
    assert text.startswith("【")
    if weibo_length(f"【{title}】") < WEIBO_LIMIT - 20 and summary:
        assert "…" in text or summary.strip() in text


def test_weibo_cuts_at_a_sentence_end():
    summary = "第一句说明申领条件。第二句说明办理流程。" * 20
    text = weibo_text(title="短标题", essentials=[], summary=summary, url=SITE + "/r/1/")
    body = text.split(" ")[0]
    assert body.endswith("。…") or body.endswith("…")
    assert "。…" not in body or body.index("。…") == len(body) - 2
    assert re.search(r"条件。|流程。", body)


def test_weibo_post_of_a_record(shared):
    adapter = adapter_for(shared.record)
    text = weibo_post(adapter, shared.record)
    assert text.startswith(
        "【关于做好2026年就业补贴申领工作的通知】发布机构：测试市人力资源和社会保障局"
    )
    assert "文号：毕人社发〔2026〕12号" in text
    assert text.endswith("原文：" + SITE + shared.record.url)
    assert weibo_length(text) <= WEIBO_LIMIT


# --- WeChat ---------------------------------------------------------------------------------


def test_wechat_article_has_inline_styles_only_and_absolute_public_urls(shared):
    adapter = adapter_for(shared.record)
    article = wechat_article(adapter, shared.record)
    root = lxml_html.fragment_fromstring(article)
    elements = list(root.iter())
    assert root.tag == "section"
    assert not [e for e in elements if e.get("class") is not None]
    assert not [e for e in elements if e.tag in ("style", "script", "link", "iframe")]
    assert "alert(1)" not in article and "p{color:red}" not in article
    assert not [e for e in elements if any(a.startswith("on") for a in e.attrib)]
    # Headings, paragraphs and the table carry their look inline.
    assert "color:#b3121b" in root.find(".//h2").get("style")
    assert "border-collapse:collapse" in root.find(".//table").get("style")
    for cell in root.iter("td", "th"):
        assert "border:1px solid" in cell.get("style")
    assert "color:red" not in article  # the body's own styles are replaced
    # Only the rendition of the record's own image: absolute on SITE_URL.
    images = root.findall(".//img")
    rendition_urls = {r.url for r in shared.image.renditions.all()}
    assert len(images) == 1
    src = images[0].get("src")
    assert src.startswith(SITE + "/media/images/")
    assert src.removeprefix(SITE) in rendition_urls
    assert "max-width:100%" in images[0].get("style")
    # Every link is absolute on SITE_URL: the guide, the attachment, the original.
    links = [a.get("href") for a in root.iter("a")]
    assert links and all(link.startswith(SITE + "/") for link in links)
    assert SITE + "/gongkai/guide/" in links
    assert any(link.startswith(SITE + "/documents/") for link in links)
    assert links[-1] == SITE + shared.record.url
    assert "原文链接：" in root.text_content()
    assert "发布机构：测试市人力资源和社会保障局" in root.text_content()


# --- the share image --------------------------------------------------------------------------


def test_share_png_shows_a_qr_code_of_the_record_url(shared):
    adapter = adapter_for(shared.record)
    data = share_png(adapter, shared.record)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.size == (1200, 630)
    (code,) = zxingcpp.read_barcodes(picture)
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == SITE + shared.record.url


def test_a_long_title_is_wrapped_within_the_card():
    font = share_image._font(48, bold=True)
    lines = share_image.wrap("关于" + "做好就业补贴申领工作" * 10 + "的通知", font, 700, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 700 + font.getlength("，") for line in lines)
    # No line starts with closing punctuation.
    lines = share_image.wrap("关于做好就业补贴申领工作，" * 4, font, 700, 6)
    assert not [line for line in lines if line[0] in share_image.NO_LINE_START]


def test_a_missing_font_is_a_clear_error(monkeypatch):
    share_image.cjk_font_path.cache_clear()
    monkeypatch.setattr(share_image.shutil, "which", lambda name: None)
    with pytest.raises(share_image.ShareFontMissing, match="fonts-noto-cjk"):
        share_image.cjk_font_path()
    share_image.cjk_font_path.cache_clear()
