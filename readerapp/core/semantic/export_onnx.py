"""Export a sentence-transformers model to ONNX, once, into the user's cache.

The parent side (:func:`ensure_export`) is cheap to import: it finds the
export of a model folder by a key made from the folder's files, checks it
against its manifest, and otherwise runs the export in a child process
(``python -m readerapp.core.semantic.export_onnx``), so torch is never
imported into the app for it, a crash of the exporter cannot take the app
down, and quitting can stop it (:func:`abandon`).

The child loads the model with sentence-transformers, exports the transformer
with ``torch.onnx.export``, saves the fast tokenizer and what the model does
around the transformer, and checks the ONNX path against sentence-transformers
on probe sentences (cosine >= 0.9999 each) before it writes the manifest. It
works in a temporary folder renamed into place at the end, so a partial export
is never taken for a finished one.

Cache layout (``<user cache>/embedding-onnx``):
``<key>/`` an export; ``<key>.failed.json`` why a model could not be exported
(not retried until its files change); ``keys/`` the key of each model folder
by its files' sizes and dates, so a start does not hash the weights again.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from readerapp.core.semantic.onnx_backend import FORMAT, MANIFEST, ONNX_FILE, TOKENIZER_FILE, file_digest

log = logging.getLogger(__name__)

EXPORT_TIMEOUT = 1800  # seconds; a large model on a slow machine
SKIP_DIRS = {"onnx", "openvino"}  # other backends' files inside a model folder do not change its vectors
SKIP_FILES = {"README.md", ".gitattributes"}
MIN_COSINE = 0.9999
PROBES = [
    "Batch normalization reduces internal covariate shift.",
    "  leading and trailing spaces  ",
    "a",
    "Dropout: a simple way to prevent neural networks from overfitting, by randomly dropping units "
    "and their connections during training. " * 30,  # truncated at max_seq_length
    "Garbage-collection für Lisp, 垃圾回收, ÉCOLE normale — «quotes» and émojis 🙂.",
    "We propose a new network architecture, the Transformer, based solely on attention mechanisms.",
    "MapReduce is a programming model for processing large data sets.",
    "",
]


class ExportFailed(Exception):
    """The model cannot be exported (one line: why). `lasting`: the model
    itself is the reason (remembered until its files change), not a crash,
    a timeout or a full disk (tried again next time)."""

    def __init__(self, message: str, *, lasting: bool = True):
        super().__init__(message)
        self.lasting = lasting


class ExportStopped(ExportFailed):
    """The export was stopped (abandon() or a cancel callback): not the model's fault."""


def cache_root() -> Path:
    from readerapp.core.paths import user_cache_dir

    return user_cache_dir() / "embedding-onnx"


def _model_files(source: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(source):
        rel_dir = Path(dirpath).relative_to(source)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not (rel_dir == Path(".") and d in SKIP_DIRS))
        for f in sorted(filenames):
            if not f.startswith(".") and f not in SKIP_FILES:
                out.append(Path(dirpath) / f)
    return out


def model_key(source: Path) -> str:
    """A key from the contents of the model folder's files. The content hash is
    remembered against the files' names, sizes and modification times, so it is
    computed again only when a file changes."""
    source = Path(source).resolve()
    files = _model_files(source)
    stats = [(str(f.relative_to(source)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    signature = hashlib.sha256(json.dumps([FORMAT, str(source), stats]).encode()).hexdigest()
    stamp = cache_root() / "keys" / (hashlib.sha1(str(source).encode()).hexdigest()[:16] + ".json")
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("signature") == signature and isinstance(saved.get("key"), str):
            return saved["key"]
    except (OSError, ValueError, AttributeError):
        pass
    h = hashlib.sha256(f"readerapp-onnx-{FORMAT}".encode())
    for f, (rel, _size, _mtime) in zip(files, stats):
        h.update(rel.encode() + b"\0" + file_digest(f).encode() + b"\n")
    key = h.hexdigest()[:24]
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamp.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"signature": signature, "key": key, "source": str(source)}), encoding="utf-8")
        os.replace(tmp, stamp)
    except OSError:
        pass  # a read-only cache: the key is computed again next time
    return key


def failure_of(key: str) -> str | None:
    try:
        return json.loads((cache_root() / f"{key}.failed.json").read_text(encoding="utf-8")).get("reason") or "?"
    except (OSError, ValueError, AttributeError):
        return None


# ------------------------------------------------------------------ the child process
_children: set[subprocess.Popen] = set()
_stopped: set[subprocess.Popen] = set()  # killed by abandon(): not a failure of the model
_children_lock = threading.Lock()


def abandon() -> None:
    """Stop every export this process started (quitting never waits for one).
    The export's temporary folder is removed by the next run."""
    with _children_lock:
        procs = list(_children)
        _stopped.update(procs)
    for proc in procs:
        try:
            proc.kill()
        except OSError:
            pass


atexit.register(abandon)


