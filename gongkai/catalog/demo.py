"""The demo catalogue: the plan itself, real State Council documents and the bureau's own.

About 160 published records across every column and the years 2019–2026,
some repealed by newer versions, some with attachments. Deterministic
(seeded random) and idempotent: a record that exists (same column and slug)
is left alone when it matches its spec and brought up to date with a new,
reviewed revision when an older demo seeded it differently.
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
from .demo_text import (
    Block,
    bears_on_hrss,
    blocks_html,
    govcn_blocks,
    govcn_publication_date,
    lead_summary,
    lines_to_blocks,
    plan_blocks,
    signature_date,
)
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
    ("工伤认定申请", "work-injury"),  # decided by the bureau itself (工伤保险条例 第17条)
    ("劳动保障监察投诉", "inspection"),
    ("劳动人事争议仲裁申请", "arbitration"),
    ("城乡居民养老保险参保登记", "pension"),
    ("社会保障卡申领", "social-insurance"),
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
    # 成文日期. None when the data does not say it: it is shown as 不详, never made up.
    written: date | None
    doc_number: str = ""
    publisher: str = ""
    summary: str = ""
    keywords: str = ""
    paragraphs: list[str] = field(default_factory=list)
    # The body as reflowed blocks; when empty, `paragraphs` one block each.
    blocks: list[Block] = field(default_factory=list)
    # Trusted HTML appended to the body (the link to a superior document's original).
    body_suffix: str = ""
    validity: str = Validity.VALID
    replaced_by: str | None = None  # slug of the replacing record, same column
    attachment: bool = False
    publish_delay: int = 3  # days between writing and publishing
    # An explicit 发布日期 and 信息形成日期, where the data gives them (superior documents).
    published: date | None = None
    formed: date | None = None

    def body_html(self) -> str:
        return blocks_html(self.blocks or lines_to_blocks(self.paragraphs)) + self.body_suffix

    def publication_date(self) -> date:
        if self.published is not None:
            return self.published
        return min(self.written + timedelta(days=self.publish_delay), LAST_DEMO_DAY)

    def formed_date(self) -> date:
        return self.formed or self.written or self.publication_date()


LAST_DEMO_DAY = date(2026, 11, 27)


def _plan_spec() -> Spec:
    text = (DATA / "work-plan-2019.txt").read_text(encoding="utf-8")
    blocks = plan_blocks(text)
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
        paragraphs=[b.text for b in blocks],
        blocks=blocks,
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


def govcn_rows() -> list[dict]:
    with gzip.open(DATA / "govcn-policy.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# The topic class of a superior document, by a word of its title; 综合政务 otherwise.
SUPERIOR_TOPICS = (
    ("就业", "劳动就业"),
    ("节假日", "劳动、人事、监察"),
    ("职业教育", "科技、教育"),
    ("科研", "科技、教育"),
    ("文化", "文化、广电、新闻出版"),
    ("体育", "卫生、体育"),
    ("扶贫", "民政、扶贫、救灾"),
    ("自由贸易", "商贸、海关、旅游"),
)


def _superior_specs() -> list[Spec]:
    """上级文件: the State Council documents of the data set that bear on 人社 work.

    Dates are only those the data carries. 发布日期 is the day gov.cn published the
    document (its URL says so), and the bureau's column carries it from that day. The
    information was formed for the bureau when it was published, so 信息形成日期 is the
    same day; the bureau neither wrote nor changed it. 成文日期 is the date under the
    issuer's signature in the text, or unknown (None) where the text has none.
    """
    specs = []
    for row in govcn_rows():
        if not bears_on_hrss(row):
            continue
        published = govcn_publication_date(row["url"])
        if published is None:  # no day in the URL: such a document is not seeded
            continue
        topic = next((t for key, t in SUPERIOR_TOPICS if key in row["title"]), "综合政务")
        blocks = govcn_blocks(row["text"], row["number"])
        url = html.escape(row["url"])
        specs.append(
            Spec(
                column="results/superior",
                slug=f"gov-{row['id']:03d}",
                title=row["title"],
                genre=_superior_genre(row["title"]),
                topic=topic,
                department="office",
                item=DisclosureItem.REGULATIONS,
                written=signature_date(row["text"], row["office"]),
                published=published,
                formed=published,
                doc_number=row["number"],
                publisher=row["office"],
                summary=lead_summary(blocks),
                paragraphs=[b.text for b in blocks],
                blocks=blocks,
                body_suffix=f'<p>来源：中国政府网，<a href="{url}">{url}</a></p>',
            )
        )
    return specs


def _superior_genre(title: str) -> str:
    for genre in ("通知", "意见", "批复", "决定"):
        if title.endswith(genre):
            return genre
    return "通知" if "通知" in title else "意见"


# What each demo policy is about: its legal basis and the articles that make it itself,
# so that no two normative documents share a body.
POLICY_TEXTS = {
    "就业创业补贴资金管理办法": (
        "《就业补助资金管理办法》（财社〔2017〕164号）",
        [
            "就业补助资金用于职业培训补贴、职业技能鉴定补贴、社会保险补贴、公益性岗位补贴、就业见习补贴、求职创业补贴和创业补贴等支出。",
            "补贴资金实行专款专用，通过申请人的社会保障卡银行账户或者单位基本账户发放，不得以现金发放。",
            "享受补贴的单位和人员名单、补贴标准和金额，在发放前公示5个工作日。",
        ],
    ),
    "创业担保贷款实施细则": (
        "《财政部 人力资源社会保障部 中国人民银行关于进一步做好创业担保贷款财政贴息工作的通知》（财金〔2018〕22号）",
        [
            "城镇登记失业人员、就业困难人员、复员转业退役军人、返乡创业农民工、高校毕业生等自主创业的，可以申请创业担保贷款。",
            "贷款期限最长不超过3年，贷款额度和贴息标准按照国家和省有关规定执行。",
            "经办银行应当自受理之日起15个工作日内完成贷款审核，对不予贷款的书面说明理由。",
        ],
    ),
    "职业技能提升行动实施方案": (
        "《国务院办公厅关于印发职业技能提升行动方案（2019—2021年）的通知》（国办发〔2019〕24号）",
        [
            "面向企业职工、就业重点群体和建档立卡贫困劳动力开展职业技能培训，每年培训一定数量的劳动者。",
            "企业职工岗位技能提升培训、以工代训按规定给予职业培训补贴，补贴资金从失业保险基金结余中列支。",
            "培训机构名录、培训项目和补贴标准向社会公开，接受社会监督。",
        ],
    ),
    "城乡居民基本养老保险实施办法": (
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        [
            "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民，可以在户籍地参加城乡居民基本养老保险。",
            "个人缴费设若干档次，参保人自主选择档次缴费，多缴多得；政府对符合条件的参保人给予缴费补贴。",
            "参保人年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的，可以按月领取养老金。",
        ],
    ),
    "工伤保险待遇支付规程": (
        "《工伤保险条例》",
        [
            "职工经工伤认定和劳动能力鉴定后，由用人单位或者本人向社会保险经办机构申请核定工伤保险待遇。",
            "治疗工伤发生的符合工伤保险诊疗项目目录、药品目录、住院服务标准的费用，从工伤保险基金支付。",
            "经办机构应当自受理之日起10个工作日内核定待遇，并将核定结果书面告知申请人。",
        ],
    ),
    "人力资源市场管理办法": (
        "《人力资源市场暂行条例》",
        [
            "经营性人力资源服务机构从事职业中介活动的，应当依法取得人力资源服务许可证。",
            "人力资源服务机构发布招聘信息不得含有民族、种族、性别、宗教信仰等方面的歧视性内容。",
            "人力资源社会保障部门对人力资源服务机构实行年度报告公示制度，公示内容通过局门户网站向社会公开。",
        ],
    ),
    "高校毕业生就业见习管理办法": (
        "《关于实施三年百万青年见习计划的通知》（人社部发〔2018〕39号）",
        [
            "见习对象为离校2年内未就业高校毕业生和16至24岁失业青年，见习期限一般为3至12个月。",
            "见习单位应当与见习人员签订见习协议，按照不低于当地最低工资标准发放基本生活费，并为其办理人身意外伤害保险。",
            "见习单位名单和见习岗位通过局门户网站和人力资源市场定期公布。",
        ],
    ),
    "农民工工资支付保障办法": (
        "《保障农民工工资支付条例》",
        [
            "用人单位应当以货币形式，通过银行转账或者现金支付给农民工本人，不得以实物或者有价证券等其他形式替代。",
            "工程建设领域实行农民工工资专用账户管理、实名制管理和工资保证金制度。",
            "人力资源社会保障部门设立并公开拖欠农民工工资投诉举报电话，依法查处拖欠工资行为，并向社会公布重大劳动保障违法行为。",
        ],
    ),
    "事业单位公开招聘实施办法": (
        "《事业单位人事管理条例》和《事业单位公开招聘人员暂行规定》",
        [
            "事业单位新聘用工作人员，除国家政策性安置、按照人事管理权限由上级任命及涉密岗位等确需使用其他方法选拔任用人员外，一律实行公开招聘。",
            "招聘公告应当公布招聘单位、岗位、人数、条件、程序和时间，公告期不少于7个工作日。",
            "拟聘用人员名单在局门户网站公示，公示期不少于7个工作日。",
        ],
    ),
    "失业保险稳岗返还实施办法": (
        "《中华人民共和国社会保险法》和《失业保险条例》",
        [
            "依法参加失业保险并足额缴纳失业保险费、上年度未裁员或者裁员率不高于规定标准的企业，可以申请失业保险稳岗返还。",
            "返还资金主要用于职工生活补助、缴纳社会保险费、转岗培训和技能提升培训等支出。",
            "享受稳岗返还的企业名单和返还金额向社会公示，接受社会监督。",
        ],
    ),
}


def _normative_body(name: str, year: int) -> list[str]:
    base = name.removesuffix("（修订）")
    basis, articles = POLICY_TEXTS[base]
    numbered = [f"第{'四五六七八'[i]}条 {text}" for i, text in enumerate(articles)]
    return [
        "各县（自治县、市、区）人力资源和社会保障局，局机关各科室、局属各单位：",
        f"现将《毕节市{name}》印发给你们，请认真贯彻执行。执行中遇到的问题，请及时向市人力资源和社会保障局反映。",
        f"毕节市{name}",
        "第一章 总则",
        f"第一条 为规范管理，保障劳动者合法权益，根据{basis}等有关规定，结合我市实际，制定本办法。",
        "第二条 本办法适用于本市行政区域内的相关单位和个人。",
        "第三条 市人力资源和社会保障部门负责本办法的组织实施，各县（自治县、市、区）人力资源和社会保障部门按照职责做好具体工作。",
        "第二章 主要内容",
        *numbered,
        "第三章 附则",
        f"第{'四五六七八'[len(articles)]}条 本办法由市人力资源和社会保障局负责解释，自{year}年发布之日起施行。",
    ]


def _wan(value: float) -> str:
    return f"{value:,.2f}万元"


def _budget_body(year: int, kind: str, rng: random.Random) -> list[str]:
    """部门预算/决算公开: duties, totals and the “三公” funds, in prose (figures are demo data)."""
    figure = "预算数" if kind == "部门预算" else "决算数"
    basic = rng.uniform(5200, 6400)
    project = rng.uniform(2600, 4800)
    total = basic + project
    car = rng.uniform(18, 32)
    reception = rng.uniform(3, 9)
    return [
        f"根据《中华人民共和国预算法》和地方预决算公开有关规定，现将毕节市人力资源和社会保障局{year}年{kind}公开如下。",
        "一、部门主要职责及机构设置情况",
        "毕节市人力资源和社会保障局是市人民政府工作部门，负责全市就业创业、社会保险、劳动关系、人事人才和职业能力建设等工作。"
        "纳入本部门汇总范围的单位包括局机关及市就业局、市社会保险事业局、市劳动保障监察支队、市劳动人事争议仲裁院、信息中心等所属单位。",
        "二、收支总体情况",
        f"{year}年收入、支出{figure}均为{_wan(total)}，其中一般公共预算财政拨款{_wan(total - rng.uniform(300, 600))}。"
        f"支出中，基本支出{_wan(basic)}，主要用于人员工资福利和机关日常运转；"
        f"项目支出{_wan(project)}，主要用于就业创业服务、社会保险经办、劳动保障监察和职业技能培训等工作。",
        "三、“三公”经费情况说明",
        f"{year}年“三公”经费{figure}合计{_wan(car + reception)}，其中因公出国（境）费0万元，"
        f"公务用车购置及运行维护费{_wan(car)}，公务接待费{_wan(reception)}。"
        "本部门严格落实中央八项规定及其实施细则精神，从严控制“三公”经费支出。",
        "四、名词解释",
        "基本支出是为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出；项目支出是为完成特定行政工作任务和事业发展目标而发生的支出。",
    ]


def _subsidy_body(year: int, quarter: int, rng: random.Random) -> list[str]:
    """A quarter's 就业创业补贴 publicity: totals per subsidy, no personal data."""
    lines = [
        f"根据《就业补助资金管理办法》和我市就业创业补贴有关规定，现将{year}年第{quarter}季度就业创业补贴发放情况予以公示。",
    ]
    for i, (name, unit) in enumerate(
        (
            ("社会保险补贴", "家单位"),
            ("公益性岗位补贴", "人"),
            ("一次性创业补贴", "人"),
            ("就业见习补贴", "人"),
        ),
        start=1,
    ):
        count = rng.randint(12, 380)
        amount = count * rng.uniform(0.18, 0.9)
        lines.append(f"{i}.{name}：{count}{unit}，金额{_wan(amount)}。")
    lines += [
        "享受补贴的单位和人员名单在市就业局服务大厅公示栏张贴，公示名单已按规定隐去身份证号码和联系电话等个人信息。",
        "公示期为5个工作日。对公示内容有异议的，请在公示期内以书面形式向市就业局反映，并提供联系方式和具体事实。",
    ]
    return lines


