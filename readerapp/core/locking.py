"""The library folder's advisory lock file, with a bounded wait.

Every open Library holds a shared lock on ``.readerapp.lock``; ``restore``
takes it exclusively (it needs the library to itself). Waiting for the lock
never lasts forever: after ``LOCK_WAIT_S`` seconds the caller gets one line
naming the process that holds it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from readerapp.core.errors import LibraryLocked

LOCK_WAIT_S = 4.0
_POLL_S = 0.05


def holder_pid(path: Path) -> int | None:
    """The pid of a process holding a lock on `path`, from /proc/locks (Linux), else
    the pid a restore wrote into the file; None when unknown."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    want = f":{st.st_ino}"
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                # "1: FLOCK  ADVISORY  WRITE 1234 08:02:131 0 EOF" (blocked waiters have "->")
                if "->" in parts or len(parts) < 6:
                    continue
                pid, where = parts[4], parts[5]
                if where.endswith(want) and where.startswith(dev) and pid.isdigit() and int(pid) != os.getpid():
                    return int(pid)
    except OSError:
        pass
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _locked_message(folder: Path, pid: int | None, waited: float, what: str) -> str:
    who = f"process {pid}" if pid else "another process"
    return (f"the library {folder} is locked by {who} ({what}); gave up after {waited:.0f} s: "
            "close that readerapp (or wait for it to finish) and try again")


def acquire(path: Path, *, exclusive: bool, wait: float = LOCK_WAIT_S):
    """Open `path` and lock it (shared or exclusive), waiting at most `wait` seconds.

    Returns the open file (closing it releases the lock), or None where advisory
    locks are not available. Raises LibraryLocked naming the holder's pid."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; SQLite's own locking remains
        return None
    path = Path(path)
    try:
        fh = open(path, "a+")
    except OSError:
        return None
    mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    start = time.monotonic()
    while True:
        try:
            fcntl.flock(fh, mode)
            break
        except BlockingIOError:
            if time.monotonic() - start >= wait:
                pid = holder_pid(path)
                fh.close()
                what = "it has the library open" if exclusive else "a restore or another exclusive user"
                raise LibraryLocked(_locked_message(path.parent, pid, wait, what)) from None
            time.sleep(_POLL_S)
        except OSError:  # a file system without flock: carry on without the advisory lock
            fh.close()
            return None
    if exclusive:  # so that a waiting process can name us even where /proc/locks is absent
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        except OSError:
            pass
    return fh
