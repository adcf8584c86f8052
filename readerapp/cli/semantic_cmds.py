"""embed, similar."""

from __future__ import annotations

import sys

from readerapp.cli import EXIT_FAILED, EXIT_OK, open_library, paper_id, print_json


def register(sub) -> None:
    p = sub.add_parser("embed", help="embed new and changed text for semantic search (resumable, Ctrl+C stops)",
                       description="Drains the embedding queue: chunks new page text, notes and highlights and "
                                   "embeds what changed with the configured model (setting embedding_model; "
                                   "default all-MiniLM-L6-v2, shipped with readerapp). Safe to stop and resume.")
    p.add_argument("--status", action="store_true", help="only show what is embedded and queued")
    p.add_argument("--model", help="use this sentence-transformers model name or folder (re-embeds everything)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser("similar", help="papers most like a paper (by meaning)")
    p.add_argument("id", type=paper_id)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)


def cmd_embed(args) -> int:
    from readerapp.core.semantic import embedder

    with open_library(args) as lib:
        if args.status:
            from readerapp.core.semantic.model import backend_status

            info = embedder.status(lib)
            info["backend"] = backend_status(args.model)
            if args.json:
                print_json(info)
            else:
                print(f"{info['vectors']} of {info['chunks']} passages embedded with {info['model'] or '-'}; "
                      f"{info['queued']} job(s) queued")
                print(describe_backend(info["backend"]))
            return EXIT_OK
        from readerapp.core.semantic.model import load_model

        model = load_model(args.model, purpose="bulk")
        bars = {}
        show = sys.stderr.isatty() and not args.json

        def progress(phase, done, total):
            if not show:
                return
            from tqdm import tqdm

            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(total=total, desc=phase, unit="item", file=sys.stderr, leave=False)
            bar.total = total
            bar.n = done
            bar.refresh()

        stopped = {"flag": False}
        try:
            stats = embedder.run(lib, model=model, progress=progress, cancel=lambda: stopped["flag"])
        except KeyboardInterrupt:
            stopped["flag"] = True
            print("stopped; run `readerapp embed` again to resume", file=sys.stderr)
            return 130
        finally:
            for bar in bars.values():
                bar.close()
    if args.json:
        print_json({"papers": stats.papers, "embedded": stats.chunks_embedded, "reused": stats.chunks_reused,
                    "failed": [{"paper_id": p, "reason": r} for p, r in stats.failed]})
    else:
        print(f"embedded {stats.chunks_embedded} passage(s) ({stats.chunks_reused} unchanged kept) "
              f"from {stats.papers} paper(s) with {model.name} ({model.backend_label})")
        for pid, reason in stats.failed:
            print(f"failed    paper {pid}: {reason}")
    return EXIT_FAILED if stats.failed else EXIT_OK


_BACKEND_NAMES = {"onnx": "ONNX Runtime (CPU)", "sentence-transformers": "sentence-transformers (torch)",
                  "torch-cuda": "torch on a CUDA GPU (fp16)"}


def describe_backend(info: dict) -> str:
    """One line: which backend runs queries and bulk embedding, and why."""
    if info["query_backend"] is None:
        return f"backend: none ({info['detail']})"
    query = _BACKEND_NAMES.get(info["query_backend"], info["query_backend"])
    bulk = _BACKEND_NAMES.get(info["bulk_backend"], info["bulk_backend"])
    line = f"backend: {query} for queries" + (f", {bulk} for embedding" if bulk != query else " and embedding")
    if info.get("onnx_export"):
        line += f"; ONNX export in {info['onnx_export']}"
    if info.get("detail"):
        line += f"; {info['detail']}"
    return line


def cmd_similar(args) -> int:
    from readerapp.core.hybrid import similar_papers

    with open_library(args) as lib:
        hits = similar_papers(lib, args.id, limit=args.limit)
    if args.json:
        print_json([h.to_json() for h in hits])
    else:
        for h in hits:
            print(f"#{h.paper_id:<5} {h.score:.3f}  {h.title}")
    return EXIT_OK