def _training_body(year: int, half: int, rng: random.Random) -> list[str]:
    trained = rng.randint(900, 2600)
    employed = int(trained * rng.uniform(0.55, 0.8))
    period = "上" if half == 1 else "下"
    return [
        f"按照精准扶贫、精准脱贫要求和职业技能提升行动部署，{year}年{period}半年我局组织开展建档立卡贫困劳动力职业技能培训。",
        f"{period}半年共培训建档立卡贫困劳动力{trained}人次，培训涵盖电工、焊工、家政服务、中式烹调、种植养殖等工种，培训合格后由培训机构和市就业局推荐就业，已实现就业{employed}人。",
        "参加培训的贫困劳动力按规定享受职业培训补贴和培训期间生活费补贴，补贴资金直接发放到本人社会保障卡。",
    ]


def _fair_day(year: int, month: int) -> int:
    """The first Friday after the 12th, the day the fair is announced."""
    day = date(year, month, 13)
    while day.weekday() != 4:
        day += timedelta(days=1)
    return day.day


def _fair_firms(year: int, month: int) -> str:
    rng = random.Random(f"{SEED}-{year}-{month}-fair")
    return (
        f"三、参会企业：本次招聘会预计有{rng.randint(60, 150)}家企业参会，提供制造、建筑、服务、电商等岗位"
        f"{rng.randint(18, 45) * 100}余个，岗位信息以现场公布为准。"
    )


