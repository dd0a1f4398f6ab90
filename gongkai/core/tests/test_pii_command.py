"""The pii_scan command: masked output, exit status, and the corpus report."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.tests import pii_corpus as corpus


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("pii_scan", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def test_folder_findings_are_printed_masked_and_exit_1(tmp_path: Path):
    files = corpus.write_corpus(tmp_path)
    (tmp_path / "坏.pdf").write_bytes(b"MZ\x90\x00")
    status, out, err = _run(str(tmp_path))
    assert status == 1
    planted = [p for f in files for p in f.planted]
    assert len([line for line in out.splitlines() if "*" in line]) == len(planted)
    for item in planted:
        assert item.normalised[-11:] not in out  # never the raw number
    assert "坏.pdf" in err


def test_clean_file_exits_0_and_unreadable_file_exits_2(tmp_path: Path):
    clean = tmp_path / "通知.txt"
    clean.write_text("毕人社发〔2019〕12号，联系电话0857-8221234。", encoding="utf-8")
    assert _run(str(clean))[0] == 0
    broken = tmp_path / "附件.docx"
    broken.write_bytes(b"PK\x03\x04broken")
    assert _run(str(clean), str(broken))[0] == 2


def test_missing_path_is_an_error(tmp_path: Path):
    with pytest.raises(CommandError):
        call_command("pii_scan", str(tmp_path / "nothing"))


def test_corpus_report_has_full_recall_and_no_false_positives():
    status, out, _err = _run("--corpus")
    assert status == 0
    assert "1.000" in out
