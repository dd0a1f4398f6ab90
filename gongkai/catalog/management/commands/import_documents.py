"""Bulk import of a folder of Word and PDF files as draft catalogue records.

    manage.py import_documents FOLDER --column SLUG_OR_ID [--metadata FILE.csv]
                               [--department CODE] [--user USERNAME]

Metadata comes from a CSV (FOLDER/metadata.csv unless --metadata names another) with a
`filename` column and any of title, doc_number, written_date, topic, genre, validity,
summary, keywords; an empty cell means "take it from the file". Each file is imported in
its own transaction, so one bad file does not stop the others; the summary lists every
failure with its reason and the command exits with status 1 if there was any.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from tqdm import tqdm

from gongkai.catalog.imports import METADATA_FIELDS, record_import_docx, record_import_pdf
from gongkai.catalog.models import CatalogColumnPage
from gongkai.org.models import Department

DEFAULT_METADATA = "metadata.csv"
IMPORTERS = {".docx": record_import_docx, ".pdf": record_import_pdf}


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """Rows of a metadata CSV by file name. UTF-8 (with or without BOM) or GB18030 (Excel)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise CommandError(_("%(file)s is neither UTF-8 nor GB18030 text.") % {"file": path})
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    if "filename" not in columns:
        raise CommandError(_("%(file)s has no “filename” column.") % {"file": path})
    unknown = sorted(set(columns) - {"filename", *METADATA_FIELDS})
    if unknown:
        raise CommandError(
            _("%(file)s has unknown columns: %(names)s. Known: %(known)s.")
            % {
                "file": path,
                "names": ", ".join(unknown),
                "known": ", ".join(("filename", *METADATA_FIELDS)),
            }
        )
    rows: dict[str, dict[str, str]] = {}
    for row in reader:
        cleaned = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        name = cleaned.pop("filename", "")
        if name:
            rows[name] = {k: v for k, v in cleaned.items() if v}
    return rows


class Command(BaseCommand):
    help = "Import a folder of .docx and .pdf files as draft catalogue records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="folder holding the .docx and .pdf files")
        parser.add_argument("--column", required=True, help="the column's slug or page id")
        parser.add_argument(
            "--metadata", help=f"metadata CSV (default: {DEFAULT_METADATA} in the folder)"
        )
        parser.add_argument("--department", help="code of the responsible department")
        parser.add_argument("--user", help="username recorded as the importer")

    def _column(self, value: str) -> CatalogColumnPage:
        found: list[CatalogColumnPage] = []
        if value.isdigit():
            found = list(CatalogColumnPage.objects.filter(pk=int(value)))
        if not found:
            found = list(CatalogColumnPage.objects.filter(slug=value)[:2])
        if not found:
            raise CommandError(_("No column “%(value)s”.") % {"value": value})
        if len(found) > 1:
            raise CommandError(
                _("Several columns are called “%(value)s”; give the page id.") % {"value": value}
            )
        return found[0]

    def _department(self, code: str | None) -> Department | None:
        if not code:
            return None
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(_("No department with the code “%(code)s”.") % {"code": code})
        return department

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": username})
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(_("%(folder)s is not a folder.") % {"folder": folder})
        column = self._column(options["column"])
        department = self._department(options["department"])
        user = self._user(options["user"])
        metadata_path = Path(options["metadata"]) if options["metadata"] else None
        if metadata_path is None and (folder / DEFAULT_METADATA).is_file():
            metadata_path = folder / DEFAULT_METADATA
        if metadata_path is not None and not metadata_path.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": metadata_path})
        metadata = read_metadata(metadata_path) if metadata_path else {}

        files = sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in IMPORTERS and not p.name.startswith("~$")
        )
        imported: list[tuple[str, int]] = []
        failed: list[tuple[str, str]] = [
            (name, _("named in the metadata, but not in the folder"))
            for name in sorted(set(metadata) - {p.name for p in files})
        ]
        for path in tqdm(files, desc=_("Importing"), unit=pgettext("progress bar unit", "file")):
            importer = IMPORTERS[path.suffix.lower()]
            try:
                page = importer(
                    column=column,
                    data=path.read_bytes(),
                    filename=path.name,
                    by=user,
                    department=department,
                    metadata=metadata.get(path.name),
                )
            except ValidationError as error:
                failed.append((path.name, "；".join(error.messages)))
            except OSError as error:
                failed.append((path.name, _("cannot be read: %(error)s") % {"error": error}))
            else:
                imported.append((path.name, page.pk))

        self.stdout.write(
            _("%(imported)s imported, %(failed)s failed.")
            % {"imported": len(imported), "failed": len(failed)}
        )
        for name, reason in failed:
            self.stdout.write(f"  ✗ {name}: {reason}")
        if failed:
            raise CommandError(
                _("%(count)s files could not be imported.") % {"count": len(failed)}, returncode=1
            )
