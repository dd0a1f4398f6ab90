"""The demo's search index: complete after seeding, on a fresh or an existing var/.

Publishing indexes as it goes, so a fresh demo is already indexed; this step
rebuilds only when the index does not hold what is public (e.g. a database made
before the search app existed, or after a change of the term rules). The same
goes for Wagtail's admin index, which a `var/` from before its bigram backend
holds in terms the admin search cannot match.
"""

DEPENDS = ["org", "portal", "catalog", "review"]


def seed_admin_index(*, stdout) -> None:
    """Wagtail's admin index in bigram terms (gongkai.search.wagtail_backend), complete."""
    from .wagtail_backend.maintenance import index_ensure

    written = index_ensure()
    if written is not None:
        stdout.write(f"  admin search: Wagtail's index rebuilt with {written} entries")


# The words people type for what documents call by their full names (人社 usage).
DEMO_SYNONYMS: list[tuple[list[str], bool]] = [
    (["社保卡", "社会保障卡"], False),
    (["医保", "医疗保险"], False),
    (["失业金", "失业保险金"], False),
    (["养老金", "养老保险金", "基本养老金"], False),
    (["公积金", "住房公积金"], False),
    (["低保", "最低生活保障"], False),
    (["农民工", "进城务工人员"], False),
    (["人社局", "人力资源和社会保障局", "人力资源社会保障局"], False),
    (["社保", "社会保险"], False),
]


def seed_synonyms(*, stdout) -> None:
    """The demo's synonym groups, once (an office may have edited them since)."""
    from .models import SynonymGroup
    from .services import synonym_group_create

    if SynonymGroup.objects.exists():
        return
    for words, one_way in DEMO_SYNONYMS:
        synonym_group_create(words=words, one_way=one_way, note="演示数据")
    stdout.write(f"  search: {len(DEMO_SYNONYMS)} synonym groups")


def seed(*, stdout) -> None:
    seed_admin_index(stdout=stdout)
    seed_synonyms(stdout=stdout)
    from .models import SearchEntry, SearchState
    from .services import count_public, reindex
    from .text import TERMS_VERSION

    state = SearchState.get()
    entries = SearchEntry.objects.filter(generation=state.current)
    stale = entries.exclude(terms_version=TERMS_VERSION).exists()
    if not stale and entries.count() == count_public():
        return
    result = reindex()
    stdout.write(f"  search: index rebuilt with {result['indexed']} items")
