"""The personal-data scanner of the shared kernel (REGULATIONS.md §5).

A pure library: it reads text, HTML and attachments and returns findings; the review
workflow decides what to mask or waive.
"""

from .extract import ExtractionError, TextChunk, extract_text, scan_file
from .htmltext import mask_html, scan_html
from .scanner import Finding, FindingKind, mask_text, mask_value, scan_text

__all__ = [
    "ExtractionError",
    "Finding",
    "FindingKind",
    "TextChunk",
    "extract_text",
    "mask_html",
    "mask_text",
    "mask_value",
    "scan_file",
    "scan_html",
    "scan_text",
]
