"""Remove hidden metadata (authors, comments, tracked changes, EXIF...) from files in place."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.core.filemeta import MetadataError, inspect_metadata, strip_file_in_place

EXTENSIONS = {".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp"}


def _collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(_("“%(path)s” does not exist.") % {"path": text})
    return files


class Command(BaseCommand):
    help = (
        "Strip hidden metadata from PDF, DOCX, XLSX and image files in place (folders are "
        "searched recursively). With --dry-run, list what each file carries and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument(
            "--dry-run", action="store_true", help="only list what each file carries"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        files = _collect(options["paths"])
        dry_run = options["dry_run"]
        failures: list[tuple[Path, str]] = []
        cleaned = 0
        progress = tqdm(
            files,
            unit="file",
            disable=options["no_progress"] or len(files) < 2,
            file=self.stderr._out,
        )
        for path in progress:
            try:
                if dry_run:
                    found = inspect_metadata(path.name, path.read_bytes())
                else:
                    found = strip_file_in_place(path)
            except (MetadataError, OSError) as exc:
                failures.append((path, str(exc)))
                continue
            if found:
                cleaned += 1
            if dry_run or options["verbosity"] > 1:
                lines = [f"  {item}" for item in found] or ["  " + _("nothing found")]
                progress.write(f"{path}\n" + "\n".join(lines), file=self.stdout._out)

        if dry_run:
            summary = _("%(count)s of %(total)s files carry hidden data.")
        else:
            summary = _("Cleaned %(count)s files of %(total)s.")
        self.stdout.write(summary % {"count": cleaned, "total": len(files)})
        if failures:
            self.stderr.write(_("%(count)s files failed:") % {"count": len(failures)})
            for path, reason in failures:
                self.stderr.write(f"  {path}: {reason}")
            raise CommandError(_("%(count)s files failed.") % {"count": len(failures)})
