#!/usr/bin/env python
"""Find the Wagtail strings that have no Simplified Chinese translation.

Wagtail's bundled zh_Hans catalogues lag its source, so parts of the admin would show
English. The project catalogue in locale/zh_Hans/LC_MESSAGES/ (LOCALE_PATHS, which
takes precedence over every app's catalogue) fills the gaps.

A gap is a msgid (with its msgctxt) of a Wagtail app's English catalogue
(wagtail/**/locale/en/LC_MESSAGES/{django,djangojs}.po) that is translated neither in that
app's own zh_Hans .mo nor in the project catalogue of the same domain. Usage:

    python scripts/wagtail_translation_gaps.py            # list the gaps; exit 1 if any
    python scripts/wagtail_translation_gaps.py --write    # queue them in the project .po
    python scripts/wagtail_translation_gaps.py --compile  # project .po -> .mo

After --write, translate the new entries (empty msgstr) and run --compile. Commit both
the .po and the .mo. gongkai/tests/test_wagtail_translations.py fails while gaps remain.

OVERRIDES below replaces Wagtail translations that exist but mislead the bureau's staff;
--write (re)applies them on every run, so they survive regeneration.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import polib
import wagtail

ROOT = Path(__file__).resolve().parent.parent
WAGTAIL_DIR = Path(wagtail.__file__).resolve().parent
PROJECT_MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
LANGUAGE = "zh_Hans"
HEADER = {
    "Project-Id-Version": "gongkai (Wagtail gaps)",
    "PO-Revision-Date": "2026-01-01 00:00+0800",
    "Last-Translator": "gongkai <gongkai@localhost>",
    "Language-Team": "Chinese (Simplified)",
    "Language": LANGUAGE,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass(frozen=True)
class Override:
    """A Wagtail translation we replace, and why (read as a 政务公开 office worker would)."""

    msgstr: str
    reason: str
    domain: str = "django"


# (msgctxt, msgid) -> better Chinese. Only strings Wagtail already translates, badly.
OVERRIDES: dict[Key, Override] = {
    (None, "live"): Override(
        "已发布", "page/snippet status; 在用 reads as 'in use' (equipment), not 'published'"
    ),
    (None, "live + scheduled"): Override(
        "已发布 + 已计划", "same status as 'live', with a schedule"
    ),
    (None, "live + draft"): Override(
        "已发布 + 草稿", "same status as 'live'; Wagtail gives 发布 (a verb)"
    ),
    (None, "Live"): Override(
        "已发布", "status filter/label; Wagtail's 发布 reads as the 发布 button"
    ),
    (None, "Live version"): Override(
        "已发布版本", "the published revision, not a 'publish version' action"
    ),
    (None, "Unpublished"): Override(
        "已取消发布", "a status and a log entry; Wagtail's 取消发布 is the action's verb"
    ),
    (None, "Privacy"): Override(
        "访问权限", "the setting restricts who may view a page; 私有设置 suggests personal data"
    ),
    (None, "Change privacy"): Override("更改访问权限", "the same setting as 'Privacy'"),
}


@dataclass(frozen=True)
class Gap:
    """A Wagtail msgid without a zh_Hans translation."""

    app: str  # "wagtail/admin", "wagtail" for the core app
    domain: str  # "django" or "djangojs"
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str = ""
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        text = f"{self.app} [{self.domain}] {self.msgid!r}"
        if self.msgid_plural:
            text += f" / {self.msgid_plural!r}"
        if self.msgctxt:
            text += f" (msgctxt {self.msgctxt!r})"
        return text


def project_catalogue(domain: str) -> Path:
    return PROJECT_MESSAGES / f"{domain}.po"


def _is_translated(entry: polib._BaseEntry) -> bool:
    if entry.obsolete or "fuzzy" in getattr(entry, "flags", ()):
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _translated_keys(path: Path) -> set[Key]:
    if not path.exists():
        return set()
    catalogue = polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))
    return {(e.msgctxt, e.msgid) for e in catalogue if e.msgid and _is_translated(e)}


def wagtail_catalogues() -> list[tuple[str, str, Path]]:
    """(app, domain, English .po) for every Wagtail app catalogue, in a stable order."""
    found = []
    for domain in DOMAINS:
        for path in WAGTAIL_DIR.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"):
            app_dir = path.parents[3]  # <app>/locale/en/LC_MESSAGES/<domain>.po
            app = "/".join(("wagtail", *app_dir.relative_to(WAGTAIL_DIR).parts))
            found.append((app, domain, path))
    return sorted(found, key=lambda item: (item[1], item[0] != "wagtail/admin", item[0]))


def find_gaps() -> list[Gap]:
    """Every Wagtail msgid that neither Wagtail's zh_Hans .mo nor the project .po translates."""
    project = {domain: _translated_keys(project_catalogue(domain)) for domain in DOMAINS}
    gaps = []
    for app, domain, english in wagtail_catalogues():
        own_mo = english.parents[2] / LANGUAGE / "LC_MESSAGES" / f"{domain}.mo"
        translated = _translated_keys(own_mo) | project[domain]
        for entry in polib.pofile(str(english)):
            if entry.obsolete or not entry.msgid or (entry.msgctxt, entry.msgid) in translated:
                continue
            gaps.append(
                Gap(
                    app=app,
                    domain=domain,
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    msgid_plural=entry.msgid_plural or "",
                    flags=tuple(f for f in entry.flags if f.endswith("-format")),
                )
            )
    return gaps