def _progress_body(year: int, rng: random.Random) -> list[str]:
    new_jobs = rng.uniform(2.6, 3.4)
    rural = rng.uniform(6.5, 9.0)
    rate = rng.uniform(3.1, 3.9)
    loans = rng.uniform(2.0, 4.5)
    return [
        "一、目标任务",
        f"{year}年全市城镇新增就业目标为5万人以上，城镇登记失业率控制在4.2%以内，农村劳动力转移就业10万人以上。",
        "二、主要措施和责任分工",
        "落实减负稳岗政策，失业保险稳岗返还由市社会保险事业局负责；扩大创业担保贷款规模，由市就业局会同经办银行负责；"
        "开展职业技能提升行动，由培训促进科负责；做好高校毕业生、农民工、就业困难人员等重点群体就业，由就业促进和失业保险科牵头负责。",
        "三、工作进展",
        f"截至{year}年6月底，全市城镇新增就业{new_jobs:.2f}万人，农村劳动力转移就业{rural:.2f}万人，"
        f"城镇登记失业率为{rate:.2f}%，发放创业担保贷款{loans:.2f}亿元，各项指标完成时间过半、任务过半。",
        "四、存在问题和后续举措",
        "部分企业用工需求与劳动者技能不匹配，结构性就业矛盾仍然突出。下一步，我局将加强岗位信息归集发布，"
        "持续开展“春风行动”“就业援助月”等专项服务活动，推动技能培训与岗位需求精准对接。",
    ]


