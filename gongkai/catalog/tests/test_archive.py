"""Attachment originals (附件原件) live in the private storage and reach staff only via the admin."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry

from gongkai.catalog.archive import AttachmentOriginal
from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.services import CatalogAction
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_disk(settings, tmp_path) -> tuple[Path, Path]:
    """Files on disk as in production: public media and private files in separate folders."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = str(media)
    settings.PRIVATE_MEDIA_ROOT = str(private)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "gongkai.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(private)},
        },
    }
    return media, private


@pytest.fixture
def leaky() -> bytes:
    return make_docx()


@pytest.fixture
def archived(world, on_disk, leaky) -> AttachmentOriginal:
    """An original archived by an earlier release (which stripped published files in place;
    today the published copy is separate and the document itself stays as uploaded)."""
    page = record(column(), publish=False, department=world.employment)
    document = get_document_model().objects.create(
        title="通知附件", file=ContentFile(leaky, name="通知附件.docx")
    )
    RecordAttachment.objects.create(record=page, document=document)
    publish_reviewed(CatalogRecord.objects.get(pk=page.pk))
    original = AttachmentOriginal(document=document)
    original.original.save("通知附件.docx", ContentFile(leaky), save=False)
    original.save()
    return original


def url(original: AttachmentOriginal) -> str:
    return reverse("catalog_attachment_original", args=[original.pk])


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_original_is_stored_outside_media_root(archived, on_disk, leaky):
    media, private = on_disk
    path = Path(archived.original.path)
    assert path.is_relative_to(private) and not path.is_relative_to(media)
    assert path.read_bytes() == leaky
    assert path.stat().st_mode & 0o077 == 0  # readable by the server's user only
    assert not (media / archived.original.name).exists()
    assert not list(media.rglob("archive"))
    with pytest.raises(ValueError):
        archived.original.url  # noqa: B018 - no public URL at all
    assert Client().get(f"/media/{archived.original.name}").status_code == 404


def test_anonymous_users_are_sent_to_the_login(client, archived):
    response = client.get(url(archived))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("who", ["policy_reviewer", "leader", "site_admin"])
def test_staff_without_a_claim_on_the_record_get_403(client, world, archived, who):
    login_verified(client, getattr(world, who))
    response = client.get(url(archived))
    assert response.status_code == 403
    assert not response.has_header("Content-Disposition")


def test_a_drafter_of_another_department_gets_403(client, world, archived):
    from gongkai.org import roles
    from gongkai.org.tests.factories import staff

    other = staff("t-drafter-policy", role=roles.DRAFTER, department=world.policy)
    client.force_login(other)
    assert client.get(url(archived)).status_code == 403


def test_an_office_reviewer_downloads_the_original_and_it_is_audited(
    client, world, archived, leaky
):
    client.force_login(world.office_reviewer)
    response = client.get(url(archived))
    assert response.status_code == 200
    assert content(response) == leaky
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    entry = ModelLogEntry.objects.get(action=CatalogAction.ORIGINAL_DOWNLOAD)
    assert entry.user == world.office_reviewer
    assert entry.object_id == str(archived.pk)


def test_the_drafter_of_the_records_department_downloads_it(client, world, archived, leaky):
    client.force_login(world.drafter)
    response = client.get(url(archived))
    assert response.status_code == 200
    assert content(response) == leaky


def test_an_unknown_original_is_404(client, world, archived):
    client.force_login(world.office_reviewer)
    assert client.get(reverse("catalog_attachment_original", args=[999999])).status_code == 404


def test_the_migration_moves_originals_out_of_media_root(world, on_disk):
    media, private = on_disk
    document = get_document_model().objects.create(
        title="旧附件", file=ContentFile(b"%PDF-1.4 old", name="old.pdf")
    )
    name = "archive/originals/0123456789abcdef/old.pdf"
    storages["default"].save(name, ContentFile(b"%PDF-1.4 original"))
    original = AttachmentOriginal.objects.create(document=document, original=name)
    migration = importlib.import_module(
        "gongkai.catalog.migrations.0003_attachment_original_private"
    )

    migration.to_private(apps, None)
    migration.to_private(apps, None)  # twice: nothing left to move, nothing breaks
    original.refresh_from_db()
    assert original.original.name == name
    assert (private / name).read_bytes() == b"%PDF-1.4 original"
    assert not (media / name).exists() and not (media / "archive").exists()
    with original.original.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 original"

    migration.to_default(apps, None)
    assert (media / name).read_bytes() == b"%PDF-1.4 original"
    assert not (private / name).exists()
