"""The embedding pipeline: drain the queue, chunk, embed, store.

Runs in the background (a QThread in the GUI, `readerapp embed` on the
command line); import never waits for it. Progress goes to a callback and a
cancel flag is checked between batches. Passages whose text did not change
keep their vectors, so only what changed is embedded again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from readerapp.core import pdftext
from readerapp.core.semantic import queue
from readerapp.core.semantic.chunking import Chunk, chunk_pdf_pages, chunk_plain_pages
from readerapp.core.semantic.store import pack_codes
from readerapp.core.workerpool import GuardedPool

log = logging.getLogger(__name__)

ENCODE_CALL = 128  # passages per model.encode call (a cancel check between calls)
EMBED_WINDOW = 2048  # passages sorted by length and written together
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class EmbedStats:
    papers: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    cancelled: bool = False


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def ensure_model(library, model) -> bool:
    """Record the model; a different model invalidates all vectors. Returns True if reset."""
    row = library.index.model_row()
    if row is not None and row == (model.name, model.dim):
        return False
    library.index.reset_model(model.name, model.dim)
    if row is not None:
        log.info("embedding model changed from %s to %s: re-embedding everything", row[0], model.name)
    else:  # first use: papers imported before semantic search existed are chunked too
        chunked = library.index.chunked_paper_ids()
        library.index.enqueue_many((pid, kind) for pid in library.papers.all_ids() if pid not in chunked
                                   for kind in ("page", "note", "highlight"))
    return True


def _replace_chunks(library, paper_id: int, kind: str, items: list[tuple[int | None, int | None, tuple | None, str]]
                    ) -> int:
    """Replace a paper's chunks of one kind, keeping vectors of unchanged text
    (unchanged chunks are not touched at all). items: (ref_id, page, bbox, text).
    Returns how many vectors were reused."""
    return library.index.replace_chunks(paper_id, kind, [(*item, _hash(item[3])) for item in items])


def note_items(library, paper_id: int) -> list:
    note = library.notes.get(paper_id)
    paper = library.papers.get(paper_id)
    # the title is embedded too, so a paper without a text layer is still found by meaning
    parts = [(label, text.strip()) for label, text in (
        ("Title", paper.title), ("Summary", paper.summary), ("Problem", note.problem), ("Method", note.method),
        ("Results", note.results), ("Notes", note.notes)) if text and text.strip()]
    if not parts:
        return []
    text = " ".join(f"{label}: {body}" for label, body in parts)
    return [(None, None, None, text)]


def highlight_items(library, paper_id: int) -> list:
    items = []
    for h in library.highlights.of(paper_id):
        text = " — ".join(t for t in (h.text.strip(), h.comment.strip()) if t)
        if not text:
            continue
        xs = [v for q in h.quads for v in q[0::2]]
        ys = [v for q in h.quads for v in q[1::2]]
        bbox = (min(xs), min(ys), max(xs), max(ys)) if xs else None
        items.append((h.id, h.page + 1, bbox, text))
    return items


def _chunk_task(path: str) -> dict:
    try:
        chunks, textless = chunk_pdf_pages(path)
        return {"chunks": [(c.page, c.bbox, c.text) for c in chunks], "textless": textless}
    except Exception as exc:
        return {"error": f"could not read the PDF for embedding ({exc})"[:200]}


def run(library, *, model=None, progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
        workers: int | None = None) -> EmbedStats:
    """Process the whole queue, then embed every chunk without a vector."""
    from readerapp.core.semantic.model import load_model

    stats = EmbedStats()
    model = model or load_model(purpose="bulk")
    ensure_model(library, model)
    if library.index.drop_damaged_vectors(model.dim):  # damaged BLOBs: embedded again below
        library.index.bump_generation()
    library.index.prune_tombstones()
    live = set(library.papers.all_ids())
    jobs = queue.pending(library)
    page_jobs: dict[int, int] = {}
    total = len(jobs)
    for n, (ticket, pid, kind) in enumerate(jobs, 1):
        if cancel is not None and cancel():
            stats.cancelled = True
            return stats
        if kind == "deleted":  # (older queues) the passages go; their tombstones mask the codes
            library.index.delete_chunks(pid)
            queue.done(library, ticket)
        elif pid not in live:
            queue.done(library, ticket)
        elif kind == "note":
            stats.chunks_reused += _replace_chunks(library, pid, "note", note_items(library, pid))
            queue.done(library, ticket)
        elif kind == "highlight":
            stats.chunks_reused += _replace_chunks(library, pid, "highlight", highlight_items(library, pid))
            queue.done(library, ticket)
        else:
            page_jobs[pid] = ticket
        if progress:
            progress("queue", n, total)
    if page_jobs:
        tasks = []
        for pid, ticket in page_jobs.items():
            files = library.files.of(pid)
            if not files or not Path(files[-1]["path"]).is_file():
                queue.done(library, ticket)  # nothing to read; a relocate will re-queue it
                continue
            tasks.append(((pid, ticket), files[-1]["path"]))
        with GuardedPool(_chunk_task, workers=min(workers or pdftext.default_workers(), max(1, len(tasks))),
                         timeout=120, initializer=pdftext.warm_up) as pool:
            for n, ((pid, ticket), data) in enumerate(pool.run(tasks, cancel=cancel), 1):
                if "error" in data:
                    stats.failed.append((pid, data["error"]))
                else:
                    items = [(None, page, tuple(bbox) if bbox else None, text) for page, bbox, text in data["chunks"]]
                    if data.get("textless"):  # scanned pages: their OCR text from the keyword index
                        wanted = set(data["textless"])
                        ocr = [(n, t) for n, t in library.index.pages_text(pid) if n in wanted]
                        items += [(None, c.page, None, c.text) for c in chunk_plain_pages(ocr)]
                    stats.chunks_reused += _replace_chunks(library, pid, "page", items)
                    stats.papers += 1
                queue.done(library, ticket)
                if progress:
                    progress("chunk", n, len(tasks))
        if cancel is not None and cancel():
            stats.cancelled = True
            return stats
    stats.chunks_embedded = embed_missing(library, model, progress=progress, cancel=cancel)
    if cancel is not None and cancel():
        stats.cancelled = True
    return stats


def embed_missing(library, model, *, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None) -> int:
    """Embed every chunk that has no vector yet. Returns how many were embedded.

    Chunks go in windows of EMBED_WINDOW (in id order); inside a window they
    are encoded sorted by length (less padding, as model.encode does for one
    big call) in calls of ENCODE_CALL with a cancel check between calls, and
    the window's vectors are written in one transaction, so the vector ids
    the searcher sees only ever grow (it loads them incrementally)."""
    todo, top = library.index.chunks_without_vector()
    if todo and todo[0][0] < top:
        # vectors are stored below ids already loaded: the in-memory codes must reload in full
        library.index.bump_generation()
    done = 0
    cancelled = False
    for wstart in range(0, len(todo), EMBED_WINDOW):
        window = sorted(todo[wstart:wstart + EMBED_WINDOW], key=lambda r: r[1])
        texts = library.index.chunk_texts([r[0] for r in window])
        window = [r for r in window if r[0] in texts]  # deleted meanwhile
        ids: list[int] = []
        parts: list[np.ndarray] = []
        call = getattr(model, "encode_call", None) or ENCODE_CALL  # a GPU backend takes bigger calls
        for start in range(0, len(window), call):
            if cancel is not None and cancel():
                cancelled = True
                break
            batch = [r[0] for r in window[start:start + call]]
            try:
                parts.append(model.encode([texts[i] for i in batch]))
            except Exception:
                if cancel is not None and cancel():  # the model's abort() stopped this call
                    cancelled = True
                    break
                raise
            ids.extend(batch)
            if progress:
                progress("embed", done + len(ids), len(todo))
        if ids:
            vecs = np.concatenate(parts)
            order = np.argsort(np.asarray(ids))
            ids_sorted = [ids[i] for i in order]
            vecs = vecs[order]
            codes = pack_codes(vecs, _center(library, vecs))
            half = vecs.astype(np.float16)
            # chunks deleted meanwhile (a paper removed, a note edited) are skipped; a partial
            # window (cancelled) may leave later ids before the rest of it: the codes reload
            library.index.store_vectors([(cid, half[i].tobytes(), codes[i].tobytes())
                                         for i, cid in enumerate(ids_sorted)],
                                        bump=cancelled and len(ids) < len(window))
            done += len(ids)
        if cancelled:
            break
    return done


def _center(library, vecs: np.ndarray) -> np.ndarray:
    """The centering vector of the sign codes: fixed from the first batch embedded."""
    stored = library.index.center()
    if stored is not None:
        return np.frombuffer(stored, dtype=np.float32)
    center = vecs.mean(axis=0).astype(np.float32)
    library.index.set_center(center.tobytes())
    return center


def status(library) -> dict:
    return library.index.semantic_status()


__all__ = ["run", "embed_missing", "status", "EmbedStats", "Chunk"]
