"""Closing a library while other threads still read from it never crashes the process.

A GUI test (or the app, past its one-second quit budget) can close the library while a
background search still runs on a read connection; closing that connection under the
running query crashed the interpreter (SIGSEGV in sqlite3, seen in a full test run).
The script runs in a subprocess so that a crash fails this test instead of ending the
test run; it closes the library 40 times, each time while 4 threads are mid-search."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import sys, threading, time
    from readerapp.core.library import Library
    from readerapp.core.search import keyword_search

    folder = sys.argv[1]
    with Library(folder) as lib:
        for i in range(60):
            pid = lib.add_paper(title=f"Paper {i} about gradient descent")
            lib.store_pages(pid, f"{i:064x}", [f"gradient descent step {i} " * 200 + f"momentum {j}"
                                               for j in range(6)], "ok")
    refused = 0
    for round_ in range(40):
        lib = Library(folder)
        stop = threading.Event()

        def reader():
            global refused
            while not stop.is_set():
                try:
                    keyword_search(lib, "gradient momentum", limit=50)
                    lib.list_papers()
                except Exception:  # closed or interrupted: fine, as long as nothing crashes
                    refused += 1
                    time.sleep(0.001)

        threads = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.02 + 0.003 * (round_ % 7))
        lib.close()  # while the readers are mid-query
        time.sleep(0.01)
        stop.set()
        for t in threads:
            t.join(10)
    print("closed cleanly 40 times;", refused, "reads refused after close")
""")


def test_closing_the_library_while_threads_search_never_crashes(tmp_path):
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "lib")], capture_output=True, text=True,
                       timeout=280, cwd=REPO)
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    assert "closed cleanly 40 times" in r.stdout
