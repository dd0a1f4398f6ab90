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


def seed(*, stdout) -> None:
    seed_admin_index(stdout=stdout)
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
