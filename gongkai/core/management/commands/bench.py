"""Run the registered benchmarks; write JSON to var/bench/<name>.json (`make bench`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.core.bench import discover, result_document, write_result


class Command(BaseCommand):
    help = "Run benchmarks (each against a baseline measured in the same run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
        parser.add_argument("--list", action="store_true", help="list the benchmarks")
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "bench"),
            help="folder for the JSON results (default: var/bench)",
        )

    def handle(self, *args, **options) -> None:
        benchmarks = discover()
        if options["list"]:
            for name, benchmark in benchmarks.items():
                self.stdout.write(f"{name}  {benchmark.description}")
            return
        unknown = sorted(set(options["names"]) - set(benchmarks))
        if unknown:
            raise CommandError(_("Unknown benchmark: %(names)s") % {"names": ", ".join(unknown)})
        chosen = [benchmarks[n] for n in options["names"]] or list(benchmarks.values())
        output = Path(options["output"])
        rows = []
        for benchmark in tqdm(chosen, desc="bench", unit="benchmark"):
            document = result_document(benchmark, benchmark.func())
            path = write_result(output, document)
            rows.append((document, path))
        width = max((len(d["name"]) for d, _p in rows), default=10)
        self.stdout.write(
            f"{'benchmark':<{width}}  {'items':>7}  {'baseline s':>11}  {'candidate s':>11}  ratio"
        )
        for document, path in rows:
            self.stdout.write(
                f"{document['name']:<{width}}  {document['items']:>7}  "
                f"{document['baseline']['seconds']:>11.4f}  "
                f"{document['candidate']['seconds']:>11.4f}  {document['ratio']:.1f}×"
            )
            self.stdout.write(
                f"  {document['candidate']['label']} vs {document['baseline']['label']}: "
                f"{document['ratio']:.1f}× faster; {path}"
            )
