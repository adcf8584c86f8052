"""Writing an exported list into the user's README, in place.

Only the text between ``<!-- readerapp:begin NAME -->`` and
``<!-- readerapp:end NAME -->`` is replaced; every other byte of the file
(line endings, a BOM, the trailing newline) stays as it was. When nothing
changes the file is not rewritten (its mtime stays). Writes are atomic (a temp
file in the same folder, then ``os.replace``). Markers that are unbalanced,
duplicated or nested are refused before anything is written.

:func:`plan_export` computes everything (the new README, the note pages) and
the unified diff without touching the disk; :func:`apply_plan` writes it;
:func:`git_commit` commits the written files in their repository.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from readerapp.core.errors import InvalidValue, ReaderError

MARKER = re.compile(r"<!--\s*readerapp:(begin|end)\s+([^\s>]+)\s*-->")
BOM = b"\xef\xbb\xbf"


class ExportError(ReaderError):
    """The export cannot be written (bad markers, git failed): nothing was changed."""


def begin_marker(name: str) -> str:
    return f"<!-- readerapp:begin {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- readerapp:end {name} -->"


def check_name(name: str) -> str:
    if not name or not re.fullmatch(r"[\w.\-]+", name):
        raise InvalidValue(f"the list name {name!r} must be letters, digits, '.', '-' or '_' (it goes in a marker)")
    return name


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of fenced code blocks: markers shown there as examples are not markers."""
    spans = []
    pos = 0
    opening: tuple[str, int] | None = None
    for line in text.splitlines(keepends=True):
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            if opening is None:
                opening = (fence, pos)
            elif fence[0] == opening[0][0] and len(fence) >= len(opening[0]) and not line[m.end():].strip():
                spans.append((opening[1], pos + len(line)))
                opening = None
        pos += len(line)
    if opening is not None:
        spans.append((opening[1], len(text)))
    return spans


def find_region(text: str, name: str, label: str = "README") -> tuple[int, int] | None:
    """(start, end) of the text between the begin and end markers of `name`
    (start just after the begin marker, end at the start of the end marker);
    None when the file has no marker for `name`. Raises ExportError for
    unbalanced, duplicated or nested markers anywhere in the file."""
    open_: tuple[str, int] | None = None
    seen: dict[str, int] = {}
    region = None
    code = _code_spans(text)
    for m in MARKER.finditer(text):
        if any(a <= m.start() < b for a, b in code):
            continue  # an example in a code block
        kind, marker_name = m.group(1), m.group(2)
        line = _line_of(text, m.start())
        if kind == "begin":
            if open_ is not None:
                raise ExportError(f"{label} line {line}: marker '{marker_name}' begins inside '{open_[0]}' "
                                  f"(line {_line_of(text, open_[1])}); markers cannot be nested; nothing was written")
            if marker_name in seen:
                raise ExportError(f"{label} line {line}: a second begin marker for '{marker_name}' (the first is on "
                                  f"line {seen[marker_name]}); nothing was written")
            seen[marker_name] = line
            open_ = (marker_name, m.start(), m.end())  # type: ignore[assignment]
        else:
            if open_ is None:
                raise ExportError(f"{label} line {line}: end marker for '{marker_name}' without a begin marker; "
                                  "nothing was written")
            if open_[0] != marker_name:
                raise ExportError(f"{label} line {line}: end marker for '{marker_name}' but '{open_[0]}' is open "
                                  f"(line {_line_of(text, open_[1])}); nothing was written")
            if marker_name == name:
                region = (open_[2], m.start())  # type: ignore[misc]
            open_ = None
    if open_ is not None:
        raise ExportError(f"{label} line {_line_of(text, open_[1])}: begin marker for '{open_[0]}' has no end "
                          "marker; nothing was written")
    return region


