"""Reading a file a user named, safely: only a regular file, and at most a size cap.

`read_capped(path, cap)` opens without blocking (a FIFO with no writer would
otherwise hang the open), refuses anything that is not a regular file (FIFOs,
devices such as /dev/zero, folders, sockets) and reads at most `cap` bytes,
whatever the file's size claims to be (files in /proc say 0; a file can grow
while it is read). Errors are InvalidValue with one line naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from readerapp.core.errors import InvalidValue

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_capped(path: str | Path, cap: int, *, what: str = "file") -> bytes:
    """The bytes of the regular file at `path`, refusing anything larger than `cap` bytes."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise InvalidValue(f"{path} is a folder, not a {what}") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InvalidValue(f"{path} is {_kind(st.st_mode)}, not a {what}; nothing was read")
        if st.st_size > cap:
            raise InvalidValue(f"{path} is {_size(st.st_size)}: too large for a {what} (the limit is {_size(cap)})")
        chunks, total = [], 0
        while True:
            block = os.read(fd, min(1 << 20, cap + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
            if total > cap:
                raise InvalidValue(f"{path} is larger than {_size(cap)}: too large for a {what}")
        return b"".join(chunks)
    except BlockingIOError:
        raise InvalidValue(f"cannot read {path}: it is not ready to be read (not a regular file?)") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MiB"
    return f"{n / 1024:.0f} KiB"
