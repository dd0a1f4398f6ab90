"""The demo catalogue: the plan itself, real State Council documents and the bureau's own.

About 210 published records across every column and the years 2019–2026,
some repealed by newer versions, some with attachments. Deterministic
(seeded random) and idempotent: a record that exists (same column and slug)
is left alone.
"""

import gzip
import html
import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from gongkai.org.models import Department

from .choices import DisclosureItem, Validity
from .models import CatalogColumnPage, CatalogRecord, Genre, RecordAttachment, TopicCategory
from .services import record_first_publication_attest

DATA = Path(__file__).resolve().parent / "demo_data"
SEED = 20190524

POLICIES = [
    ("就业创业补贴资金管理办法", "employment-bureau", "劳动就业"),
    ("创业担保贷款实施细则", "employment-bureau", "劳动就业"),
    ("职业技能提升行动实施方案", "training", "劳动就业"),
    ("城乡居民基本养老保险实施办法", "pension", "社会保障"),
    ("工伤保险待遇支付规程", "social-insurance", "社会保障"),
    ("人力资源市场管理办法", "talent", "劳动就业"),
    ("高校毕业生就业见习管理办法", "employment-section", "劳动就业"),
    ("农民工工资支付保障办法", "labour-relations", "劳动就业"),
    ("事业单位公开招聘实施办法", "civil-service", "人事工作"),
    ("失业保险稳岗返还实施办法", "employment-section", "社会保障"),
]
SERVICES = [
    ("失业保险金申领", "social-insurance"),
    ("就业困难人员认定", "employment-bureau"),
    ("创业担保贷款申请", "employment-bureau"),
    ("职业技能等级证书查询", "training"),
    ("工伤认定申请", "social-insurance"),
    ("劳动保障监察投诉", "inspection"),
    ("劳动人事争议仲裁申请", "arbitration"),
    ("城乡居民养老保险参保登记", "pension"),
]


@dataclass
class Spec:
    column: str  # path of slugs below the home page, e.g. "decisions/normative"
    slug: str
    title: str
    genre: str
    topic: str
    department: str
    item: str
    written: date
    doc_number: str = ""
    publisher: str = ""
    summary: str = ""
    keywords: str = ""
    paragraphs: list[str] = field(default_factory=list)
    validity: str = Validity.VALID
    replaced_by: str | None = None  # slug of the replacing record, same column
    attachment: bool = False
    publish_delay: int = 3  # days between writing and publishing
    # Days between the information reaching the bureau and its publication; None means
    # it was formed here on the day it was written. A forwarded superior document is
    # "formed" for the bureau when it arrives, not on the State Council's date.
    received_before_publication: int | None = None


def _paragraphs_from_text(text: str, limit: int = 12) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:limit]


def _plan_spec() -> Spec:
    text = (DATA / "work-plan-2019.txt").read_text(encoding="utf-8")
    body = [line.strip() for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(body) if line.startswith("根据"))
    return Spec(
        column="disclosure/work",
        slug="2019-work-plan",
        title="毕节市人力资源和社会保障局2019年政务公开工作方案",
        genre="工作方案",
        topic="劳动、人事、监察",
        department="office",
        item=DisclosureItem.OTHER,
        written=date(2019, 5, 24),
        summary="推进决策、执行、管理、服务、结果公开，强化政策解读和政民互动，明确责任部门和工作措施。",
        keywords="政务公开 工作方案 2019",
        paragraphs=body[start:],
    )


def _rules_specs() -> list[Spec]:
    """公开制度: the bureau's own rules for openness, as the plan's 三(一)–(三) set them."""
    return [
        Spec(
            column="disclosure/rules",
            slug="confidentiality-review-rules",
            title="毕节市人力资源和社会保障局政府信息公开保密审查制度",
            genre="规定",
            topic="劳动、人事、监察",
            department="office",
            item=DisclosureItem.OTHER,
            written=date(2019, 6, 10),
            summary="拟公开的政府信息实行先审查、后公开，一事一审，谁公开谁审查谁负责。",
            keywords="保密审查 政务公开",
            paragraphs=[
                "第一条 为规范政府信息公开保密审查工作，根据《中华人民共和国政府信息公开条例》第十七条，制定本制度。",
                "第二条 拟公开的政府信息实行先审查、后公开，一事一审，谁公开谁审查谁负责。",
                "第三条 起草科室（单位）负责初审，局办公室负责保密审查（复审），分管领导签发。",
                "第四条 审查内容包括国家秘密、工作秘密、商业秘密、个人隐私以及是否危及“三安全一稳定”。",
                "第五条 公开前应当对个人信息进行去标识化处理，法律法规另有规定的除外。",
            ],
        ),
        Spec(
            column="disclosure/rules",
            slug="assessment-rules",
            title="毕节市人力资源和社会保障局政务公开工作考核办法",
            genre="办法",
            topic="劳动、人事、监察",
            department="office",
            item=DisclosureItem.OTHER,
            written=date(2019, 6, 20),
            summary="将政务公开工作纳入目标考核，设定目标分值，按照考核办法严格执行。",
            keywords="考核 政务公开",
            paragraphs=[
                "第一条 为落实政务公开工作责任，将政务公开工作纳入各科室、单位目标考核。",
                "第二条 考核内容包括信息发布的及时性、准确性，政策解读，政民互动回应情况。",
                "第三条 考核结果作为年度目标考核的重要依据。",
            ],
        ),
    ]


