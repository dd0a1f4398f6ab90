from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; a file missing from the manifest (collectstatic
    not re-run after an upgrade) falls back to its plain name instead of a 500."""

    manifest_strict = False


PRIVATE_STORAGE_ALIAS = "private"


def random_folder_path(folder: str, filename: str) -> str:
    """<folder>/<random>/<file name>: the name kept, the folder not guessable."""
    import os
    import uuid

    return f"{folder}/{uuid.uuid4().hex}/{os.path.basename(filename)}"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files no URL reaches: kept under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT), readable by
    the owner only, and served solely by views that check permission first."""

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class _PrivateStorage(LazyObject):
    """The storage named "private" in STORAGES, looked up when first used."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = _PrivateStorage()


def get_private_storage():
    """For `FileField(storage=get_private_storage)`: migrations name this, not a backend."""
    return private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty
