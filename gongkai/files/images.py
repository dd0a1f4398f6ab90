"""Images lose their EXIF (GPS position, camera, author) the moment they are uploaded.

A photo's hidden data has no value for the bureau and is a leak once the photo is public,
so every new image file is stripped before it is stored (admin upload, chooser upload,
Word import, code): `gongkai.core.filemeta.strip_metadata` removes EXIF, XMP, IPTC and
text chunks without re-encoding, and turns a JPEG that EXIF says to rotate upright.
Renditions are made from the stripped original.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from typing import Any

from django.core.files.base import ContentFile

from gongkai.core.filemeta import MetadataError, strip_metadata

logger = logging.getLogger(__name__)


def image_strip_on_upload(*, image: Any) -> bool:
    """Strip the hidden data of an image whose file is about to be stored; True if it changed."""
    field_file = image.file
    if not field_file or getattr(field_file, "_committed", True):
        return False
    handle = field_file.file
    handle.seek(0)
    data = handle.read()
    handle.seek(0)
    name = os.path.basename(field_file.name or "image")
    try:
        clean = strip_metadata(name, data)
    except MetadataError:
        # The upload check refuses unreadable images before this point; never block here.
        logger.warning("Image %s could not be stripped of its metadata", name)
        return False
    if clean == data:
        return False
    image.file = ContentFile(clean, name=name)
    image.file_size = len(clean)
    image.file_hash = hashlib.sha1(clean).hexdigest()  # Wagtail's file_hash is SHA-1
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(clean)) as picture:
            image.width, image.height = picture.size
    except Exception:  # dimensions stay as Wagtail measured them
        logger.warning("Could not measure stripped image %s", name, exc_info=True)
    return True
