from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; a file missing from the manifest (collectstatic
    not re-run after an upgrade) falls back to its plain name instead of a 500."""

    manifest_strict = False
