"""Scan files for personal data from the command line (REGULATIONS.md §5).

Findings are printed masked, never as the raw number. Exit status: 1 if anything was found,
2 if nothing was found but some file could not be read (check it by hand), else 0.
"""

import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.core.pii import ExtractionError, Finding, scan_file

# More files than this get a progress bar.
PROGRESS_THRESHOLD = 5


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(_("“%(path)s” is neither a file nor a folder.") % {"path": name})
    return found


class Command(BaseCommand):
    help = (
        "Scan files or folders (PDF, DOCX, XLSX, text, CSV, HTML) for ID, mobile and bank-card "
        "numbers and print them masked; exit 1 if anything is found. With --corpus, generate "
        "the test corpus and print the scanner's recall and false positives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="files or folders to scan")
        parser.add_argument(
            "--corpus",
            action="store_true",
            help="generate the test corpus in a temporary folder and report recall",
        )

    def handle(self, *args, **options) -> None:
        if options["corpus"]:
            self._corpus()
            return
        if not options["paths"]:
            raise CommandError(_("Name at least one file or folder, or use --corpus."))
        files = _files(options["paths"])
        results: list[tuple[Path, list[Finding]]] = []
        failures: list[tuple[Path, str]] = []
        progress = tqdm(
            files, disable=len(files) <= PROGRESS_THRESHOLD, file=sys.stderr, unit="file"
        )
        for path in progress:
            try:
                results.append((path, scan_file(path.name, path.read_bytes())))
            except ExtractionError as error:
                failures.append((path, str(error)))
            except OSError as error:
                failures.append((path, error.strerror or str(error)))
        count = 0
        for path, findings in results:
            for finding in findings:
                count += 1
                self.stdout.write(
                    f"{path}: {finding.location}: {finding.label} {finding.masked}"
                    f" — {finding.context}"
                )
        for path, message in failures:
            self.stderr.write(f"{path}: {message}")
        self.stdout.write(
            _("%(files)s files scanned, %(count)s findings, %(failed)s files not readable.")
            % {"files": len(files), "count": count, "failed": len(failures)}
        )
        if count:
            raise SystemExit(1)
        if failures:
            raise SystemExit(2)

    def _corpus(self) -> None:
        from gongkai.core.tests.pii_corpus import score_corpus, write_corpus

        with tempfile.TemporaryDirectory(prefix="pii-corpus-") as directory:
            files = write_corpus(Path(directory))
            for corpus_file in files:
                # Scan what was written to disk, as a reviewer's attachments would be.
                corpus_file.data = (Path(directory) / corpus_file.name).read_bytes()
            score = score_corpus(files)
        recall = score.found / score.planted if score.planted else 1.0
        self.stdout.write(
            _(
                "Corpus: %(files)s files, %(planted)s planted numbers, %(found)s found "
                "(recall %(recall).3f); %(negatives)s hard negatives; %(fp)s false positives."
            )
            % {
                "files": len(files),
                "planted": score.planted,
                "found": score.found,
                "recall": recall,
                "negatives": score.negatives,
                "fp": score.false_positives,
            }
        )
        for miss in score.misses:
            self.stdout.write(_("Missed: %(what)s") % {"what": miss})
        if score.misses or score.false_positives:
            raise SystemExit(1)