# The theme each year's openness plan puts first, after the State Council's priorities.
WORK_PLAN_THEMES = {
    2020: "做好“六稳”“六保”特别是稳就业、保居民就业相关政策的公开和解读",
    2021: "做好巩固拓展脱贫攻坚成果同乡村振兴有效衔接中就业帮扶政策的公开",
    2022: "做好稳就业、助企纾困和社会保险费阶段性缓缴政策的公开和解读",
    2023: "做好优化调整稳就业政策措施和“新就业形态”劳动者权益保障信息的公开",
    2024: "做好“高效办成一件事”人社服务事项和职业技能培训信息的公开",
    2025: "做好就业优先政策、社会保险扩面和政务服务事项清单的公开",
    2026: "做好“十五五”开局之年人力资源社会保障重点工作信息的公开",
}


def _work_plan_body(year: int) -> list[str]:
    theme = WORK_PLAN_THEMES[year]
    return [
        f"根据国务院办公厅、贵州省人民政府办公厅和毕节市人民政府办公室关于{year}年政务公开工作的部署要求，结合我局实际，制定本方案。",
        "一、工作要求",
        "坚持以公开为常态、不公开为例外，围绕全局中心工作，全面推进决策、执行、管理、服务、结果公开，"
        "以公开促落实、促规范、促服务，不断提升人力资源社会保障部门政务公开工作水平。",
        "二、工作内容",
        f"（一）{theme}。各有关科室、单位要在政策出台后及时通过局门户网站、微博微信平台发布政策文件，同步发布政策解读。",
        "（二）推进决策公开。对涉及群众切身利益的重要改革方案和重大政策措施，决策前公开征求意见，决策后公开意见采纳情况。",
        "（三）推进管理服务公开。动态更新行政权力清单和办事指南，公开办事依据、条件、材料、流程和时限。",
        "（四）加强政策解读和回应关切。坚持“谁起草、谁解读”，解读材料于文件公布后5个工作日内发布。",
        "三、工作措施",
        "局办公室负责统筹协调和保密审查，各科室、单位明确专人负责本单位信息公开工作，政务公开工作纳入年度目标考核。",
    ]


