"""The personal-data scanner of the shared kernel (REGULATIONS.md §5).

A pure library: it reads text, HTML and attachments and returns findings, and masks the
findings that the review workflow chooses, in text, HTML (`mask_html`) and inside
attachments (`mask_file`).
"""

from .extract import ExtractionError, TextChunk, extract_text, scan_file
from .htmltext import mask_html, scan_html
from .maskfile import mask_file
from .masking import MaskingError, MaskResult
from .scanner import Finding, FindingKind, mask_text, mask_value, scan_text

__all__ = [
    "ExtractionError",
    "Finding",
    "FindingKind",
    "MaskResult",
    "MaskingError",
    "TextChunk",
    "extract_text",
    "mask_file",
    "mask_html",
    "mask_text",
    "mask_value",
    "scan_file",
    "scan_html",
    "scan_text",
]