def _load_or_create(path: Path) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        "Simplified Chinese translations of the Wagtail strings that Wagtail's own zh_Hans\n"
        "catalogues lack. Generated by scripts/wagtail_translation_gaps.py --write."
    )
    catalogue.metadata = dict(HEADER)
    return catalogue


def write(gaps: list[Gap]) -> int:
    """Append the gaps (empty msgstr) to the project catalogues; return how many were added."""
    added = 0
    for domain in DOMAINS:
        mine = [gap for gap in gaps if gap.domain == domain]
        if not mine:
            continue
        path = project_catalogue(domain)
        catalogue = _load_or_create(path)
        for gap in mine:
            entry = catalogue.find(gap.msgid, msgctxt=gap.msgctxt)
            if entry is None:
                entry = polib.POEntry(msgid=gap.msgid, msgctxt=gap.msgctxt, msgstr="")
                if gap.msgid_plural:
                    entry.msgid_plural = gap.msgid_plural
                    entry.msgstr_plural = {0: ""}
                catalogue.append(entry)
                added += 1
            apps = entry.comment.splitlines() if entry.comment else []
            if gap.app not in apps:
                entry.comment = "\n".join([*apps, gap.app])
            entry.flags = sorted({*entry.flags, *gap.flags})
        path.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(path))
    return added


def apply_overrides() -> int:
    """Set every OVERRIDES entry in the project catalogue; return how many changed."""
    changed = 0
    for domain in DOMAINS:
        mine = {key: o for key, o in OVERRIDES.items() if o.domain == domain}
        if not mine:
            continue
        path = project_catalogue(domain)
        catalogue = _load_or_create(path)
        for (msgctxt, msgid), override in mine.items():
            entry = catalogue.find(msgid, msgctxt=msgctxt)
            if entry is None:
                entry = polib.POEntry(msgid=msgid, msgctxt=msgctxt)
                catalogue.append(entry)
            comment = f"override: {override.reason}"
            if entry.msgstr != override.msgstr or entry.comment != comment:
                entry.msgstr = override.msgstr
                entry.comment = comment
                changed += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(path))
    return changed


def stale_overrides() -> list[Key]:
    """OVERRIDES keys that Wagtail no longer has (a Wagtail upgrade renamed them)."""
    known: set[Key] = set()
    for _app, _domain, english in wagtail_catalogues():
        known |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(english)) if e.msgid}
    return [key for key in OVERRIDES if key not in known]


def compile_catalogues() -> list[Path]:
    """Compile the project .po files into .mo files next to them."""
    written = []
    for domain in DOMAINS:
        path = project_catalogue(domain)
        if path.exists():
            mo = path.with_suffix(".mo")
            polib.pofile(str(path)).save_as_mofile(str(mo))
            written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="append the gaps to the project .po")
    parser.add_argument("--compile", action="store_true", help="compile the project .po to .mo")
    args = parser.parse_args(argv)

    gaps = find_gaps()
    for gap in gaps:
        print(gap)
    counts: dict[str, int] = {}
    for gap in gaps:
        counts[f"{gap.app} [{gap.domain}]"] = counts.get(f"{gap.app} [{gap.domain}]", 0) + 1
    for name, count in counts.items():
        print(f"{count:5d}  {name}", file=sys.stderr)
    print(f"{len(gaps)} untranslated Wagtail msgid(s)", file=sys.stderr)

    if args.write and gaps:
        added = write(gaps)
        print(f"added {added} entries to {PROJECT_MESSAGES.relative_to(ROOT)}", file=sys.stderr)
    if args.write:
        changed = apply_overrides()
        print(f"applied {changed} changed override(s) of {len(OVERRIDES)}", file=sys.stderr)
    for msgctxt, msgid in stale_overrides():
        print(
            f"override of {msgid!r} (msgctxt {msgctxt!r}) matches no Wagtail msgid", file=sys.stderr
        )
    if args.compile:
        for mo in compile_catalogues():
            print(f"compiled {mo.relative_to(ROOT)}", file=sys.stderr)
    return 1 if gaps and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
