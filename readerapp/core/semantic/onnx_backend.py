"""Sentence embeddings with ONNX Runtime and `tokenizers` only (no torch).

An export folder (written by :mod:`.export_onnx`) holds ``model.onnx`` (the
transformer: token ids in, token embeddings out), ``tokenizer.json`` (the
model's fast tokenizer, lower-casing included when the model asks for it) and
``manifest.json``, written last: what the sentence-transformers model does
around the transformer (max_seq_length, padding side, pooling modes, whether it
normalizes, a default prompt) and the SHA-256 and size of every file, so a
damaged or partial export is detected before it is used.

Pooling follows sentence-transformers' ``Pooling`` module (padded inputs):
the same modes, concatenated in the order of its configuration.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1  # bump when the export folder's layout or manifest changes
MANIFEST = "manifest.json"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")


class ExportDamaged(Exception):
    """The export folder is incomplete or its files do not match the manifest."""


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(folder: Path, *, verify: bool = True) -> dict:
    """The manifest of an export folder, after checking every file's size
    (and, with verify, its SHA-256). Raises ExportDamaged with the reason."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportDamaged("no manifest (an export that did not finish)") from None
    except (OSError, ValueError) as exc:
        raise ExportDamaged(f"unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExportDamaged("manifest of another format")
    files = manifest.get("files")
    if not isinstance(files, dict) or ONNX_FILE not in files or TOKENIZER_FILE not in files:
        raise ExportDamaged("manifest without its file list")
    runtime = _ort_version()
    if runtime is not None and manifest.get("onnxruntime") != runtime:
        # the model file is optimized by (and for) the onnxruntime that made it
        raise ExportDamaged(f"optimized for onnxruntime {manifest.get('onnxruntime')}, {runtime} is installed")
    for name, want in files.items():
        try:
            size = (folder / name).stat().st_size
        except OSError:
            raise ExportDamaged(f"{name} is missing") from None
        if size != want.get("size"):
            raise ExportDamaged(f"{name} has {size} bytes, the manifest says {want.get('size')}")
    if verify:
        reason = verify_files(folder, manifest)
        if reason:
            raise ExportDamaged(reason)
    return manifest


def verify_files(folder: Path, manifest: dict) -> str | None:
    """Why the export's files do not match their SHA-256 in the manifest, or None."""
    for name, want in manifest["files"].items():
        try:
            if file_digest(folder / name) != want.get("sha256"):
                return f"{name} does not match its SHA-256"
        except OSError as exc:
            return f"{name} cannot be read ({exc})"
    return None


def _ort_version() -> str | None:
    try:
        import onnxruntime

        return onnxruntime.__version__
    except ImportError:
        return None


def pool(hidden: np.ndarray, mask: np.ndarray, modes: list[str]) -> np.ndarray:
    """sentence-transformers' Pooling on padded inputs: hidden (batch, seq, dim)
    float32, mask (batch, seq) of 0/1. Modes are concatenated in the given order."""
    m = mask.astype(np.float32)[:, :, None]
    out = []
    mean_sum = counts = None
    for mode in modes:
        if mode == "cls":
            first = mask.argmax(axis=1)  # the first real token (left padding too)
            out.append(hidden[np.arange(hidden.shape[0]), first])
        elif mode == "max":
            out.append(np.where(m > 0, hidden, -np.inf).max(axis=1))
        elif mode in ("mean", "mean_sqrt_len_tokens"):
            if mean_sum is None:
                mean_sum = (hidden * m).sum(axis=1)
                counts = np.clip(m.sum(axis=1), 1e-9, None)
            assert counts is not None
            out.append(mean_sum / (counts if mode == "mean" else np.sqrt(counts)))
        elif mode == "weightedmean":
            weights = np.arange(1, hidden.shape[1] + 1, dtype=np.float32)[None, :, None]
            weights = weights - mask.argmax(axis=1).astype(np.float32)[:, None, None]  # from the first real token
            wm = m * weights
            out.append((hidden * wm).sum(axis=1) / np.clip(wm.sum(axis=1), 1e-9, None))
        elif mode == "lasttoken":
            seq = hidden.shape[1]
            flipped = mask[:, ::-1]
            values, idx = flipped.max(axis=1), flipped.argmax(axis=1)
            idx = np.where(values == 0, seq - 1, idx)
            last = seq - idx - 1
            out.append((hidden * m)[np.arange(hidden.shape[0]), last])
        else:
            raise ValueError(f"unknown pooling mode {mode!r}")
    return np.concatenate(out, axis=1) if len(out) > 1 else out[0]


def normalize(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.clip(norms, 1e-12, None)


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class EncodeAborted(Exception):
    """encode() was stopped by abort() (a cancelled background run)."""


class _AbortHandle:
    def __init__(self, model: OnnxEmbedder, thread_id: int):
        self._model, self._thread = model, thread_id
        self.active = True  # False once its `with` block is left: a late abort() does nothing

    def abort(self) -> None:
        self._model._abort(self)


class OnnxEmbedder:
    """encode(texts) -> float32 unit vectors, through ONNX Runtime on the CPU.

    The same interface as model.Embedder: name (the configured model name, so
    vectors stored by either backend stay valid), dim, device, encode()."""

    backend = "onnx"
    encode_call = None  # the pipeline's default number of passages per encode call suits it

    def __init__(self, name: str, folder: Path, manifest: dict, *, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.folder = Path(folder)
        self.manifest = manifest
        self.device = "cpu"
        self.dim = int(manifest["dim"])
        self.modes = list(manifest["pooling_modes"])
        self.normalize = bool(manifest.get("normalize", True))
        self.prompt = manifest.get("prompt") or ""
        self.input_names = list(manifest["input_names"])
        opts = ort.SessionOptions()
        opts.log_severity_level = 3  # warnings about unused initializers etc. are noise here
        # model.onnx was optimized when it was exported (a third of the load time saved)
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.intra_op_num_threads = threads or default_threads()
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(self.folder / ONNX_FILE), sess_options=opts,
                                            providers=["CPUExecutionProvider"])
        tok = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        tok.no_padding()
        tok.enable_truncation(max_length=int(manifest["max_seq_length"]),
                              direction=manifest.get("truncation_side", "right"))
        tok.enable_padding(direction=manifest.get("padding_side", "right"), pad_id=int(manifest["pad_id"]),
                           pad_type_id=int(manifest.get("pad_type_id", 0)), pad_token=manifest["pad_token"])
        self.tokenizer = tok
        self._lock = threading.Lock()
        self._run: tuple[int, Any] | None = None  # (thread, RunOptions) of the inference running now
        self._aborted: set[int] = set()  # threads whose encode() calls abort() stopped
        self._abort_lock = threading.Lock()

    @property
    def backend_label(self) -> str:
        return "ONNX Runtime, CPU"

    def _batch(self, texts: list[str]) -> np.ndarray:
        if self.prompt:
            texts = [self.prompt + t for t in texts]
        encs = self.tokenizer.encode_batch(texts)
        feeds = {"input_ids": np.asarray([e.ids for e in encs], dtype=np.int64),
                 "attention_mask": np.asarray([e.attention_mask for e in encs], dtype=np.int64)}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.asarray([e.type_ids for e in encs], dtype=np.int64)
        import onnxruntime as ort

        me = threading.get_ident()
        run = ort.RunOptions()
        self._run = (me, run)
        try:
            if me in self._aborted:
                raise EncodeAborted("the embedding was cancelled")
            hidden = self.session.run(None, {k: feeds[k] for k in self.input_names}, run)[0]
        except EncodeAborted:
            raise
        except Exception as exc:
            if me in self._aborted:  # abort() stopped this inference
                raise EncodeAborted("the embedding was cancelled") from exc
            raise
        finally:
            self._run = None
        return pool(hidden.astype(np.float32, copy=False), feeds["attention_mask"], self.modes)

    @contextlib.contextmanager
    def abortable(self):
        """`with model.abortable() as handle:` the encode() calls of this thread inside the block
        stop (EncodeAborted) when handle.abort() is called from any thread, the inference running
        at that moment within milliseconds. Other threads (a search typed meanwhile) go on."""
        me = threading.get_ident()
        handle = _AbortHandle(self, me)
        try:
            yield handle
        finally:
            with self._abort_lock:  # thread ids are reused: nothing of this block may outlive it
                handle.active = False
                self._aborted.discard(me)

    def _abort(self, handle: _AbortHandle) -> None:
        with self._abort_lock:
            if not handle.active:
                return
            self._aborted.add(handle._thread)
            cur = self._run
            if cur is not None and cur[0] == handle._thread:
                cur[1].terminate = True

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        texts = [str(t) for t in texts]
        parts = []
        # One batch per lock hold: a query typed while the background embedder
        # runs waits for one batch only (two sessions at once only contend).
        for start in range(0, len(texts), batch_size):
            if self._aborted and threading.get_ident() in self._aborted:
                raise EncodeAborted("the embedding was cancelled")
            with self._lock:
                parts.append(self._batch(texts[start:start + batch_size]))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The application's vectors are always unit vectors (as encode(normalize_embeddings=True)).
        return normalize(np.concatenate(parts)).astype(np.float32, copy=False)