def _clean_stale(root: Path) -> None:
    for p in root.glob("*.tmp-*"):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        if pid == os.getpid() or not _pid_alive(pid):
            shutil.rmtree(p, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return False  # best effort: the export is redone if a folder goes missing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_child(source: Path, dest: Path, cancel=None) -> None:
    """Run the export in a child process; ExportFailed with its one-line reason."""
    if getattr(sys, "frozen", False):  # a bundled app has no `python -m`: export in this process
        try:
            export(source, dest)
        except ExportFailed:
            raise
        except Exception as exc:
            raise ExportFailed(_one_line(exc), lasting=False) from None
        return
    env = dict(os.environ)
    pkg_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["TOKENIZERS_PARALLELISM"] = "false"
    proc = subprocess.Popen([sys.executable, "-m", "readerapp.core.semantic.export_onnx", str(source), str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                            text=True, encoding="utf-8", errors="replace")
    with _children_lock:
        _children.add(proc)
    try:
        deadline = time.monotonic() + EXPORT_TIMEOUT
        while True:
            try:
                out, err = proc.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if (cancel is not None and cancel()) or time.monotonic() > deadline:
                    proc.kill()
                    proc.communicate()
                    if cancel is not None and cancel():
                        raise ExportStopped("the export was stopped", lasting=False) from None
                    raise ExportFailed(f"the export took more than {EXPORT_TIMEOUT} s", lasting=False) from None
    finally:
        with _children_lock:
            _children.discard(proc)
            stopped = proc in _stopped
            _stopped.discard(proc)
    if stopped:
        raise ExportStopped("the export was stopped", lasting=False)
    result = None
    for line in reversed(out.strip().splitlines()):
        try:
            result = json.loads(line)
            break
        except ValueError:
            continue
    if proc.returncode == 0 and isinstance(result, dict) and result.get("ok"):
        return
    if isinstance(result, dict) and result.get("reason"):
        raise ExportFailed(result["reason"], lasting=proc.returncode == 3)
    tail = [ln for ln in err.strip().splitlines() if ln.strip()]
    raise ExportFailed(f"the exporter exited with status {proc.returncode}" + (f" ({tail[-1][:200]})" if tail else ""),
                       lasting=False)


def ensure_export(source: Path, *, cancel=None, verify: bool = True) -> tuple[Path, dict]:
    """The export folder and manifest of the model in `source`, exporting it
    first if needed. An existing export is checked against its manifest (sizes,
    and with verify the SHA-256 of its files: otherwise the caller checks them
    with onnx_backend.verify_files); a damaged one is deleted and exported again.
    Raises ExportFailed (one line) when the model cannot be exported; that is
    remembered until the model's files change."""
    from readerapp.core.semantic.onnx_backend import ExportDamaged, read_manifest

    source = Path(source)
    root = cache_root()
    key = model_key(source)
    folder = root / key
    if folder.is_dir():
        try:
            return folder, read_manifest(folder, verify=verify)
        except ExportDamaged as exc:
            discard(folder, str(exc))
    reason = failure_of(key)
    if reason is not None:
        raise ExportFailed(f"{reason} (an earlier attempt; retried when the model's files change)")
    root.mkdir(parents=True, exist_ok=True)
    _clean_stale(root)
    tmp = root / f"{key}.tmp-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.monotonic()
    try:
        _run_child(source, tmp, cancel)
        read_manifest(tmp)
    except ExportFailed as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.lasting:
            try:
                (root / f"{key}.failed.json").write_text(json.dumps({"reason": str(exc), "source": str(source)}),
                                                         encoding="utf-8")
            except OSError:
                pass
        raise
    except ExportDamaged as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportFailed(f"the export is incomplete ({exc})", lasting=False) from None
    try:
        os.replace(tmp, folder)
    except OSError:  # another process finished the same export first
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("exported the embedding model in %s to ONNX in %.1f s (%s)", source, time.monotonic() - started, folder)
    return folder, read_manifest(folder, verify=False)


def discard(folder: Path, reason: str) -> None:
    """Delete a damaged or stale export (the next load exports it again)."""
    log.warning("the ONNX export in %s is damaged or stale (%s): exporting it again", folder, reason)
    shutil.rmtree(folder, ignore_errors=True)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0][:200] if text else type(exc).__name__)


