"""Terminal output that untrusted text cannot take over.

Titles, notes, list entries and file names come from PDFs and Markdown files
other people wrote; printed raw, an escape sequence in them could rewrite the
terminal's title, move the cursor, hide text or (in some terminals) do worse.
Every line the CLI prints goes through SafeStream, which drops C0 and C1
control characters (except newline, tab and CRLF line ends), DEL, and the Unicode bidi
overrides, while keeping the two colour codes the CLI itself writes for
search highlights. JSON output escapes those characters instead (print_json),
so no data is lost in it.
"""

from __future__ import annotations

import re

# the only escape sequences the CLI writes itself (search highlights on a terminal)
OWN_SEQUENCES = ("\x1b[1;33m", "\x1b[0m")
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# C0 controls but tab and newline, DEL, C1, bidi controls; a carriage return only when alone
# (CRLF line ends in an exported list are kept; a lone CR could overwrite what was printed)
_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n)")
_KEEP = re.compile("(" + "|".join(re.escape(s) for s in OWN_SEQUENCES) + ")")
_JSON_ESCAPE = re.compile(f"[\x7f-\x9f{_BIDI}]")


def clean(text: str, *, keep_own: bool = True) -> str:
    """`text` without control characters; the CLI's own colour codes are kept when keep_own."""
    if not _UNSAFE.search(text):
        return text
    if not keep_own:
        return _UNSAFE.sub("", text)
    return "".join(part if i % 2 else _UNSAFE.sub("", part) for i, part in enumerate(_KEEP.split(text)))


def escape_json(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as \\uXXXX (C0 are escaped by json already)."""
    return _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """Wraps a text stream: every write is cleaned. Everything else is the stream's own."""

    def __init__(self, stream, *, keep_carriage_return: bool = False):
        self._stream = stream
        self._cr = keep_carriage_return

    @property
    def raw_stream(self):
        return self._stream

    def write(self, text: str) -> int:
        if self._cr and "\r" in text:
            cleaned = "\r".join(clean(part) for part in text.split("\r"))
        else:
            cleaned = clean(text)
        self._stream.write(cleaned)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)
