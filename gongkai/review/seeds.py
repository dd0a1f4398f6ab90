"""The review workflow of the demo bureau (data-independent: it only needs the site root)."""

from .services import review_workflow_install

DEPENDS = ["org", "portal", "catalog"]


def seed(*, stdout) -> None:
    workflow = review_workflow_install()
    stdout.write(f"  review: workflow “{workflow.name}” with {workflow.tasks.count()} steps")
