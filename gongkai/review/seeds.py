"""The review workflow of the demo bureau, and its reviewed catalogue.

The demo records are published the only way anything is: with a completed
review. Their 审查单 are attested (补录) as reviews done on paper before the
platform existed.
"""

from .services import review_record_attest, review_workflow_install

DEPENDS = ["org", "portal", "catalog"]

DEMO_REVIEW_NOTE = "演示数据：纸质审查单补录"


def _publish_reviewed(page) -> None:
    revision = page.save_revision()
    review_record_attest(page=page, note=DEMO_REVIEW_NOTE)
    revision.publish()


def seed(*, stdout) -> None:
    from gongkai.catalog.demo import seed_demo_records

    workflow = review_workflow_install()
    stdout.write(f"  review: workflow “{workflow.name}” with {workflow.tasks.count()} steps")
    created = seed_demo_records(publish=_publish_reviewed)
    if created:
        stdout.write(f"  catalogue: {created} reviewed demo records published")
    from .demo import seed_pending_reviews

    pending = seed_pending_reviews()
    if pending:
        stdout.write(f"  review: {pending} demo drafts waiting in the review queues")