# Service guides: (basis, conditions, materials, process, time limit).
GUIDE_TEXTS = {
    "社会保障卡申领": (
        "《中华人民共和国社会保险法》第五十八条：国家建立全国统一的个人社会保障号码，个人社会保障号码为公民身份号码。",
        "在本市参加社会保险的人员，以及在本市领取社会保险待遇、享受就业创业服务的人员，均可申领社会保障卡（社保卡）；已持有本市社会保障卡的，可申请补领或者换领。",
        "居民身份证原件；近期免冠彩色证件照片（可在网点现场采集）；未满16周岁的，由监护人持户口簿和监护人身份证代为申领。",
        "申请人可到社会保障卡合作银行网点、县（区）社会保险经办机构窗口申领，也可通过电子社保卡在线申请、邮寄到家。即时制卡网点当场领卡；在线申请的，制卡完成后以短信通知领卡或者邮寄。",
        "即时制卡网点当场办结；集中制卡的，自受理之日起15个工作日内制卡完成。",
    ),
    "失业保险金申领": (
        "《中华人民共和国社会保险法》第四十五条、《失业保险条例》第十四条。",
        "失业前用人单位和本人已经缴纳失业保险费满1年；非因本人意愿中断就业；已经进行失业登记，并有求职要求。",
        "居民身份证或者社会保障卡；用人单位出具的解除或者终止劳动关系的证明。",
        "申请人向参保地社会保险经办机构提出申请，经办机构审核后，自次月起按月发放失业保险金。可以通过网上办事大厅或者手机应用办理。",
        "自受理之日起5个工作日内办结。",
    ),
    "就业困难人员认定": (
        "《中华人民共和国就业促进法》第五十二条。",
        "在法定劳动年龄内、有劳动能力和就业意愿，因身体状况、技能水平、家庭因素、失去土地等原因难以实现就业的城乡劳动者。",
        "居民身份证或者社会保障卡；《就业创业证》；属于相应困难类别的证明材料。",
        "申请人向户籍所在地或者常住地街道（乡镇）公共就业服务机构提出申请，经审核、公示无异议后予以认定。",
        "自受理之日起10个工作日内办结，公示期5个工作日不计入办理时限。",
    ),
    "创业担保贷款申请": (
        "《财政部 人力资源社会保障部 中国人民银行关于进一步做好创业担保贷款财政贴息工作的通知》（财金〔2018〕22号）。",
        "城镇登记失业人员、就业困难人员、复员转业退役军人、返乡创业农民工、高校毕业生等自主创业，且本人及其配偶没有其他贷款的。",
        "居民身份证；营业执照或者其他创业证明；创业项目计划书。",
        "申请人向市就业局提出申请，经资格审核后推荐至担保机构和经办银行，银行审核同意后发放贷款。",
        "资格审核自受理之日起5个工作日内办结。",
    ),
    "职业技能等级证书查询": (
        "《国务院关于推行终身职业技能培训制度的意见》（国发〔2018〕11号）。",
        "取得职业资格证书或者职业技能等级证书的劳动者本人，以及经本人同意的用人单位。",
        "居民身份证号码和证书编号。",
        "通过局门户网站或者技能人才评价证书全国联网查询系统在线查询，也可以持身份证到市职业技能鉴定机构窗口查询。",
        "即时办结。",
    ),
    "工伤认定申请": (
        "《工伤保险条例》第十七条至第二十条。",
        "职工发生事故伤害或者被诊断、鉴定为职业病。用人单位应当自事故伤害发生之日起30日内提出申请；用人单位未提出的，职工或者其近亲属可以在1年内提出申请。",
        "工伤认定申请表；与用人单位存在劳动关系的证明材料；医疗诊断证明或者职业病诊断证明书。",
        "申请人向市人力资源和社会保障局（社会保险行政部门）提出申请，经受理、调查核实后作出认定决定，并书面通知申请人和用人单位。",
        "自受理之日起60日内作出认定决定；事实清楚、权利义务明确的，15日内作出决定。",
    ),
    "劳动保障监察投诉": (
        "《劳动保障监察条例》第九条、第十七条。",
        "劳动者认为用人单位侵犯其劳动保障合法权益，且违法行为发生在2年以内的。",
        "投诉人居民身份证；投诉书，写明用人单位名称、地址和违法事实；相关证据材料。",
        "投诉人向违法行为发生地的劳动保障监察机构投诉，监察机构决定受理后进行调查，依法作出处理决定。",
        "自受理之日起60个工作日内办结；情况复杂的，经批准可以延长30个工作日。",
    ),
    "劳动人事争议仲裁申请": (
        "《中华人民共和国劳动争议调解仲裁法》第二十七条至第二十九条、第四十三条。",
        "发生劳动人事争议的当事人，自知道或者应当知道其权利被侵害之日起1年内申请仲裁。",
        "仲裁申请书及副本；申请人身份证明；被申请人的名称、住所等基本情况；证据材料。",
        "申请人向劳动人事争议仲裁院提交申请，仲裁院自收到申请之日起5日内决定是否受理，受理后组成仲裁庭审理并作出裁决。",
        "自受理之日起45日内结束；案情复杂需要延期的，可以延长不超过15日。",
    ),
    "城乡居民养老保险参保登记": (
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）。",
        "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民。",
        "居民身份证或者户口簿。",
        "参保人到户籍所在地村（居）委会或者乡镇（街道）劳动保障服务站登记，也可以通过网上办事大厅办理。",
        "即时办结。",
    ),
}


