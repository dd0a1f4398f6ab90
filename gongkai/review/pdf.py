"""The printable 审查单 (WeasyPrint, Noto CJK from the system's fonts).

Same data (sheet.record_sheet) and same template (review/_sheet.html) as the admin
inspect view, so the paper and the screen tell the same story.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.org.models import Bureau

from .models import ReviewRecord
from .sheet import local_time, record_sheet


def record_context(record: ReviewRecord) -> dict:
    return {
        "record": record,
        "sheet": record_sheet(record),
        "bureau": Bureau.load(),
        "printed_at": local_time(timezone.now()),
    }


def render_record_pdf(record: ReviewRecord) -> bytes:
    from weasyprint import HTML

    html = render_to_string("review/record_pdf.html", record_context(record))
    return HTML(string=html).write_pdf()
