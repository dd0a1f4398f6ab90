"""The contract of masking personal data inside a file (附件脱敏).

`gongkai.core.pii.maskfile.mask_file` (Word, Excel, CSV, HTML, text) and
`gongkai.core.pii.pdfredact.mask_pdf` (PDF, true redaction) both return a MaskResult or
raise MaskingError. A masking that cannot be verified by extracting the text of the result
again is a failure, never a partial success: the caller must then refuse the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .scanner import Finding

# Decides which findings (as scan_file reports them) are masked; None masks every one.
FindingFilter = Callable[[Finding], bool]


class MaskingError(Exception):
    """A file that could not be masked; ``str()`` is a Chinese message naming the file.

    ``reason`` is one of:
    - ``corrupt``: damaged, or not the type its name says;
    - ``encrypted``: password-protected, or the old binary Office format;
    - ``unsupported``: a file type that cannot be masked;
    - ``embedded``: it holds an embedded object that cannot be read or masked;
    - ``unverified``: after masking, a finding to be masked can still be extracted.
    """

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class MaskResult:
    """The masked file and the findings that were masked in it (with their locations)."""

    data: bytes
    masked: list[Finding] = field(default_factory=list)