def _guide_body(name: str, department_code: str) -> list[str]:
    from gongkai.org.seeds import DEPARTMENT_PHONES, DEPARTMENTS

    basis, conditions, materials, process, limit = GUIDE_TEXTS[name]
    department = next(d[1] for d in DEPARTMENTS if d[0] == department_code)
    return [
        f"本指南说明{name}的办理依据、申请条件、申请材料、办理流程和办理时限，供申请人参考。",
        "一、设定依据",
        basis,
        "二、申请条件",
        conditions,
        "三、申请材料",
        materials,
        "四、办理流程",
        process,
        "五、办理时限",
        limit,
        "六、收费标准",
        "不收费。",
        "七、咨询方式",
        f"{department}，电话{DEPARTMENT_PHONES[department_code]}，工作日上午9:00至12:00、下午14:30至17:30。",
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
                    f"为提高决策的科学性和透明度，根据《重大行政决策程序暂行条例》有关规定，现将《毕节市{name}（征求意见稿）》及起草说明全文公布，公开征求社会各界意见。",
                    f"征求意见时间为{year}年2月20日至{year}年3月21日。公众可通过以下方式提出意见建议：",
                    "1.电子邮件：请发送至gongkai@example.gov.cn，邮件主题注明“意见建议”。",
                    "2.信函：请寄至贵州省毕节市七星关区洪山路1号毕节市人力资源和社会保障局政策法规科（邮政编码551700），信封上注明“意见建议”字样。",
                    "请在意见建议中注明真实姓名和联系方式，以便进一步沟通。意见收集和采纳情况将在决策出台时一并公布。",
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
                    paragraphs=_budget_body(year, kind, random.Random(f"{SEED}-{year}-{kind}")),
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
                    paragraphs=_subsidy_body(
                        year, quarter, random.Random(f"{SEED}-{year}-q{quarter}")
                    ),
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
                        paragraphs=_training_body(
                            year, quarter // 2, random.Random(f"{SEED}-{year}-h{quarter}")
                        ),
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
                        f"为促进城乡劳动者就业，市就业局将举办{year}年“{event}”现场招聘会，现将有关事项公告如下。",
                        f"一、时间：{year}年{month}月{_fair_day(year, month)}日上午9:00至12:00。",
                        "二、地点：毕节市人力资源市场（七星关区洪山路）。",
                        _fair_firms(year, month),
                        "四、求职者请携带身份证和个人简历，招聘会免费入场。不能到现场的，可以通过市就业局微信公众号查询岗位信息。",
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
                paragraphs=_progress_body(year, random.Random(f"{SEED}-{year}-progress")),
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
                    paragraphs=_work_plan_body(year),
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
                paragraphs=_guide_body(name, dept),
            )
        )
    return specs


