"""Issue 12, case 5 (core part): the link policy decides what a click may open."""

from __future__ import annotations

import pytest

from readerapp.core.links import LinkAction, decide


@pytest.mark.parametrize("url, action, target", [
    ("https://example.org/paper", LinkAction.OPEN, "https://example.org/paper"),
    ("http://arxiv.org/abs/1706.03762", LinkAction.OPEN, "http://arxiv.org/abs/1706.03762"),
    ("mailto:someone@example.org", LinkAction.OPEN, "mailto:someone@example.org"),
    ("doi:10.1145/3292500.3330701", LinkAction.OPEN, "https://doi.org/10.1145/3292500.3330701"),
    ("arXiv:1706.03762v5", LinkAction.OPEN, "https://arxiv.org/abs/1706.03762v5"),
    ("arxiv:hep-th/9901001", LinkAction.OPEN, "https://arxiv.org/abs/hep-th/9901001"),
    ("ftp://example.org/data.tgz", LinkAction.ASK, None),
    ("tel:+4912345", LinkAction.ASK, None),
    ("file:///etc/passwd", LinkAction.REFUSE, None),
    ("javascript:alert(1)", LinkAction.REFUSE, None),
    ("JavaScript:alert(1)", LinkAction.REFUSE, None),
    ("vbscript:msgbox", LinkAction.REFUSE, None),
    ("data:text/html,<script>x</script>", LinkAction.REFUSE, None),
    ("smb://attacker/share/x.exe", LinkAction.REFUSE, None),
    ("ms-msdt:/id PCWDiagnostic /skip force", LinkAction.REFUSE, None),
    ("vscode://vscode.git/clone?url=x", LinkAction.REFUSE, None),
    ("search-ms:query=x", LinkAction.REFUSE, None),
    ("steam://run/1", LinkAction.REFUSE, None),
    ("https://", LinkAction.REFUSE, None),
    ("https://exa mple.org", LinkAction.REFUSE, None),
    ("relative/page.html", LinkAction.REFUSE, None),
    ("", LinkAction.REFUSE, None),
])
def test_link_policy(url, action, target):
    d = decide(url)
    assert d.action is action, (url, d)
    if target is not None:
        assert d.url == target
    if action is not LinkAction.OPEN:
        assert d.reason and "\n" not in d.reason