def merge(old_text: str, name: str, content: str, label: str = "README") -> str:
    """`old_text` with the region of `name` replaced by `content` (LF line ends;
    converted to the file's own). Raises ExportError when the file has no markers
    for `name` or bad markers."""
    region = find_region(old_text, name, label)
    if region is None:
        raise ExportError(f"{label} has no '{begin_marker(name)}' marker: add the lines {begin_marker(name)} and "
                          f"{end_marker(name)} where the list goes; nothing was written")
    newline = "\r\n" if old_text.count("\r\n") * 2 > old_text.count("\n") else "\n"
    body = content if content.endswith("\n") else content + "\n"
    start, end = region
    body = keep_unchanged_rows(old_text[start:end].replace("\r\n", "\n"), body.replace("\r\n", "\n"))
    body = newline + body.replace("\n", newline)
    return old_text[:start] + body + old_text[end:]


def keep_unchanged_rows(old: str, new: str) -> str:
    """`new`, with each line that `old` has too written as `old` had it: a table row that differs
    only by its padding (the spaces around cells, the dashes of the alignment row), and the blank
    lines between unchanged lines where they mean the same. An export over a list someone padded
    by hand changes only the rows whose content changed."""
    from readerapp.core.export.roundtrip import _split_row

    def key(line: str) -> str:
        if not line.lstrip().startswith("|"):
            return line
        cells = [c.strip() for c in _split_row(line.strip())]
        if len(cells) > 2 and all(re.fullmatch(r":?-+:?", c) for c in cells[1:-1]):
            cells = [("c" if c.startswith(":") and c.endswith(":") else "l" if c.startswith(":")
                      else "r" if c.endswith(":") else "n") for c in cells[1:-1]]  # the alignment, not the dashes
        return "|row|" + "|".join(cells)

    def items(text: str) -> list[tuple[str, int]]:
        """(non-blank line, blank lines before it); a last item ("", n) holds the trailing blank lines."""
        out, blanks = [], 0
        for line in text.split("\n"):
            if line.strip():
                out.append((line, blanks))
                blanks = 0
            else:
                blanks += 1
        return out + [("", blanks)]

    old_items, new_items = items(old.lstrip("\n")), items(new)
    matcher = difflib.SequenceMatcher(None, [key(x) for x, _ in old_items], [key(x) for x, _ in new_items],
                                      autojunk=False)
    out: list[str] = []
    prev = ""
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        pairs = zip(old_items[a1:a2], new_items[b1:b2]) if op == "equal" else \
            ((None, item) for item in new_items[b1:b2])
        for old_item, (line, blanks) in pairs:
            if old_item is not None:
                line, old_blanks = old_item  # the row as it was written
                # the old spacing where it means the same: some blank lines or none, or next to a heading
                # (a heading is its own block either way)
                if (old_blanks > 0) == (blanks > 0) or line.startswith("#") or prev.startswith("#"):
                    blanks = old_blanks
            out += [""] * blanks
            if line:  # (the last item holds only the trailing blank lines)
                out.append(line)
            prev = line or prev
    return "\n".join(out)


def new_readme(name: str, content: str) -> str:
    body = content if content.endswith("\n") else content + "\n"
    return f"{begin_marker(name)}\n{body}{end_marker(name)}\n"


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        pass
    # a short temp name: a page name may use all 255 bytes a file name can have
    fd, tmp = tempfile.mkstemp(prefix=".readerapp-", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass
class FileChange:
    path: Path
    old: bytes | None  # None: a new file
    new: bytes

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self, base: Path | None = None) -> str:
        def text(data: bytes | None) -> list[str]:
            if data is None:
                return []
            return data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines(keepends=True)

        shown = str(self.path.relative_to(base)) if base and self.path.is_relative_to(base) else str(self.path)
        lines = difflib.unified_diff(text(self.old), text(self.new),
                                     fromfile="/dev/null" if self.old is None else f"a/{shown}",
                                     tofile=f"b/{shown}")
        out = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        return out


@dataclass
class ExportPlan:
    markdown: str
    changes: list[FileChange] = field(default_factory=list)
    base: Path | None = None
    list_file: Path | None = None  # the README (--into): written last, after the note pages it links to

    @property
    def changed(self) -> list[FileChange]:
        return [c for c in self.changes if c.changed]

    def diff(self) -> str:
        return "".join(c.diff(self.base) for c in self.changed)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}; nothing was written") from None