def demo_specs() -> list[Spec]:
    rng = random.Random(SEED)
    return [_plan_spec(), *_rules_specs(), *_superior_specs(), *_bureau_specs(rng)]


def _docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _word_attachment(spec: Spec) -> RecordAttachment:
    document = get_document_model()(title=f"{spec.title}（附件）")
    document.file.save(
        f"{spec.slug}.docx",
        ContentFile(_docx_bytes(spec.title, spec.paragraphs)),
        save=False,
    )
    document.save()
    return RecordAttachment(document=document, title="正文（Word版）")


def _column(home: Page, path: str) -> CatalogColumnPage:
    page = home
    for slug in path.split("/"):
        page = page.get_children().get(slug=slug)
    return page.specific


def _record_values(spec: Spec, *, topics, genres, departments, replaced_by) -> dict:
    """The record's fields as the spec says; compared with an existing record on a re-seed."""
    return {
        "title": spec.title,
        "topic": topics[spec.topic],
        "genre": genres[spec.genre],
        "department": departments[spec.department],
        "publisher": spec.publisher,
        "doc_number": spec.doc_number,
        "written_date": spec.written,
        "formed_date": spec.formed_date(),
        "publication_date": spec.publication_date(),
        "validity": spec.validity,
        "replaced_by": replaced_by,
        "keywords": spec.keywords,
        "summary": spec.summary[:100],
        "disclosure_item": spec.item,
        "body": spec.body_html(),
    }


