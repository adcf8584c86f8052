"""The GUI process's heap and Python's cyclic garbage collector.

A full collection walks every tracked object, and it runs on whichever thread allocates
when the counters say so: often the GUI thread, in the middle of building a tab or loading
a note. With the modules a window imports (Qt, PyMuPDF, ONNX Runtime, NumPy) that walk costs
tens of milliseconds, well over 100 ms once a model has been loaded. settle() collects once
and then moves every object alive into the permanent generation (gc.freeze): later full
collections walk only what was made since. The window calls it once it has started, when
the event loop is idle; the objects made at start-up live as long as the process anyway.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect now, then exclude everything alive from later collections (see the module)."""
    gc.collect()
    gc.freeze()


__all__ = ["settle"]
