"""Issue 12, case 7: `import-list` of something that is not a regular file (a FIFO,
/dev/zero, a folder) or of a file over the size cap is refused at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from readerapp.core.errors import InvalidValue
from readerapp.core.library import Library
from readerapp.core.listimport import MAX_LIST_BYTES, import_list


def _cli(folder, *args, timeout=60):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_import_list_refuses_a_fifo_dev_zero_and_a_folder_within_seconds(tmp_path):
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.add_paper(title="kept")
    fifo = tmp_path / "list.md"
    os.mkfifo(fifo)
    for target, word in ((fifo, "FIFO"), ("/dev/zero", "device"), (tmp_path, "folder")):
        start = time.monotonic()
        try:
            r = _cli(folder, "import-list", str(target), timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"import-list {target} still running after 30 s")
        assert r.returncode in (1, 2) and r.stderr.count("\n") == 1 and word in r.stderr, r.stderr
        assert time.monotonic() - start < 20
    with Library(folder) as lib:
        with pytest.raises(InvalidValue, match="FIFO"):
            import_list(lib, fifo)
        assert [p.title for p in lib.list_papers()] == ["kept"]


def test_import_list_reads_no_more_than_the_cap(tmp_path):
    """A file claiming a small size can still be long (files in /proc say 0 bytes): only
    MAX_LIST_BYTES + 1 bytes are ever read; a sparse file over the cap is refused unread."""
    from readerapp.core import safefile

    big = tmp_path / "big.md"
    with open(big, "wb") as fh:
        fh.truncate(MAX_LIST_BYTES + 1)
    with Library(tmp_path / "lib") as lib:
        with pytest.raises(InvalidValue, match="too large"):
            import_list(lib, big)
    small = tmp_path / "grows.md"
    small.write_bytes(b"# x\n" * 100)
    with pytest.raises(InvalidValue, match="larger than"):
        safefile.read_capped("/proc/self/maps" if os.path.exists("/proc/self/maps") else small, 64, what="list")
