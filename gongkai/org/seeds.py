"""The demo bureau: a fictional bureau modelled on the Bijie 人社局 of the 2019 plan.

Departments are those the plan names (局办公室, 政策法规科, 财务科, 培促科,
信息中心, 市就业局, 市社保局) plus the other sections a 人社局 has. The
responsibilities are the plan's "（责任部门：…）" lines. One demo account per
role; the passwords are for the demo only.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .models import Bureau, Department, DepartmentKind, RoleGroup
from .roles import (
    DEPARTMENT_HEAD,
    DRAFTER,
    LEADER,
    OFFICE_REVIEWER,
    POLICY_REVIEWER,
    SITE_ADMIN,
    sync_roles,
)
from .services import responsibility_set, staff_profile_set

DEMO_PASSWORD = "gongkai-demo-2026"
# RFC 6238 test key "12345678901234567890"; base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

BUREAU = {
    "name": "毕节市人力资源和社会保障局",
    "short_name": "市人社局",
    "organisation_code": "MB1C12345",
    "document_prefix": "毕人社发",
    "office_name": "局办公室（政务公开工作领导小组办公室）",
    "address": "贵州省毕节市七星关区洪山路1号",
    "postcode": "551700",
    "office_hours": "工作日 上午9:00—12:00，下午14:30—17:30（法定节假日除外）",
    "phone": "0857-8221501",
    "fax": "0857-8221500",
    "email": "gongkai@example.gov.cn",
    # No ICP record number: the demo site has none, and a made-up one could be somebody's.
    "website_record": "",
}

# (code, name, short name, kind, duties)
DEPARTMENTS = [
    (
        "office",
        "局办公室",
        "办公室",
        DepartmentKind.INTERNAL,
        "负责政务公开工作的组织、协调、指导和拟公开项目的涉密检查；领导小组办公室设在局办公室。",
    ),
    (
        "policy",
        "政策法规科",
        "法规科",
        DepartmentKind.INTERNAL,
        "负责规范性文件合法性审核、重大政策及其解读方案审核、行政执法监督。",
    ),
    (
        "finance",
        "财务科",
        "财务科",
        DepartmentKind.INTERNAL,
        "负责部门预决算及“三公”经费信息公开。",
    ),
    (
        "training",
        "培训促进科",
        "培促科",
        DepartmentKind.INTERNAL,
        "负责职业技能培训、扶贫培训工作及其信息公开。",
    ),
    (
        "employment-section",
        "就业促进和失业保险科",
        "就业科",
        DepartmentKind.INTERNAL,
        "负责就业创业政策拟订和失业保险管理。",
    ),
    (
        "talent",
        "人才开发和市场科",
        "人才科",
        DepartmentKind.INTERNAL,
        "负责人才引进、人力资源市场管理。",
    ),
    (
        "civil-service",
        "事业单位人事管理科",
        "事管科",
        DepartmentKind.INTERNAL,
        "负责事业单位公开招聘、岗位管理。",
    ),
    ("wages", "工资福利科", "工资科", DepartmentKind.INTERNAL, "负责机关事业单位工资福利政策。"),
    ("pension", "养老保险科", "养老科", DepartmentKind.INTERNAL, "负责养老保险政策和基金管理。"),
    (
        "work-injury",
        "工伤保险科",
        "工伤科",
        DepartmentKind.INTERNAL,
        "负责工伤认定、劳动能力鉴定和工伤保险政策。",
    ),
    (
        "labour-relations",
        "劳动关系科",
        "劳动关系科",
        DepartmentKind.INTERNAL,
        "负责劳动合同、工资支付、农民工工作。",
    ),
    ("petitions", "信访科", "信访科", DepartmentKind.INTERNAL, "负责来信来访和群众诉求办理。"),
    (
        "info-centre",
        "信息中心",
        "信息中心",
        DepartmentKind.AFFILIATED,
        "负责局门户网站的建设和运行维护。",
    ),
    (
        "employment-bureau",
        "市就业局",
        "就业局",
        DepartmentKind.AFFILIATED,
        "负责就业创业服务、就业补贴申领、招聘信息发布。",
    ),
    (
        "social-insurance",
        "市社会保险事业局",
        "社保局",
        DepartmentKind.AFFILIATED,
        "负责社会保险经办、待遇发放和基金收支公开。",
    ),
    (
        "inspection",
        "市劳动保障监察支队",
        "监察支队",
        DepartmentKind.AFFILIATED,
        "负责劳动保障监察执法，公开执法结果。",
    ),
    (
        "arbitration",
        "市劳动人事争议仲裁院",
        "仲裁院",
        DepartmentKind.AFFILIATED,
        "负责劳动人事争议仲裁。",
    ),
]

# Office phones (毕节 area code 0857, 7-digit local numbers). Like every value here they are
# demo data; the footer of every public page says so once (DEMO_MODE).
DEPARTMENT_PHONES = {
    "office": "0857-8221501",
    "policy": "0857-8221503",
    "finance": "0857-8221505",
    "training": "0857-8221507",
    "employment-section": "0857-8221509",
    "talent": "0857-8221511",
    "civil-service": "0857-8221513",
    "wages": "0857-8221515",
    "pension": "0857-8221517",
    "work-injury": "0857-8221518",
    "labour-relations": "0857-8221519",
    "petitions": "0857-8221521",
    "info-centre": "0857-8221523",
    "employment-bureau": "0857-8232612",
    "social-insurance": "0857-8236610",
    "inspection": "0857-8225512",
    "arbitration": "0857-8225516",
}

ALL = None  # 各科室、单位
# (plan item, work, responsible department codes or ALL, note)
RESPONSIBILITIES = [
    (
        "二(一)1",
        "实行重大决策预公开制度",
        ALL,
        "决策前公布决策草案和依据，广泛听取公众意见；决策出台后公开意见收集和采纳情况。",
    ),
    (
        "二(一)2",
        "健全行政决策多方参与机制",
        ALL,
        "利益相关方、人大代表、专家学者等列席局有关会议。",
    ),
    (
        "二(一)3",
        "推行重大民生决策民意调查制度",
        ALL,
        "就业创业、社会保障、工资待遇等重大决策开展民意调查。",
    ),
    (
        "二(二)1",
        "推动重大决策执行过程公开",
        ALL,
        "公开目标任务、主要措施、实施步骤、责任分工和工作进展。",
    ),
    (
        "二(二)2",
        "健全重大决策督查情况公开机制",
        ALL,
        "公开督查发现的突出问题、整改落实及问责情况。",
    ),
    (
        "二(三)1",
        "健全清单动态管理制度",
        ALL,
        "行政许可事项目录清单、权力清单、责任清单变更后及时更新。",
    ),
    (
        "二(三)2",
        "推行行政执法公示制度",
        ["inspection", "social-insurance", "policy"],
        "涉及执法的科室、单位：公开职责权限、执法依据、裁量基准、执法流程、执法结果、救济途径。",
    ),
    ("二(三)3", "推进行政许可网上运行和监督", ALL, "行政许可全程进驻网上办事大厅。"),
    (
        "二(三)4",
        "推进财政预决算公开",
        ["finance", "employment-bureau", "social-insurance"],
        "公开预决算及“三公”经费信息。",
    ),
    ("二(四)1", "完善优化网上办事大厅办事流程", ALL, "配合市政务服务中心推进网上办事大厅建设。"),
    ("二(四)2", "推进政务服务标准化试点建设", ALL, "建立健全行政审批（服务）事项标准。"),
    (
        "二(五)1",
        "加强重点领域信息公开",
        ["employment-bureau"],
        "就业创业政策、补贴申领条件和程序、招聘信息；以展板、宣传栏公开。",
    ),
    (
        "二(五)2",
        "加强扶贫工作信息公开",
        ["training"],
        "扶贫政策、项目安排、建档立卡贫困户技能培训情况。",
    ),
    (
        "二(五)3",
        "建立规范性文件相对集中公开机制",
        ALL,
        "涉及公民、法人权利义务的规范性文件主动公开。",
    ),
    (
        "二(六)1",
        "明确政策解读主体、时间和方式",
        ALL,
        "谁起草、谁解读；解读材料于文件公布后5个工作日内发布，方案报政策法规科审核。",
    ),
    (
        "二(六)2",
        "抓好政策解读宣传宣讲",
        ["office"],
        "局长或分管副局长每年解读重要政策措施不少于1次。",
    ),
    ("二(七)1", "扩大公众参与", ["office", "info-centre"], "在局门户网站开辟公众参与板块。"),
    (
        "二(七)2",
        "建立健全公众诉求反馈机制",
        ["office", "info-centre"],
        "及时公开公众意见建议采纳情况。",
    ),
    (
        "三(一)",
        "加强组织领导",
        ALL,
        "局办公室负责组织、协调、指导和涉密检查；信息中心负责局门户网站建设。",
    ),
    ("三(二)", "落实责任", ALL, "各科室、单位落实专人逐项抓好落实。"),
    ("三(三)", "强化考核", ["office"], "将政务公开工作纳入目标考核。"),
]

# (username, role, department code, family name, given name, job title)
DEMO_ACCOUNTS = [
    ("drafter", DRAFTER, "employment-bureau", "张", "文", "科员"),
    ("depthead", DEPARTMENT_HEAD, "employment-bureau", "李", "明", "科长"),
    ("office", OFFICE_REVIEWER, "office", "王", "芳", "局办公室副主任"),
    ("policy", POLICY_REVIEWER, "policy", "赵", "磊", "政策法规科科长"),
    ("leader", LEADER, "office", "陈", "刚", "副局长"),
    ("siteadmin", SITE_ADMIN, "info-centre", "刘", "洋", "信息中心主任"),
]


def seed(*, stdout) -> None:
    bureau = Bureau.load()
    for field, value in BUREAU.items():
        setattr(bureau, field, value)
    bureau.save()

    departments = {}
    for order, (code, name, short, kind, duties) in enumerate(DEPARTMENTS, start=1):
        departments[code], _ = Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "duties": duties,
                "phone": DEPARTMENT_PHONES[code],
                "sort_order": order * 10,
            },
        )

    for order, (item, title, codes, note) in enumerate(RESPONSIBILITIES, start=1):
        responsibility_set(
            plan_item=item,
            title=title,
            departments=None if codes is ALL else [departments[c] for c in codes],
            all_departments=codes is ALL,
            description=note,
            sort_order=order * 10,
        )

    # Wagtail's stock "Editors"/"Moderators" groups are replaced by the roles.
    Group.objects.filter(name__in=["Editors", "Moderators"], role_link__isnull=True).delete()
    sync_roles()
    groups = {link.code: link.group for link in RoleGroup.objects.select_related("group")}

    User = get_user_model()
    created = []
    for username, role, dept, family, given, title in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": family,
                "first_name": given,
                "email": f"{username}@example.gov.cn",
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
        user.groups.add(groups[role])
        staff_profile_set(user=user, department=departments[dept], title=title)
        if role == SITE_ADMIN:
            _ensure_demo_totp(user)

    if created:
        stdout.write(f"  demo accounts created: {', '.join(created)} — password {DEMO_PASSWORD}")
    stdout.write(
        "  演示账号（仅供演示）: "
        + ", ".join(f"{u}" for u, *_ in DEMO_ACCOUNTS)
        + f"，密码 {DEMO_PASSWORD}；siteadmin 需要动态口令："
        "`.venv/bin/python manage.py totp_code siteadmin`"
    )


def _ensure_demo_totp(user) -> None:
    try:
        from .two_factor import totp_device_create_for_demo
    except ImportError:  # the second factor is not built yet
        return
    totp_device_create_for_demo(user=user, key_hex=DEMO_TOTP_KEY_HEX)