def note_page_changes(lib, doc, base: Path, notes_dir: str) -> list[FileChange]:
    """The note pages of the papers in `doc` that have a page (written under base/notes_dir)."""
    from urllib.parse import unquote

    from readerapp.core.export.render import render_template

    out: list[FileChange] = []
    done: set[int] = set()
    for s in doc.sections:
        for e in s.entries:
            if not e.note_page or e.p.id in done:
                continue
            done.add(e.p.id)
            target = base / unquote(e.note_page)
            text = render_template(lib, "note.md.j2", p=e.p, note=lib.get_note(e.p.id),
                                   highlights=lib.highlights(e.p.id), links=e.links, L=doc.L)
            text = text.rstrip("\n") + "\n"
            out.append(FileChange(target, _read(target), text.encode("utf-8")))
    return out


def plan_export(lib, opts, into: str | Path | None = None) -> ExportPlan:
    """Everything an export would write, without writing anything."""
    from readerapp.core.export.render import render_list

    into_path = Path(into).expanduser().resolve() if into else None
    if into_path is not None:
        name = check_name(opts.name or "papers")
        opts.name = name
        opts.full = False  # only the entries go between the markers
    markdown, doc = render_list(lib, opts)
    base = into_path.parent if into_path else Path.cwd()
    plan = ExportPlan(markdown=markdown, base=base, list_file=into_path)
    if into_path is not None:
        old = _read(into_path)
        if old is None:
            new = new_readme(opts.name, markdown).encode("utf-8")
        else:
            bom = old.startswith(BOM)
            try:
                old_text = old[len(BOM):].decode("utf-8") if bom else old.decode("utf-8")
            except UnicodeDecodeError:
                raise ExportError(f"{into_path} is not UTF-8 text; nothing was written") from None
            merged = merge(old_text, opts.name, markdown, label=into_path.name)
            new = (BOM if bom else b"") + merged.encode("utf-8")
        plan.changes.append(FileChange(into_path, old, new))
    if opts.notes_dir:
        plan.changes += note_page_changes(lib, doc, base, opts.notes_dir)
    return plan


def apply_plan(plan: ExportPlan) -> list[Path]:
    """Write the changed files (atomically); unchanged files are not touched."""
    written = []
    # the note pages first, the list file that links to them last: a crash in between
    # leaves the old list (whose links still work), never a list linking to missing pages
    for change in sorted(plan.changed, key=lambda c: c.path == plan.list_file):
        atomic_write(change.path, change.new)
        written.append(change.path)
    return written


def git_commit(paths: list[Path], message: str = "Update the paper list (readerapp export)") -> str:
    """Commit `paths` in the git repository holding them; returns git's one-line summary.

    Raises ExportError when git is missing, the folder is not in a repository,
    or git refuses."""
    git = shutil.which("git")
    if git is None:
        raise ExportError("--commit needs git, which is not installed (the files were written, not committed)")
    if not paths:
        return "nothing to commit: the list and note pages are unchanged"
    folder = paths[0].parent

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([git, "-C", str(folder), *args], capture_output=True, text=True, timeout=60)

    top = run("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ExportError(f"{folder} is not in a git repository (the files were written, not committed)")
    root = Path(top.stdout.strip()).resolve()
    rel = []
    for p in paths:
        try:
            rel.append(str(p.resolve().relative_to(root)))
        except ValueError:
            raise ExportError(f"{p} is outside the git repository {root} (the files were written, not committed)") \
                from None
    add = subprocess.run([git, "-C", str(root), "add", "--", *rel], capture_output=True, text=True,
                         timeout=60)  # paths relative to the top (the first written may be a note page)
    if add.returncode != 0:
        raise ExportError(f"git add failed: {(add.stderr or add.stdout).strip().splitlines()[-1:]}")
    commit = subprocess.run([git, "-C", str(root), "commit", "-q", "-m", message, "--", *rel],
                            capture_output=True, text=True, timeout=60)
    if commit.returncode != 0:
        msg = (commit.stderr or commit.stdout).strip().splitlines()
        raise ExportError(f"git commit failed: {msg[-1] if msg else 'unknown error'} (the files were written)")
    head = subprocess.run([git, "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return head.stdout.strip()
