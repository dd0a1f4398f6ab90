"""Search synonyms: the office's groups, applied when a search runs, on the configured database.

Runs on SQLite FTS5 (`make test`) and on PostgreSQL (CI's second run, DATABASE_URL):
nothing here depends on the engine. Documents are indexed through the services
by a test `Searchable`, as any registered type is.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from wagtail.models import ModelLogEntry

from gongkai.conftest import login_verified
from gongkai.core import pagecache
from gongkai.search import services
from gongkai.search.backends import postgres as pg
from gongkai.search.backends import sqlite as lite
from gongkai.search.models import SynonymGroup
from gongkai.search.registry import (
    Searchable,
    SearchDocument,
    register_searchable,
    unregister_searchable,
)
from gongkai.search.selectors import search
from gongkai.search.services import synonym_group_create
from gongkai.search.synonyms import expand, synonym_map
from gongkai.search.text import parse_query

pytestmark = pytest.mark.django_db
KIND = "test.syndoc"
ADMIN = "/admin/search/synonyms/"


class Doc:
    def __init__(self, pk: int, title: str, body: str = "", published=None):
        self.pk = pk
        self.title = title
        self.body = body
        self.published = published or date(2025, 1, pk % 28 + 1)


DOCS = [
    Doc(1, "社会保障卡补办流程", "遗失社会保障卡的，可到经办窗口补办。"),
    Doc(2, "关于社保卡激活的通知", "新版社保卡须本人激活。"),
    Doc(3, "失业保险金申领指南", "参保失业人员可申领失业保险金。"),
    Doc(4, "社会保险卡制作说明", "此文不含那个词：社会保障 卡。"),  # no exact phrase
    Doc(5, "住房公积金缴存比例", "住房公积金缴存比例为百分之十二。"),
    Doc(6, "城乡居民最低生活保障标准", "调整最低生活保障标准。"),
    Doc(7, "就业补贴申领", "社会保障卡用于发放补贴，补办可在线申请。"),
]


@pytest.fixture
def docs(db):
    fixture = {doc.pk: doc for doc in DOCS}
    register_searchable(
        Searchable(
            kind=KIND,
            label="fixture",
            model=Doc,  # type: ignore[arg-type]
            public=lambda: list(fixture.values()),
            document=lambda doc: SearchDocument(
                object_id=doc.pk,
                title=doc.title,
                url=f"/fixture/{doc.pk}/",
                body=doc.body,
                date=doc.published,
            ),
        )
    )
    services.clear()
    services.reindex()
    yield fixture
    unregister_searchable(KIND)


def found(query: str, **kwargs) -> set[int]:
    results = search(query, per_page=50, **kwargs)
    return {int(hit.entry.object_id) for hit in results.hits}


def words(*values: str, one_way: bool = False, note: str = "") -> SynonymGroup:
    return synonym_group_create(words=list(values), one_way=one_way, note=note)


# --- applied at query time ------------------------------------------------------------------
def test_a_word_is_searched_with_its_synonyms_each_an_exact_phrase(
    docs, django_capture_on_commit_callbacks
):
    assert found("社保卡") == {2}  # today: the colloquial word alone
    with django_capture_on_commit_callbacks(execute=True):
        words("社保卡", "社会保障卡")
    # No reindex: the next search knows the group. 社会保险卡 (doc 4) is no match for
    # either phrase, nor are 社会保障 and 卡 apart.
    assert found("社保卡") == {1, 2, 7}
    assert found("社会保障卡") == {1, 2, 7}
    results = search("社保卡")
    assert results.total == 3 and results.total_exact
    assert results.expansions == ["社会保障卡"]
    assert found("社保卡", synonyms=False) == {2}


def test_synonyms_and_the_other_words_are_anded(docs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        words("社保卡", "社会保障卡")
    assert found("社保卡 补办") == {1, 7}
    assert found("补办 社保卡 激活") == set()


def test_the_highlight_marks_the_synonym_found(docs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        words("社保卡", "社会保障卡")
    results = search("社保卡")
    titles = {int(hit.entry.object_id): str(hit.title) for hit in results.hits}
    assert titles[1] == "<mark>社会保障卡</mark>补办流程"
    assert titles[2] == "关于<mark>社保卡</mark>激活的通知"


def test_one_way_and_inactive_groups(docs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        words("公积金", "住房公积金")  # redundant but harmless: 公积金 is inside it
        words("低保", "最低生活保障")
        words("失业金", "失业保险金", one_way=True)
        inactive = words("社保卡", "社会保障卡")
        inactive.is_active = False
        inactive.save()
    assert found("低保") == {6}
    assert found("失业金") == {3}
    assert search("失业保险金").expansions == []  # one way: the others do not bring in the first
    assert found("社保卡") == {2}
    assert synonym_map()["低保"] == ("最低生活保障",)
    assert "失业保险金" not in synonym_map()


def test_only_whole_words_expand_and_punctuation_around_them_is_ignored(
    docs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        words("社保卡", "社会保障卡")
    assert expand(parse_query("社保卡？")).expansions == ["社会保障卡"]
    assert expand(parse_query("“社保卡”")).expansions == ["社会保障卡"]
    assert expand(parse_query("社保卡激活")).expansions == []


def test_the_engines_get_any_alternative_as_a_phrase():
    from gongkai.search.text import phrase

    p = phrase("社保卡")
    p = p.__class__(**{**p.__dict__, "synonyms": (phrase("社会保障卡"),)})
    assert lite.fts_phrase(p) == '("社保 保卡" OR "社会 会保 保障 障卡")'
    assert (
        pg.tsquery_phrase(p) == "(('社保' <-> '保卡') | ('社会' <-> '会保' <-> '保障' <-> '障卡'))"
    )
    assert pg.terms_tsquery(p) == "('社保' & '保卡') | ('社会' & '会保' & '保障' & '障卡')"
    assert p.needs_positions and p.alternatives[0].word == "社保卡"


# --- edits take effect at once, and purge cached pages ------------------------------------
def test_an_edit_purges_the_page_cache_and_the_next_search_uses_it(
    docs, django_capture_on_commit_callbacks
):
    before = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        group = words("社保卡", "社会保障卡")
    assert pagecache.current_generation() != before
    assert found("社保卡") == {1, 2, 7}
    before = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        group.terms = "社保卡\n社会保险卡"
        group.full_clean()
        group.save()
    assert pagecache.current_generation() != before
    assert found("社保卡") == {2, 4}
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert found("社保卡") == {2}


# --- the page and the API ---------------------------------------------------------------------
def test_the_page_says_what_else_was_searched_and_the_api_lists_it(
    docs, client, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_RATE_LIMIT = 0
    with django_capture_on_commit_callbacks(execute=True):
        words("社保卡", "社会保障卡", "社会保障卡片")
    html = client.get("/search/", {"q": "社保卡"}).content.decode()
    assert '<p class="result-synonyms">同时搜索了：社会保障卡、社会保障卡片</p>' in html
    plain = client.get("/search/", {"q": "补办"}).content.decode()
    assert "同时搜索了" not in plain
    data = client.get("/api/v1/search/", {"q": "社保卡"}).json()
    assert data["also_searched"] == ["社会保障卡", "社会保障卡片"]
    assert data["total"] == 3
    assert client.get("/api/v1/search/", {"q": "补办"}).json()["also_searched"] == []


# --- validation, in Chinese -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "一组至少要有两个词。"),
        ("社保卡", "一组至少要有两个词。"),
        ("社保卡\n社", "“社”：每个词 2 到 20 个字符。"),
        ("社保卡\n" + "社" * 21, "每个词 2 到 20 个字符。"),
        ("社保卡\n社会保障卡\n社保卡", "“社保卡”重复了。"),
        ("社保卡\n——", "“——”：词由文字和数字组成，首尾不能有标点。"),
        ("\n".join(f"词{i}{i}" for i in range(11)), "一组最多 10 个词。"),
        ("医保、医疗保险", "“医保”已在词组“医保 ⇄ 医疗险”中；一个词只能属于一个词组。"),
    ],
)
def test_groups_are_validated_in_chinese(db, terms, message):
    SynonymGroup.objects.create(terms="医保\n医疗险")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        SynonymGroup(terms=terms).full_clean()
    assert any(message in error for error in caught.value.message_dict["terms"]), caught.value


def test_separators_and_width_are_normalised(db):
    group = SynonymGroup(terms="  社保卡，社会保障卡、ＩＣ卡\n\n")
    group.full_clean()
    assert group.terms == "社保卡\n社会保障卡\nic卡"
    assert str(group) == "社保卡 ⇄ 社会保障卡 ⇄ ic卡"


# --- the admin screen ---------------------------------------------------------------------
def test_the_office_edits_synonyms_in_the_admin_with_chinese_errors_and_an_audit_trail(
    world, django_capture_on_commit_callbacks
):
    office = Client()
    login_verified(office, world.office_reviewer)
    listing = office.get(ADMIN)
    assert listing.status_code == 200
    refused = office.post(ADMIN + "add/", {"terms": "社保卡", "note": ""})
    assert refused.status_code == 200
    assert "一组至少要有两个词。" in refused.content.decode()
    assert not SynonymGroup.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        added = office.post(
            ADMIN + "add/",
            {"terms": "社保卡\n社会保障卡", "is_active": "on", "note": "窗口常见说法"},
        )
    assert added.status_code == 302
    group = SynonymGroup.objects.get()
    assert group.words() == ["社保卡", "社会保障卡"] and group.is_active
    assert synonym_map()["社保卡"] == ("社会保障卡",)
    entry = ModelLogEntry.objects.get(object_id=str(group.pk), action="wagtail.create")
    assert entry.user_id == world.office_reviewer.pk
    with django_capture_on_commit_callbacks(execute=True):
        edited = office.post(
            ADMIN + f"edit/{group.pk}/", {"terms": "社保卡\n社会保障卡\n社保IC卡", "note": ""}
        )
    assert edited.status_code == 302
    assert ModelLogEntry.objects.filter(object_id=str(group.pk), action="wagtail.edit").exists()
    assert "社保卡" not in synonym_map()  # saved without "active"
    searched = office.get(ADMIN, {"q": "社会保障"})
    assert searched.status_code == 200
    assert "社保卡 ⇄ 社会保障卡 ⇄ 社保ic卡" in searched.content.decode()
    assert "同义词" in listing.content.decode()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (None, False),
        ("drafter", False),
        ("department_head", False),
        ("policy_reviewer", False),
        ("leader", False),
        ("office_reviewer", True),
        ("site_admin", True),
    ],
)
def test_who_reaches_the_synonym_screens(world, who, allowed):
    group = SynonymGroup.objects.create(terms="社保卡\n社会保障卡")
    client = Client()
    if who:
        login_verified(client, getattr(world, who))
    for url in (ADMIN, ADMIN + "add/", ADMIN + f"edit/{group.pk}/", ADMIN + f"delete/{group.pk}/"):
        status = client.get(url).status_code
        if allowed:
            assert status == 200, (who, url)
        else:
            assert status in (302, 403), (who, url, status)


def test_the_demo_set_is_valid_and_seeded_once(db):
    import io

    from gongkai.search.seeds import DEMO_SYNONYMS, seed_synonyms

    seed_synonyms(stdout=io.StringIO())
    seed_synonyms(stdout=io.StringIO())
    assert SynonymGroup.objects.count() == len(DEMO_SYNONYMS)
    mapping = synonym_map()
    assert mapping["社保卡"] == ("社会保障卡",)
    assert mapping["医疗保险"] == ("医保",)
    assert "最低生活保障" in mapping["低保"]
