"""The printable 审查单 (WeasyPrint, Noto CJK from the system's fonts)."""

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.org.models import Bureau

from .models import ReviewRecord
from .states import ChecklistItem


def record_context(record: ReviewRecord) -> dict:
    steps = list(record.steps.select_related("reviewer"))
    for step in steps:
        step.checklist_rows = [
            (item.label, bool(step.checklist.get(item.value))) for item in ChecklistItem
        ]
    return {
        "record": record,
        "steps": steps,
        "bureau": Bureau.load(),
        "printed_at": timezone.localtime(),
    }


def render_record_pdf(record: ReviewRecord) -> bytes:
    from weasyprint import HTML

    html = render_to_string("review/record_pdf.html", record_context(record))
    return HTML(string=html).write_pdf()