def _retire_old_superior_records(home: Page, keep: set[str]) -> int:
    """Unpublish 上级文件 an older demo seeded that are no longer part of it.

    Older demos carried all 60 gov.cn documents with made-up 成文日期; the ones that do
    not bear on 人社 work leave the public site. Only the demo's own slugs (gov-NNN)
    are touched, never a record staff added to the column.
    """
    column = _column(home, "results/superior")
    retired = 0
    for page in column.get_children().live().filter(slug__startswith="gov-"):
        if page.slug not in keep:
            page.specific.unpublish()
            retired += 1
    return retired


def seed_demo_records(*, publish) -> int:
    """Create the demo records, bring older demo records up to date; `publish(page)` publishes.

    Returns the number created. A record that exists (same column and slug) and
    differs from its spec gets a new revision, reviewed and published like any change,
    so its history shows what the re-seed changed; an unchanged record is left alone.
    Records are created in an order where a replacing record exists before the one it
    repeals.
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
    for spec in specs:
        column = _column(home, spec.column)
        replaced_by = None
        if spec.replaced_by:
            target = by_slug[spec.replaced_by]
            replaced_by = (
                CatalogRecord.objects.child_of(_column(home, target.column))
                .filter(slug=target.slug)
                .first()
            )
        values = _record_values(
            spec, topics=topics, genres=genres, departments=departments, replaced_by=replaced_by
        )
        existing = CatalogRecord.objects.child_of(column).filter(slug=spec.slug).first()
        if existing is not None:
            changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
            if changed and existing.live:
                for name, value in changed.items():
                    setattr(existing, name, value)
                existing.draft_title = existing.title
                if spec.attachment and "body" in changed:
                    # The Word copy of the text says what the new body says; the old
                    # file stays with the old revision.
                    existing.attachments = [_word_attachment(spec)]
                publish(existing)
            continue
        page = CatalogRecord(slug=spec.slug, live=False, **values)
        if spec.attachment:
            page.attachments.add(_word_attachment(spec))
        column.add_child(instance=page)
        # The demo bureau published these on its old site on their 发布日期 (条例 第26条
        # counts to that moment), not on the day the demo is loaded.
        record_first_publication_attest(
            record=page, published_on=values["publication_date"], note="演示数据：原网站发布日期"
        )
        publish(page)
        created += 1
    _retire_old_superior_records(
        home, {spec.slug for spec in specs if spec.column == "results/superior"}
    )
    return created
