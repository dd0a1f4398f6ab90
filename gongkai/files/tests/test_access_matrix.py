"""The access matrix (convention 17): who reaches the bytes of an uploaded file, by which URL.

Documents and images in every state — attached to a draft, in review, published, replaced by
a new version, withdrawn, expired — in two departments, tried through every URL form that
can reach their bytes, as anonymous, as each role and as a member of another department.
Only the published copy of a live record is public; the rest is for the permitted staff
(the department that drafted it, the office, the leaders, the information centre), and
everyone else gets 404, never 403, so nothing tells that a file exists. The record's exports
(share image, staff export page) exist only while the record is public, for everyone alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.services import record_withdraw
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.conftest import login_verified
from gongkai.core.filemeta import inspect_metadata
from gongkai.core.tests.office_files import make_docx, make_jpeg, make_pdf, make_png
from gongkai.files.models import PublicCopy
from gongkai.org import roles
from gongkai.org.tests.factories import staff
from gongkai.review.services import scheduled_publish_run

pytestmark = pytest.mark.django_db

STATES = ("draft", "in_review", "published", "replaced", "withdrawn", "expired")
BUREAU_WIDE = {"office_reviewer", "leader", "site_admin"}


@dataclass
class Case:
    state: str
    department: str  # "employment" or "policy"
    kind: str  # "document" or "image"
    obj: object
    page: object
    urls: dict[str, str] = field(default_factory=dict)  # URL form -> URL


@dataclass
class Actor:
    name: str
    department: str | None  # None: anonymous
    client: Client


def _document(name: str, data: bytes, by) -> object:
    return get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(data, name=name), uploaded_by_user=by
    )


def _image(name: str, data: bytes, by) -> object:
    import io

    from PIL import Image as PILImage

    width, height = PILImage.open(io.BytesIO(data)).size
    return get_image_model().objects.create(
        title=name,
        file=ContentFile(data, name=name),
        uploaded_by_user=by,
        width=width,
        height=height,
    )


def _embed(image) -> str:
    return (
        f'<p>图示：</p><embed embedtype="image" id="{image.pk}" format="fullwidth" alt="示意图"/>'
    )


def _fresh(page):
    return CatalogRecord.objects.get(pk=page.pk)


def _build_record(state: str, department, drafter, office):
    """A record of `department` in `state`, with a leaky Word attachment and an embedded photo."""
    page = record(
        column(),
        publish=False,
        department=department,
        title=f"{department.name}的{state}记录",
    )
    document = _document(f"{state}-{department.code}.docx", make_docx(), drafter)
    image = _image(f"{state}-{department.code}.jpg", make_jpeg(), drafter)
    RecordAttachment.objects.create(record=page, document=document, title="附件")
    page = _fresh(page)
    page.body = _embed(image)
    page.save()
    page.save_revision(user=drafter)
    copy_names: list[str] = []
    if state == "in_review":
        _fresh(page).get_workflow().start(_fresh(page), drafter)
    elif state != "draft":
        publish_reviewed(_fresh(page))
        copy_names.append(PublicCopy.objects.get(document=document).file.name)
        if state == "replaced":
            # A new version of both files goes out in a reviewed revision.
            new = _document(f"new-{department.code}.pdf", make_pdf(), drafter)
            new_image = _image(f"new-{department.code}.png", make_png(), drafter)
            draft = _fresh(page).get_latest_revision_as_object()
            attachments = list(draft.attachments.all())
            attachments[0].document = new
            draft.attachments = attachments
            draft.body = _embed(new_image)
            publish_reviewed(draft)
        elif state == "withdrawn":
            record_withdraw(record=_fresh(page), by=office, reason="内容有误")
        elif state == "expired":
            CatalogRecord.objects.filter(pk=page.pk).update(expire_at=timezone.now())
            scheduled_publish_run()
    return page, document, image, copy_names


@pytest.fixture
def matrix(world, client):
    from gongkai.review.services import review_workflow_install

    review_workflow_install()
    policy_drafter = staff("t-policy-drafter", role=roles.DRAFTER, department=world.policy)
    policy_head = staff("t-policy-head", role=roles.DEPARTMENT_HEAD, department=world.policy)
    departments = {
        "employment": (world.employment, world.drafter),
        "policy": (world.policy, policy_drafter),
    }
    cases: list[Case] = []
    for code, (department, drafter) in departments.items():
        for state in STATES:
            page, document, image, copy_names = _build_record(
                state, department, drafter, world.office_reviewer
            )
            urls = {
                "/documents/<id>/<name>": document.url,
                "/documents/<id>/<other name>": f"/documents/{document.pk}/other.docx",
                "/media/<upload>": f"/media/{document.file.name}",
            }
            for name in copy_names:
                urls["/media/<published copy>"] = f"/media/{name}"
            cases.append(Case(state, code, "document", document, page, urls))
            # The record's exports (gongkai.syndication): share image and staff export page.
            exports = {
                "/share/<id>.png": f"/share/{page.pk}.png",
                "/admin/syndication/<id>/": f"/admin/syndication/{page.pk}/",
            }
            cases.append(Case(state, code, "record", page, page, exports))
            rendition = image.get_rendition("max-800x600")
            cases.append(
                Case(
                    state,
                    code,
                    "image",
                    image,
                    page,
                    {
                        "/media/images/<rendition>": rendition.url,
                        "/media/original_images/<upload>": f"/media/{image.file.name}",
                        "/admin/images/<id>/preview/<filter>/": (
                            f"/admin/images/{image.pk}/preview/max-800x600/"
                        ),
                    },
                )
            )
    people = {
        "anonymous": (None, None),
        "drafter": (world.drafter, "employment"),
        "department_head": (world.department_head, "employment"),
        "office_reviewer": (world.office_reviewer, "office"),
        "leader": (world.leader, "office"),
        "site_admin": (world.site_admin, "office"),
        "policy_reviewer": (world.policy_reviewer, "policy"),
        "policy_drafter": (policy_drafter, "policy"),
        "policy_head": (policy_head, "policy"),
    }
    actors = []
    for name, (user, department) in people.items():
        actor_client = Client()
        if user is not None:
            login_verified(actor_client, user)
        actors.append(Actor(name, department, actor_client))
    return cases, actors


ADMIN_FORMS = {"/admin/images/<id>/preview/<filter>/"}
IMAGE_EDITORS = {"site_admin"}  # Wagtail's preview needs "change": the uploader or MEDIA_MANAGE


def expected(case: Case, form: str, actor: Actor) -> int:
    """200 or 404 for this file, URL form and person (admin forms: 200 or refused)."""
    if case.kind == "record":
        # Exports follow the record, for everyone alike: only while it is public (a record
        # whose file was replaced by a reviewed new version still is). Staff look at
        # anything else in Wagtail's preview; the export page itself is for staff only.
        if form == "/admin/syndication/<id>/" and actor.department is None:
            return 0
        return 200 if case.state in ("published", "replaced") else 404
    if form in ADMIN_FORMS:
        uploader = {"employment": "drafter", "policy": "policy_drafter"}[case.department]
        return 200 if actor.name in IMAGE_EDITORS | {uploader} else 0
    if form in ("/documents/<id>/<other name>", "/media/<upload>", "/media/<published copy>"):
        return 404  # no such door: documents leave through /documents/<id>/<their name> only
    public = case.state == "published" and form != "/media/original_images/<upload>"
    if public:
        return 200
    if actor.department is None:
        return 404
    if actor.name in BUREAU_WIDE:
        return 200
    # Everyone else: the files of their own department (the policy reviewer belongs to the
    # policy section), never another department's.
    return 200 if actor.department == case.department else 404


def test_only_the_published_copy_of_a_live_record_is_public(matrix):
    cases, actors = matrix
    wrong = []
    rows = []
    for case in cases:
        for form, url in case.urls.items():
            row = [f"{case.kind} {case.state} ({case.department})", form]
            for actor in actors:
                response = actor.client.get(url)
                want = expected(case, form, actor)
                row.append(str(response.status_code))
                # 0: refused by the admin (login redirect or 403), never the bytes.
                ok = response.status_code == want or (
                    want == 0 and response.status_code in (302, 403, 404)
                )
                if not ok:
                    wrong.append(
                        f"{actor.name} {url} [{case.kind} {case.state}]: "
                        f"{response.status_code}, expected {want}"
                    )
            rows.append(row)
    _write_table(actors, rows)
    assert not wrong, "\n".join(wrong)


def _write_table(actors: list[Actor], rows: list[list[str]]) -> None:
    """The matrix as observed, for people (test-artifacts/access-matrix.md, not committed)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    header = ["file", "URL form", *(actor.name for actor in actors)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    (folder / "access-matrix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_public_gets_the_published_copy_and_staff_the_upload(matrix):
    cases, actors = matrix
    anonymous = next(a for a in actors if a.name == "anonymous")
    office = next(a for a in actors if a.name == "office_reviewer")
    for case in cases:
        if case.kind != "document":
            continue
        url = case.urls["/documents/<id>/<name>"]
        if case.state == "published":
            served = anonymous.client.get(url).content
            copy = PublicCopy.objects.get(document=case.obj)
            with copy.file.open("rb") as handle:
                assert served == handle.read()
            assert inspect_metadata("x.docx", served) == []  # author, comments… stripped
            assert anonymous.client.get(url)["Cache-Control"] == "no-cache"
        else:
            response = office.client.get(url)
            with case.obj.file.open("rb") as handle:
                assert response.content == handle.read()
            assert "no-store" in response["Cache-Control"]


def test_public_image_renditions_carry_no_exif(matrix):
    import io

    from PIL import Image as PILImage

    cases, actors = matrix
    anonymous = next(a for a in actors if a.name == "anonymous")
    for case in cases:
        if case.kind == "image" and case.state == "published":
            response = anonymous.client.get(case.urls["/media/images/<rendition>"])
            data = b"".join(response.streaming_content)
            picture = PILImage.open(io.BytesIO(data))
            assert not picture.getexif()
            assert inspect_metadata("x.jpg", data) == []


def test_the_api_links_only_public_attachments(matrix, client):
    cases, _actors = matrix
    for case in cases:
        if case.kind != "document":
            continue
        response = client.get(f"/api/v1/catalog/records/id/{case.page.pk}")
        if case.state not in ("published", "replaced"):
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        urls = [a["url"] for a in response.json()["attachments"]]
        assert urls
        for url in urls:  # every link the API gives works for anyone
            assert Client().get(url.removeprefix(settings.SITE_URL)).status_code == 200
        # ... and the replaced version is no longer among them
        assert (f"{settings.SITE_URL}{case.obj.url}" in urls) == (case.state == "published")


# --- notifications and the press list -----------------------------------------------------------

STAFF = ("drafter", "department_head", "office_reviewer", "leader", "site_admin", "policy_reviewer")


def _outcome(response) -> str:
    """200, 400, 404, "login" (to the admin login) or "refused" (Wagtail's redirect or 403)."""
    if response.status_code == 302:
        location = response["Location"]
        return "login" if "/login/" in location else "refused" if location == "/admin/" else "302"
    if response.status_code == 403:
        return "refused"
    return str(response.status_code)


def test_notification_and_press_urls(world):
    from gongkai.notifications.services import notify
    from gongkai.press.models import Subscriber, SubscriberStatus
    from gongkai.press.services import confirm_token, unsubscribe_token

    notice = notify(
        recipients=[world.drafter], kind="other", title="撰稿人的通知", url="/admin/pages/"
    )[0]
    subscriber = Subscriber.objects.create(
        email="reporter@example.com",
        name="李记者",
        organisation="毕节日报",
        columns=["results"],
        status=SubscriberStatus.ACTIVE,
    )
    people = {
        "anonymous": None,
        "drafter": world.drafter,
        "department_head": world.department_head,
        "office_reviewer": world.office_reviewer,
        "leader": world.leader,
        "site_admin": world.site_admin,
        "policy_reviewer": world.policy_reviewer,
    }
    office_and_centre = {"office_reviewer": "200", "site_admin": "200"}
    # URL -> expected outcome per person (missing: the default in the tuple).
    rows = {
        "/press/": ("200", {}),
        f"/press/confirm/{confirm_token(subscriber, {})}/": ("200", {}),
        f"/press/unsubscribe/{unsubscribe_token(subscriber)}/": ("200", {}),
        "/press/confirm/forged/": ("400", {}),
        "/admin/notifications/": ("200", {"anonymous": "login"}),
        # Another person's notice is not there for anyone else (404, as if missing).
        f"/admin/notifications/{notice.pk}/open/": (
            "404",
            {"anonymous": "login", "drafter": "302"},
        ),
        "/admin/notifications/outbox/": (
            "refused",
            {"anonymous": "login", "site_admin": "200"},
        ),
        "/admin/press/subscribers/": ("refused", {"anonymous": "login", **office_and_centre}),
        f"/admin/press/subscribers/inspect/{subscriber.pk}/": (
            "refused",
            {"anonymous": "login", **office_and_centre},
        ),
    }
    wrong = []
    for name, user in people.items():
        client = Client()
        if user is not None:
            login_verified(client, user)
        for url, (default, special) in rows.items():
            want = special.get(name, default)
            got = _outcome(client.get(url))
            if got != want:
                wrong.append(f"{name} {url}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


# --- admin screens that hold no file: who reaches them ------------------------------------
# The search synonyms (设置 → 搜索同义词) are kept by the office and the information centre.
SYNONYM_EDITORS = {"office_reviewer", "site_admin"}


def test_search_synonym_screens(world):
    from gongkai.search.models import SynonymGroup

    group = SynonymGroup.objects.create(terms="社保卡\n社会保障卡")
    urls = {
        "/admin/search/synonyms/": "/admin/search/synonyms/",
        "/admin/search/synonyms/add/": "/admin/search/synonyms/add/",
        "/admin/search/synonyms/edit/<id>/": f"/admin/search/synonyms/edit/{group.pk}/",
        "/admin/search/synonyms/delete/<id>/": f"/admin/search/synonyms/delete/{group.pk}/",
        "/admin/search/synonyms/history/<id>/": f"/admin/search/synonyms/history/{group.pk}/",
    }
    people = {
        "anonymous": None,
        "drafter": world.drafter,
        "department_head": world.department_head,
        "office_reviewer": world.office_reviewer,
        "leader": world.leader,
        "site_admin": world.site_admin,
        "policy_reviewer": world.policy_reviewer,
    }
    wrong = []
    for name, user in people.items():
        client = Client()
        if user is not None:
            login_verified(client, user)
        for form, url in urls.items():
            status = client.get(url).status_code
            ok = status == 200 if name in SYNONYM_EDITORS else status in (302, 403)
            if not ok:
                wrong.append(f"{name} {form}: {status}")
    assert not wrong, "\n".join(wrong)
