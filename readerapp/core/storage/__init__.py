"""The storage layer behind :class:`readerapp.core.library.Library`.

* :mod:`.changes`: ``ChangeKind`` and ``OpChanges``, what an operation changed;
* :mod:`.ops`: the user library file, its one writer, per-thread readers and
  operations (the one way to change what users make);
* :mod:`.papers`, :mod:`.organize`, :mod:`.annotations`: the managers;
* :mod:`.index_store` (with :mod:`.index_semantic`): ``IndexStore``, the only
  code that speaks SQL to ``index.sqlite3``.
"""

from readerapp.core.storage.changes import ChangeKind, OpChanges

__all__ = ["ChangeKind", "OpChanges"]
