"""Issue 12, case 8: note pages (`export --notes-dir`) never lose a note: distinct
papers get distinct files (the paper id decides ties), names fit in 255 bytes, and
the README is written last, atomically (SIGKILL at every write)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from readerapp.core.library import Library

SAME_NAME = ["Attention: Is All You Need?", "Attention Is All You Need", "attention is all you need",
             "Attention | Is All You Need"]
LONG_CJK = "基于深度学习的大规模多语言预训练语言模型" * 5          # 100 characters, 300 bytes
LONG_EXT_B = "𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈𠀉" * 8                            # 80 characters of 4 bytes each


def _cli(folder, *args, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd)


def _library(folder: Path) -> dict[int, str]:
    notes = {}
    with Library(folder) as lib:
        for i, title in enumerate([*SAME_NAME, LONG_CJK, LONG_EXT_B, "Plain paper"]):
            pid = lib.add_paper(title=title)
            lib.save_note(pid, notes=f"the note of paper {pid} number {i}")
            notes[pid] = f"the note of paper {pid} number {i}"
    return notes


def _links(readme: Path) -> list[str]:
    text = readme.read_text(encoding="utf-8")
    return [unquote(m) for m in re.findall(r"\]\((notes/[^)]+\.md)\)", text)]


def test_every_paper_gets_its_own_note_page_within_255_bytes(tmp_path):
    folder = tmp_path / "lib"
    notes = _library(folder)
    out = tmp_path / "site"
    out.mkdir()
    r = _cli(folder, "export", "--into", "README.md", "--notes-dir", "notes", cwd=out)
    assert r.returncode == 0, r.stderr
    pages = sorted(p for p in (out / "notes").rglob("*.md"))
    assert len(pages) == len(notes)  # one page per paper: no two papers on one file
    texts = {p: p.read_text(encoding="utf-8") for p in pages}
    for pid, note in notes.items():
        assert sum(note in t for t in texts.values()) == 1, note
    for p in pages:
        assert len(p.name.encode("utf-8")) <= 255
    assert len({p.name.casefold() for p in pages}) == len(pages)  # distinct on case-insensitive systems too
    links = _links(out / "README.md")
    assert len(links) == len(notes) and all((out / link).is_file() for link in links)
    # the lowest id keeps the plain name; the others carry their id
    first = min(notes)
    plain = [p for p in pages if p.name == "Attention Is All You Need.md"]
    assert len(plain) == 1 and f"paper {first} " in texts[plain[0]]
    assert sum(p.name.casefold().startswith("attention") for p in pages) == len(SAME_NAME)
    again = _cli(folder, "export", "--into", "README.md", "--notes-dir", "notes", cwd=out)
    assert again.returncode == 0 and "unchanged" in again.stderr  # stable: nothing rewritten each run


KILLER = r"""
import sys, time
from readerapp.core.export import readme
real = readme.atomic_write
def slow(path, data):
    real(path, data)
    print("wrote", path, flush=True)
    time.sleep(0.4)
readme.atomic_write = slow
from readerapp.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("kill_after", [1, 3, 6])
def test_sigkill_mid_export_never_leaves_the_readme_linking_to_missing_pages(tmp_path, kill_after):
    folder = tmp_path / "lib"
    _library(folder)
    out = tmp_path / "site"
    out.mkdir()
    (out / "README.md").write_text("# My list\n\n<!-- readerapp:begin papers -->\n<!-- readerapp:end papers -->\n",
                                   encoding="utf-8")
    old = (out / "README.md").read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", KILLER, "--library", str(folder), "export", "--into",
                             "README.md", "--notes-dir", "notes"], cwd=out, stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(kill_after):
            assert proc.stdout.readline().startswith("wrote")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
        proc.stdout.close()
    readme_now = (out / "README.md").read_bytes()
    if readme_now != old:
        assert all((out / link).is_file() for link in _links(out / "README.md"))
    assert readme_now == old or b"readerapp:end papers" in readme_now
    r = _cli(folder, "export", "--into", "README.md", "--notes-dir", "notes", cwd=out)  # and the next run completes
    assert r.returncode == 0
    assert all((out / link).is_file() for link in _links(out / "README.md"))