# ------------------------------------------------------------------ the export itself (child side: torch)
def export(source: Path, dest: Path) -> dict:
    """Export the model in `source` into the new folder `dest`; returns the
    manifest. Raises ExportFailed for a model this path cannot reproduce."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from readerapp.core.semantic.onnx_backend import OnnxEmbedder

    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except Exception:
        pass
    try:
        st = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    except Exception as exc:
        raise ExportFailed(f"sentence-transformers cannot load it ({_one_line(exc)})") from None
    st.eval()
    kinds = [type(m).__name__ for m in st]
    if not kinds or kinds[0] != "Transformer" or any(k not in ("Transformer", "Pooling", "Normalize") for k in kinds) \
            or kinds.count("Pooling") != 1 or kinds.index("Pooling") != 1:
        raise ExportFailed(f"modules {'+'.join(kinds)} (only Transformer, Pooling and Normalize are exported)")
    transformer, pooling = st[0], st[1]
    modality = getattr(transformer, "modality_config", None) or {"text": None}
    if "message" in modality:
        raise ExportFailed("a chat-template model (only plain text models are exported)")
    tok = transformer.tokenizer
    if tok is None or not getattr(tok, "is_fast", False):
        raise ExportFailed("the model has no fast tokenizer")
    modes = pooling.pooling_mode
    modes = [modes] if isinstance(modes, str) else list(modes)
    prompt = ""
    default_prompt = getattr(st, "default_prompt_name", None)
    if default_prompt:
        prompt = (getattr(st, "prompts", None) or {}).get(default_prompt, "")
        if prompt and not getattr(pooling, "include_prompt", True):
            raise ExportFailed("a default prompt left out of pooling")
    hf = transformer.auto_model
    import inspect

    params = inspect.signature(hf.forward).parameters
    wanted = list(getattr(tok, "model_input_names", None) or ["input_ids", "attention_mask"])
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in wanted and n in params]
    if names[:2] != ["input_ids", "attention_mask"]:
        raise ExportFailed(f"unexpected model inputs {wanted}")

    class _Wrapper(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            out = self.model(**dict(zip(names, inputs)), return_dict=True)
            return out[0] if not hasattr(out, "last_hidden_state") else out.last_hidden_state

    # Padding in the example batch: a tracer must never see a batch without it,
    # or the traced graph may leave the attention mask out.
    sample = tok(["an example sentence for the export", "a shorter one"], padding=True, truncation=True,
                 max_length=st.max_seq_length, return_tensors="pt")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=False)
    dynamic = {n: {0: "batch", 1: "sequence"} for n in names}
    dynamic["token_embeddings"] = {0: "batch", 1: "sequence"}
    raw = dest / "raw.onnx"
    try:
        with torch.no_grad():
            torch.onnx.export(_Wrapper(hf).eval(), tuple(sample[n] for n in names), str(raw),
                              dynamo=False, input_names=names, output_names=["token_embeddings"],
                              dynamic_axes=dynamic, opset_version=17, do_constant_folding=True)
    except Exception as exc:
        raise ExportFailed(f"torch.onnx.export failed ({_one_line(exc)})") from None
    import onnxruntime as ort

    opts = ort.SessionOptions()  # optimize once here: every later session loads faster
    opts.log_severity_level = 3
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.optimized_model_filepath = str(dest / ONNX_FILE)
    try:
        ort.InferenceSession(str(raw), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise ExportFailed(f"onnxruntime cannot load the export ({_one_line(exc)})") from None
    raw.unlink()
    backend = tok.backend_tokenizer
    from tokenizers import Tokenizer

    saved_tok = Tokenizer.from_str(backend.to_str())
    saved_tok.no_padding()
    saved_tok.no_truncation()
    saved_tok.save(str(dest / TOKENIZER_FILE))
    get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    manifest = {
        "format": FORMAT,
        "source": str(source),
        "dim": int(get_dim()),
        "max_seq_length": int(st.max_seq_length),
        "padding_side": getattr(tok, "padding_side", "right") or "right",
        "truncation_side": getattr(tok, "truncation_side", "right") or "right",
        "pad_id": int(tok.pad_token_id if tok.pad_token_id is not None else 0),
        "pad_token": str(tok.pad_token or "[PAD]"),
        "pad_type_id": int(getattr(tok, "pad_token_type_id", 0) or 0),
        "pooling_modes": modes,
        "normalize": "Normalize" in kinds,
        "prompt": prompt,
        "input_names": names,
        "modules": kinds,
        "onnxruntime": ort.__version__,
    }
    # Check the ONNX path against sentence-transformers before calling it done.
    check = OnnxEmbedder("check", dest, manifest, threads=2)
    for batch in (PROBES, PROBES[:3], PROBES[3:]):
        want = st.encode(batch, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False,
                         batch_size=len(batch))
        got = check.encode(batch, batch_size=len(batch))
        cos = (np.asarray(want, dtype=np.float64) * got).sum(axis=1)
        if got.shape != want.shape or float(cos.min()) < MIN_COSINE:
            raise ExportFailed(f"the ONNX vectors differ from sentence-transformers (min cosine {cos.min():.5f})")
    manifest["files"] = {n: {"size": (dest / n).stat().st_size, "sha256": file_digest(dest / n)}
                         for n in (ONNX_FILE, TOKENIZER_FILE)}
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)  # written last: its presence means a finished export
    return manifest


def _main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    source, dest = Path(argv[0]), Path(argv[1])
    try:
        export(source, dest)
    except ExportFailed as exc:
        print(json.dumps({"ok": False, "reason": str(exc)}))
        return 3
    except Exception as exc:  # one line for the parent's log
        print(json.dumps({"ok": False, "reason": f"the export failed ({_one_line(exc)})"}))
        return 1
    print(json.dumps({"ok": True}))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
