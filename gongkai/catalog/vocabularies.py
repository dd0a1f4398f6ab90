"""Seed vocabularies: the gov.cn topic classification and the kinds of document."""

# 国务院公文主题分类 (gov.cn), top level; the 人社 bureau's own class has its sub-classes.
# An editable table: a bureau can add sub-classes in the admin.
TOPICS: list[tuple[str, list[str]]] = [
    ("综合政务", []),
    ("国民经济管理、国有资产监管", []),
    ("财政、金融、审计", []),
    ("国土资源、能源", []),
    ("农业、林业、水利", []),
    ("工业、交通", []),
    ("商贸、海关、旅游", []),
    ("市场监管、安全生产监管", []),
    ("城乡建设、环境保护", []),
    ("气象、水文、测绘、地震", []),
    ("科技、教育", []),
    ("文化、广电、新闻出版", []),
    ("卫生、体育", []),
    ("人口与计划生育、妇女儿童工作", []),
    (
        "劳动、人事、监察",
        ["劳动就业", "社会保障", "人事工作", "军转安置", "监察", "纠正行业不正之风", "其他"],
    ),
    ("公安、安全、司法", []),
    ("民政、扶贫、救灾", []),
    ("民族、宗教", []),
    ("对外事务", []),
    ("港澳台侨工作", []),
    ("国防", []),
    ("其他", []),
]

# 党政机关公文处理工作条例 第八条 lists the 15 kinds of official document;
# the catalogue also files plans, interpretations and the like.
GENRES: list[str] = [
    "决议",
    "决定",
    "命令（令）",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
    "工作方案",
    "规划",
    "办法",
    "规定",
    "细则",
    "政策解读",
    "公示",
    "工作动态",
    "其他",
]

# The plan's sections as columns of the public site: (slug, title, column key, sub-columns).
# A sub-column is (slug, title) or (slug, title, column key); a key lets other parts find
# the column without a page id (the home page's 政策文件 list reads "normative", "superior").
COLUMNS: list[tuple[str, str, str, list[tuple[str, ...]]]] = [
    (
        "decisions",
        "决策公开",
        "decisions",
        [("drafts", "决策预公开"), ("normative", "规范性文件", "normative")],
    ),
    ("execution", "执行公开", "execution", [("progress", "重大决策执行")]),
    ("management", "管理公开", "management", [("budgets", "预决算公开")]),
    ("services", "服务公开", "services", [("guides", "办事指南")]),
    (
        "results",
        "结果公开",
        "results",
        [
            ("employment", "就业创业"),
            ("poverty", "扶贫培训"),
            ("superior", "上级文件", "superior"),
        ],
    ),
    ("interpretations", "政策解读", "interpretations", []),
    ("interaction", "政民互动", "interaction", []),
    ("disclosure", "政府信息公开", "disclosure", [("rules", "公开制度"), ("work", "政务公开工作")]),
]
