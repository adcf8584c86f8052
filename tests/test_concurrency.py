"""The library stays usable while another process imports into it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from pdfgen import make_pdf
from readerapp.core.library import Library


def test_writes_stay_quick_during_a_long_import(tmp_path):
    folder = tmp_path / "lib"
    inbox = tmp_path / "inbox"
    for i in range(60):
        make_pdf(inbox / f"paper{i:03d}.pdf", [f"page {p} of paper {i} about topic{i} " * 40 for p in range(12)],
                 title=f"Generated Paper Number {i}")
    with Library(folder) as lib:
        pid = lib.add_paper(title="My annotated paper")
    proc = subprocess.Popen([sys.executable, "-m", "readerapp", "--library", str(folder), "import", str(inbox)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    latencies = []
    with Library(folder) as lib:
        i = 0
        while proc.poll() is None:
            t = time.perf_counter()
            lib.save_note(pid, notes=f"typing {i}")
            lib.list_papers()
            latencies.append(time.perf_counter() - t)
            i += 1
            time.sleep(0.02)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert lib.get_note(pid).notes == f"typing {i - 1}"
        assert lib.count_papers() == 61
    assert len(latencies) > 10
    latencies.sort()
    worst = latencies[-1]
    print(f"{len(latencies)} note saves during the import; worst {worst * 1000:.0f} ms, "
          f"median {latencies[len(latencies) // 2] * 1000:.1f} ms")
    assert worst < 1.0
