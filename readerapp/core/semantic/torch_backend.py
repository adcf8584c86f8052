"""Bulk embedding on a CUDA GPU through torch, with the tokenizer never the wall.

Plain ``SentenceTransformer.encode`` tokenizes each batch on the calling thread
and then runs the model, so the GPU waits for every batch's tokens (on an
H100 the fp16 forward pass of ~300-token passages is about 10x faster than one
tokenizer thread). Here:

* passages are sorted by length and cut into batches (little padding; the
  longest first, so running out of memory shows at once);
* a pool of tokenizer threads (each with its own `tokenizers.Tokenizer`: a
  shared fast tokenizer fails when used by two threads) tokenizes and pads
  batches ahead of the GPU, into pinned host memory;
* the GPU thread copies each batch without blocking and runs the model in
  fp16; vectors stay on the GPU until the end of the call, then come back in
  one copy and are put back in the callers' order.

The same class runs on the CPU (float32, no pinning): the tests check its
batching, ordering and vectors there. GPU throughput has not been measured in
this project's sessions (no GPU was lent).
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

GPU_BATCH = 256  # passages per forward pass on a GPU


def plan_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def pad_batch(encodings: list[tuple[list[int], list[int]]], pad_id: int, pad_type_id: int,
              left: bool = False) -> dict[str, np.ndarray]:
    """Token ids and type ids to padded int64 arrays plus the attention mask."""
    width = max((len(ids) for ids, _ in encodings), default=0) or 1
    n = len(encodings)
    ids_arr = np.full((n, width), pad_id, dtype=np.int64)
    types = np.full((n, width), pad_type_id, dtype=np.int64)
    mask = np.zeros((n, width), dtype=np.int64)
    for row, (ids, type_ids) in enumerate(encodings):
        k = len(ids)
        sl = slice(width - k, width) if left else slice(0, k)
        ids_arr[row, sl] = ids
        types[row, sl] = type_ids
        mask[row, sl] = 1
    return {"input_ids": ids_arr, "attention_mask": mask, "token_type_ids": types}


class TorchEmbedder:
    """encode(texts) -> float32 unit vectors with a sentence-transformers model
    on `device`, tokenization in `tokenizer_threads` threads ahead of it."""

    def __init__(self, name: str, st_model, device: str, *, tokenizer_threads: int | None = None,
                 batch_size: int | None = None):
        import os

        import torch
        from tokenizers import Tokenizer

        self.name = name
        self.device = device
        self.cuda = str(device).startswith("cuda")
        self.backend = "torch-cuda" if self.cuda else "torch"
        st_model.to(device)
        st_model.eval()
        if self.cuda:
            st_model.half()
        self.st = st_model
        get_dim = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        transformer = st_model[0]
        tok = transformer.tokenizer
        if tok is None or not getattr(tok, "is_fast", False):
            raise ValueError("the model has no fast tokenizer")
        self._tok_json = tok.backend_tokenizer.to_str()
        self._Tokenizer = Tokenizer
        self.max_len = int(st_model.max_seq_length)
        self.pad_id = int(tok.pad_token_id or 0)
        self.pad_type_id = int(getattr(tok, "pad_token_type_id", 0) or 0)
        self.left = getattr(tok, "padding_side", "right") == "left"
        self.truncation_side = getattr(tok, "truncation_side", "right") or "right"
        wanted = list(getattr(tok, "model_input_names", None) or ["input_ids", "attention_mask"])
        self.input_names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in wanted]
        prompt_name = getattr(st_model, "default_prompt_name", None)
        self.prompt = (getattr(st_model, "prompts", None) or {}).get(prompt_name, "") if prompt_name else ""
        self.batch_size = batch_size or (GPU_BATCH if self.cuda else 32)
        self.encode_call = 2048 if self.cuda else None  # passages per call from the pipeline (its window)
        threads = tokenizer_threads or max(2, min(8, (os.cpu_count() or 2) - 1))
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="readerapp-tokenize")
        self._threads = threads
        self._local = threading.local()
        self._lock = threading.Lock()
        self._torch = torch

    @property
    def backend_label(self) -> str:
        return f"torch, {'CUDA fp16' if self.cuda else 'CPU'}"

    def _tokenizer(self):
        tok = getattr(self._local, "tok", None)
        if tok is None:
            tok = self._Tokenizer.from_str(self._tok_json)
            tok.no_padding()
            tok.enable_truncation(max_length=self.max_len, direction=self.truncation_side)
            self._local.tok = tok
        return tok

    def _prepare(self, texts: list[str]):
        """Runs in a tokenizer thread: padded (pinned, on a GPU) CPU tensors."""
        if self.prompt:
            texts = [self.prompt + t for t in texts]
        encs = self._tokenizer().encode_batch(texts)
        arrays = pad_batch([(e.ids, e.type_ids) for e in encs], self.pad_id, self.pad_type_id, self.left)
        tensors = {k: self._torch.from_numpy(arrays[k]) for k in self.input_names}
        if self.cuda:
            tensors = {k: v.pin_memory() for k, v in tensors.items()}
        return tensors

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        torch = self._torch
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        size = max(batch_size or 0, self.batch_size) if self.cuda else (batch_size or self.batch_size)
        batches = plan_batches([len(t) for t in texts], size)
        outs = []
        with self._lock:  # one encode call on the device at a time
            pending: deque = deque()
            nxt = 0
            ahead = 2 * self._threads
            with torch.inference_mode():
                for _ in range(len(batches)):
                    while nxt < len(batches) and len(pending) < ahead:
                        pending.append(self._pool.submit(self._prepare, [texts[i] for i in batches[nxt]]))
                        nxt += 1
                    tensors = pending.popleft().result()
                    features = {k: v.to(self.device, non_blocking=True) for k, v in tensors.items()}
                    emb = self.st(features)["sentence_embedding"]
                    outs.append(torch.nn.functional.normalize(emb.float(), p=2, dim=1))
            result = torch.cat(outs).cpu().numpy()
        order = np.fromiter((i for b in batches for i in b), dtype=np.int64, count=len(texts))
        vecs = np.empty_like(result)
        vecs[order] = result
        return vecs.astype(np.float32, copy=False)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
