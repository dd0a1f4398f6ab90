"""Scheduled publishing that one refused revision cannot stop (replaces Wagtail's command).

    manage.py publish_scheduled [--dryrun]

Wagtail's own `publish_scheduled` publishes due revisions in one loop, and the first one
the publication guard refuses (no completed review) aborts the run. This command has the
same name and options; gongkai.review comes before wagtail in INSTALLED_APPS, so it wins.
Every refusal is printed, logged and audited, and the other revisions are published.
"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gongkai.review.services import (
    scheduled_due_revisions,
    scheduled_expired_objects,
    scheduled_publish_run,
)


def _describe(obj) -> str:
    return f"{obj} (#{obj.pk})"


class Command(BaseCommand):
    help = "Unpublish expired pages and publish due scheduled revisions, skipping refused ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dryrun", action="store_true", help="list what would change, change nothing"
        )

    def handle(self, *args, dryrun: bool = False, **options) -> None:
        if dryrun:
            for obj in scheduled_expired_objects():
                self.stdout.write(
                    _("Would unpublish (expired): %(object)s") % {"object": _describe(obj)}
                )
            for revision in scheduled_due_revisions():
                self.stdout.write(
                    _("Would publish: %(object)s, revision %(revision)s")
                    % {"object": _describe(revision.content_object), "revision": revision.pk}
                )
            return
        run = scheduled_publish_run()
        for obj in run.expired:
            self.stdout.write(_("Unpublished (expired): %(object)s") % {"object": _describe(obj)})
        for revision in run.published:
            self.stdout.write(
                _("Published: %(object)s, revision %(revision)s")
                % {"object": _describe(revision.content_object), "revision": revision.pk}
            )
        for revision, reason in run.refused:
            self.stdout.write(
                self.style.WARNING(
                    _("Not published: %(object)s, revision %(revision)s: %(reason)s")
                    % {
                        "object": _describe(revision.content_object),
                        "revision": revision.pk,
                        "reason": reason,
                    }
                )
            )
        self.stdout.write(
            _(
                "Scheduled publishing: %(published)d published, %(refused)d refused, %(expired)d expired."
            )
            % {
                "published": len(run.published),
                "refused": len(run.refused),
                "expired": len(run.expired),
            }
        )
