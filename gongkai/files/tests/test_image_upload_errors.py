"""Malformed images get a Chinese form error, never a 500, in every Wagtail image upload.

The single upload (/admin/images/add/), the multiple upload (JSON) and the chooser's
upload (JSON with an HTML fragment) all go through the same checked form; the files
are real broken files made here with Pillow.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Collection

from gongkai.conftest import login_verified

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    picture = Image.effect_noise((400, 300), 64).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb() -> bytes:
    """A valid PNG header claiming 40,000 × 40,000 pixels (1.6 gigapixels), a few bytes of data."""
    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 40_001 * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _bad_crc() -> bytes:
    data = bytearray(_png())
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    crc_at = idat + 4 + length
    data[crc_at] ^= 0xFF
    return bytes(data)


MALFORMED = {
    "truncated.jpg": _jpeg()[:2000],
    "notes.png": "这不是图片，是一段文字。\n".encode() * 20,
    "bomb.png": _bomb(),
    "empty.png": b"",
    "bad-crc.png": _bad_crc(),
}
CHINESE = ("图片", "空文件", "文件", "损坏", "不符")


@pytest.fixture
def admin(world, django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("t-root", "root@example.org", "x")
    client = Client()
    login_verified(client, user)
    return client


def _chinese_error(text: str) -> bool:
    return any(word in text for word in CHINESE) and "Traceback" not in text


@pytest.mark.parametrize("name", list(MALFORMED))
def test_single_upload(admin, name):
    response = admin.post(
        "/admin/images/add/",
        {
            "title": "图片",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(name, MALFORMED[name]),
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    html = response.content.decode()
    assert 'class="error-message"' in html or "error" in html
    assert _chinese_error(html), name
    assert get_image_model().objects.count() == 0


@pytest.mark.parametrize("name", list(MALFORMED))
def test_multiple_upload(admin, name):
    response = admin.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile(name, MALFORMED[name])},
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is False
    assert _chinese_error(answer["error_message"]), answer
    assert get_image_model().objects.count() == 0


@pytest.mark.parametrize("name", list(MALFORMED))
def test_chooser_upload(admin, name):
    response = admin.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "图片",
            "image-chooser-upload-collection": Collection.get_first_root_node().pk,
            "image-chooser-upload-file": SimpleUploadedFile(name, MALFORMED[name]),
        },
    )
    assert response.status_code == 200
    fragment = response.json().get("htmlFragment", "")
    assert _chinese_error(fragment), response.json()
    assert get_image_model().objects.count() == 0


def test_a_sound_image_still_uploads_everywhere(admin):
    response = admin.post(
        "/admin/images/add/",
        {
            "title": "图片",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("photo.jpg", _jpeg()),
        },
    )
    assert response.status_code == 302
    response = admin.post(
        "/admin/images/multiple/add/", {"files[]": SimpleUploadedFile("b.png", _png())}
    )
    assert response.json()["success"] is True
    assert get_image_model().objects.count() == 2


def test_a_truncated_image_is_refused_even_when_pillow_tolerates_them(admin, monkeypatch):
    """WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES when it is imported (after the first
    审查单 PDF): the upload check must not depend on that global."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    test_single_upload(admin, "truncated.jpg")
