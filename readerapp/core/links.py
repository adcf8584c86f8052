"""Which external links readerapp opens: the one policy for PDF links and note previews.

* open: ``http``/``https`` with a host, ``mailto``, DOIs and arXiv ids
  (``doi:10.…``, ``arxiv:2101.00001``, rewritten to their https address);
* ask first: a few standard schemes that start another program (``ftp``,
  ``tel``, …);
* never: ``file``, ``javascript``, ``vbscript``, ``data``, ``smb`` and every
  other scheme (custom URL handlers such as ``ms-msdt:`` or ``vscode:`` run
  programs with the link's arguments), and anything that is not an absolute URL.

Internal links (a page of the same PDF) are not URLs and never come here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote, urlsplit


class LinkAction(Enum):
    OPEN = "open"
    ASK = "ask"
    REFUSE = "refuse"


@dataclass(frozen=True)
class LinkDecision:
    action: LinkAction
    url: str      # what to open (DOIs and arXiv ids rewritten), or the link as given
    reason: str = ""  # for ASK and REFUSE: one line saying why


OPEN_SCHEMES = ("http", "https", "mailto")
ASK_SCHEMES = ("ftp", "ftps", "sftp", "tel", "sms", "news", "nntp", "irc", "ircs", "xmpp", "geo")
NEVER_SCHEMES = ("file", "javascript", "vbscript", "data", "smb", "cifs", "nfs", "afp", "ms-msdt",
                 "search-ms", "ms-search", "jar", "blob")
MAX_URL = 8192

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV = re.compile(r"^arxiv:\s*((?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def decide(url: str) -> LinkDecision:
    """What to do with an external link `url` (see the module docstring)."""
    text = (url or "").strip()
    if not text:
        return LinkDecision(LinkAction.REFUSE, text, "the link is empty")
    if len(text) > MAX_URL:
        return LinkDecision(LinkAction.REFUSE, text[:80], "the link is too long to be a web address")
    m = _ARXIV.match(text)
    if m:
        return LinkDecision(LinkAction.OPEN, f"https://arxiv.org/abs/{m.group(1)}")
    m = _DOI.match(text)
    if m and not text.lower().startswith("http"):
        return LinkDecision(LinkAction.OPEN, "https://doi.org/" + quote(m.group(1), safe="/:;()._-<>[]"))
    m = _SCHEME.match(text)
    if not m:
        return LinkDecision(LinkAction.REFUSE, text, "the link is not a web address (it has no scheme)")
    scheme = m.group(1).lower()
    if _CONTROL.search(text):
        return LinkDecision(LinkAction.REFUSE, text, "the link contains spaces or control characters")
    if scheme in ("http", "https"):
        try:
            host = urlsplit(text).hostname
        except ValueError:
            host = None
        if not host:
            return LinkDecision(LinkAction.REFUSE, text, "the web address has no host")
        return LinkDecision(LinkAction.OPEN, text)
    if scheme == "mailto":
        return LinkDecision(LinkAction.OPEN, text)
    if scheme in ASK_SCHEMES:
        return LinkDecision(LinkAction.ASK, text, f"the link opens another program ({scheme}:)")
    if scheme in NEVER_SCHEMES:
        why = {"file": "it opens a file on this computer", "javascript": "it runs a script",
               "vbscript": "it runs a script", "data": "it carries its own content"}.get(
            scheme, "it reaches a network share or runs a program")
        return LinkDecision(LinkAction.REFUSE, text, f"{scheme}: links are never opened ({why})")
    return LinkDecision(LinkAction.REFUSE, text,
                        f"{scheme}: is not a web link; links that start other programs are never opened")