def _superior_specs() -> list[Spec]:
    with gzip.open(DATA / "govcn-policy.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    specs = []
    crawled = date(2019, 2, 17)  # when the bureau's site carried them
    for row in rows:
        number = row["number"]
        year = int(number.split("〔")[1][:4]) if "〔" in number else 2019
        written = date(year, 1, 1) + timedelta(days=(row["id"] * 37) % 330)
        specs.append(
            Spec(
                column="results/superior",
                slug=f"gov-{row['id']:03d}",
                title=row["title"],
                genre="通知" if "通知" in row["title"] else "意见",
                topic="综合政务",
                department="office",
                item=DisclosureItem.REGULATIONS,
                written=written,
                publish_delay=max(3, (crawled - written).days + 1),
                received_before_publication=2,
                doc_number=number,
                publisher=row["office"],
                summary=row["title"][:100],
                paragraphs=_paragraphs_from_text(row["text"], 30),
            )
        )
    return specs


def _normative_body(name: str, year: int) -> list[str]:
    return [
        "各县（自治县、市、区）人力资源和社会保障局，局机关各科室、局属各单位：",
        f"现将《毕节市{name}》印发给你们，请认真贯彻执行。",
        f"毕节市{name}",
        "第一章 总则",
        "第一条 为规范管理，保障劳动者合法权益，根据有关法律法规和政策规定，结合我市实际，制定本办法。",
        "第二条 本办法适用于本市行政区域内的相关单位和个人。",
        "第三条 市人力资源和社会保障部门负责本办法的组织实施，各县（自治县、市、区）人力资源和社会保障部门按照职责做好具体工作。",
        "第二章 申请条件和程序",
        "第四条 申请人应当如实提交申请材料，经办机构应当在规定时限内办结并告知结果。",
        "第五条 办理结果应当按照规定予以公示，接受社会监督。",
        "第三章 附则",
        f"第六条 本办法自{year}年发布之日起施行。",
    ]


def _bureau_specs(rng: random.Random) -> list[Spec]:
    specs: list[Spec] = []
    seq = {year: 0 for year in range(2019, 2027)}

    def doc_number(year: int) -> str:
        seq[year] += rng.randint(1, 4)
        return f"毕人社发〔{year}〕{seq[year]}号"

    # Normative documents: each policy issued once, three of them revised later.
    for i, (name, dept, topic) in enumerate(POLICIES):
        year = 2019 + i % 4
        written = date(year, 3 + i % 8, 5 + i)
        slug = f"normative-{i + 1:02d}"
        spec = Spec(
            column="decisions/normative",
            slug=slug,
            title=f"关于印发《毕节市{name}》的通知",
            genre="通知",
            topic=topic,
            department=dept,
            item=DisclosureItem.REGULATIONS,
            written=written,
            doc_number=doc_number(year),
            summary=f"印发《毕节市{name}》，明确适用范围、申请条件、办理程序和监督管理要求。",
            keywords=name,
            paragraphs=_normative_body(name, year),
            attachment=i % 3 == 0,
        )
        if i < 3:
            new_year = year + 4
            new_slug = f"normative-{i + 1:02d}-revised"
            spec.validity = Validity.REPEALED
            spec.replaced_by = new_slug
            specs.append(
                Spec(
                    column="decisions/normative",
                    slug=new_slug,
                    title=f"关于印发《毕节市{name}（修订）》的通知",
                    genre="通知",
                    topic=topic,
                    department=dept,
                    item=DisclosureItem.REGULATIONS,
                    written=date(new_year, 4, 10 + i),
                    doc_number=doc_number(new_year),
                    summary=f"修订《毕节市{name}》，原{written.year}年印发的版本同时废止。",
                    keywords=name,
                    paragraphs=_normative_body(f"{name}（修订）", new_year),
                    attachment=True,
                )
            )
        specs.append(spec)

    for year in range(2019, 2027):
        # Consultations on drafts (决策预公开).
        name, dept, topic = POLICIES[year % len(POLICIES)]
        specs.append(
            Spec(
                column="decisions/drafts",
                slug=f"{year}-draft",
                title=f"关于公开征求《毕节市{name}（征求意见稿）》意见的公告",
                genre="公告",
                topic=topic,
                department=dept,
                item=DisclosureItem.PLANS,
                written=date(year, 2, 20),
                summary="公布决策草案和依据，公开征求社会公众意见，征求意见期为30日。",
                paragraphs=[
                    f"为提高决策的科学性和透明度，现将《毕节市{name}（征求意见稿）》全文公布，公开征求社会各界意见。",
                    "公众可通过电子邮件、信函等方式提出意见建议，请注明真实姓名和联系方式。",
                ],
            )
        )
        # Budgets and final accounts.
        for kind, month in (("部门预算", 2), ("部门决算", 8)):
            specs.append(
                Spec(
                    column="management/budgets",
                    slug=f"{year}-{'budget' if kind == '部门预算' else 'accounts'}",
                    title=f"毕节市人力资源和社会保障局{year}年{kind}公开",
                    genre="公告",
                    topic="财政、金融、审计",
                    department="finance",
                    item=DisclosureItem.BUDGETS,
                    written=date(year, month, 15),
                    summary=f"公开本局{year}年{kind}及“三公”经费情况。",
                    paragraphs=[
                        f"根据预决算公开有关规定，现将毕节市人力资源和社会保障局{year}年{kind}公开如下。",
                        "一、部门主要职责及机构设置情况",
                        "二、收支总体情况",
                        "三、“三公”经费情况说明",
                    ],
                    attachment=kind == "部门预算",
                )
            )
        # Quarterly employment subsidy publicity and poverty-alleviation training.
        for quarter in range(1, 5):
            written = date(year, quarter * 3, 10)
            if written > date(2026, 11, 20):
                continue
            specs.append(
                Spec(
                    column="results/employment",
                    slug=f"{year}-q{quarter}-subsidies",
                    title=f"{year}年第{quarter}季度就业创业补贴发放情况公示",
                    genre="公示",
                    topic="劳动就业",
                    department="employment-bureau",
                    item=DisclosureItem.PUBLIC_SERVICES,
                    written=written,
                    summary="公示本季度社会保险补贴、岗位补贴、创业补贴等发放情况，接受社会监督。",
                    paragraphs=[
                        f"根据就业补贴资金管理有关规定，现将{year}年第{quarter}季度就业创业补贴发放情况予以公示。",
                        "公示期为5个工作日。如有异议，请在公示期内向市就业局反映。",
                    ],
                    publish_delay=rng.choice([2, 3, 5, 40]),
                )
            )
            if quarter in (2, 4):
                specs.append(
                    Spec(
                        column="results/poverty",
                        slug=f"{year}-h{quarter // 2}-training",
                        title=f"{year}年{'上' if quarter == 2 else '下'}半年建档立卡贫困劳动力技能培训情况",
                        genre="工作动态",
                        topic="劳动就业",
                        department="training",
                        item=DisclosureItem.PUBLIC_SERVICES,
                        written=written + timedelta(days=20),
                        summary="公开建档立卡贫困劳动力参加职业技能培训的人数、工种和就业情况。",
                        paragraphs=[
                            "按照精准扶贫、精准脱贫要求，我局组织开展建档立卡贫困劳动力技能培训。",
                            "培训涵盖电工、焊工、家政服务、种养殖等工种，培训合格后推荐就业。",
                        ],
                    )
                )
        # Recruitment fairs and job information (就业招聘信息, plan 二(五)1).
        for month, event in (
            (2, "春风行动"),
            (4, "民营企业招聘月"),
            (6, "高校毕业生专场"),
            (9, "金秋招聘月"),
            (11, "就业援助月"),
        ):
            written = date(year, month, 12)
            if written > date(2026, 11, 20):
                continue
            specs.append(
                Spec(
                    column="results/employment",
                    slug=f"{year}-{month:02d}-jobs",
                    title=f"{year}年“{event}”现场招聘会岗位信息",
                    genre="公告",
                    topic="劳动就业",
                    department="employment-bureau",
                    item=DisclosureItem.PUBLIC_SERVICES,
                    written=written,
                    summary=f"发布{year}年“{event}”招聘会时间、地点、参会企业和岗位信息。",
                    paragraphs=[
                        f"为促进城乡劳动者就业，市就业局将举办{year}年“{event}”现场招聘会。",
                        "参会企业提供制造、建筑、服务、电商等岗位，求职者请携带身份证和简历参加。",
                    ],
                )
            )
        # Progress of major decisions.
        specs.append(
            Spec(
                column="execution/progress",
                slug=f"{year}-progress",
                title=f"{year}年稳就业重大决策部署落实情况",
                genre="工作动态",
                topic="劳动就业",
                department="employment-section",
                item=DisclosureItem.PLANS,
                written=date(year, 7, 1),
                summary="公开目标任务、主要措施、责任分工、工作进展和存在问题。",
                paragraphs=[
                    "一、目标任务",
                    "二、主要措施和责任分工",
                    "三、工作进展",
                    "四、存在问题和后续举措",
                ],
            )
        )
        # The yearly openness work plan.
        if year > 2019:
            specs.append(
                Spec(
                    column="disclosure/work",
                    slug=f"{year}-work-plan",
                    title=f"毕节市人力资源和社会保障局{year}年政务公开工作方案",
                    genre="工作方案",
                    topic="劳动、人事、监察",
                    department="office",
                    item=DisclosureItem.OTHER,
                    written=date(year, 4, 20),
                    doc_number=doc_number(year),
                    summary="部署本年度决策、执行、管理、服务、结果公开和政策解读、政民互动工作。",
                    paragraphs=[
                        "一、工作要求",
                        "二、工作内容",
                        "三、工作措施",
                    ],
                )
            )

    # Service guides (办事指南).
    for i, (name, dept) in enumerate(SERVICES):
        specs.append(
            Spec(
                column="services/guides",
                slug=f"guide-{i + 1:02d}",
                title=f"{name}办事指南",
                genre="其他",
                topic="劳动就业" if dept in ("employment-bureau", "training") else "社会保障",
                department=dept,
                item=DisclosureItem.LICENSING,
                written=date(2020 + i % 6, 1 + i, 8),
                summary=f"{name}的办理依据、申请条件、所需材料、办理流程和时限。",
                paragraphs=[
                    "一、事项名称",
                    f"{name}",
                    "二、设定依据",
                    "三、申请条件",
                    "四、申请材料",
                    "五、办理流程",
                    "六、办理时限",
                    "七、收费标准：不收费",
                    "八、咨询方式",
                ],
            )
        )
    return specs


def demo_specs() -> list[Spec]:
    rng = random.Random(SEED)
    return [_plan_spec(), *_rules_specs(), *_superior_specs(), *_bureau_specs(rng)]


def _body_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _column(home: Page, path: str) -> CatalogColumnPage:
    page = home
    for slug in path.split("/"):
        page = page.get_children().get(slug=slug)
    return page.specific


def seed_demo_records(*, publish) -> int:
    """Create the demo records that do not exist yet; `publish(page)` publishes one.

    Returns the number created. Records are created in an order where a
    replacing record exists before the one it repeals.
    """
    home = Site.objects.get(is_default_site=True).root_page
    topics = {t.name: t for t in TopicCategory.objects.all()}
    genres = {g.name: g for g in Genre.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    specs = demo_specs()
    by_slug = {spec.slug: spec for spec in specs}
    # Replacements first, so the repealed record can link to them.
    specs.sort(key=lambda s: s.replaced_by is not None)
    created = 0
    Document = get_document_model()
    for spec in specs:
        column = _column(home, spec.column)
        if column.get_children().filter(slug=spec.slug).exists():
            continue
        replaced_by = None
        if spec.replaced_by:
            target = by_slug[spec.replaced_by]
            replaced_by = (
                CatalogRecord.objects.child_of(_column(home, target.column))
                .filter(slug=target.slug)
                .first()
            )
        publication_date = min(
            spec.written + timedelta(days=spec.publish_delay), date(2026, 11, 27)
        )
        formed = (
            spec.written
            if spec.received_before_publication is None
            else publication_date - timedelta(days=spec.received_before_publication)
        )
        page = CatalogRecord(
            title=spec.title,
            slug=spec.slug,
            live=False,
            topic=topics[spec.topic],
            genre=genres[spec.genre],
            department=departments[spec.department],
            publisher=spec.publisher,
            doc_number=spec.doc_number,
            written_date=spec.written,
            formed_date=formed,
            publication_date=publication_date,
            validity=spec.validity,
            replaced_by=replaced_by,
            keywords=spec.keywords,
            summary=spec.summary[:100],
            disclosure_item=spec.item,
            body=_body_html(spec.paragraphs),
        )
        if spec.attachment:
            document = Document(title=f"{spec.title}（附件）")
            document.file.save(
                f"{spec.slug}.docx",
                ContentFile(_docx_bytes(spec.title, spec.paragraphs)),
                save=False,
            )
            document.save()
            page.attachments.add(RecordAttachment(document=document, title="正文（Word版）"))
        column.add_child(instance=page)
        # The demo bureau published these on its old site on their 发布日期 (条例 第26条
        # counts to that moment), not on the day the demo is loaded.
        record_first_publication_attest(
            record=page, published_on=publication_date, note="演示数据：原网站发布日期"
        )
        publish(page)
        created += 1
    return created
