"""Online lookup (arXiv, Crossref, DBLP) on recorded responses: no network in tests
(tests/fixtures/lookup/SOURCES.md says how the bodies were made)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from readerapp.cli import main
from readerapp.core import lookup
from readerapp.core.settings import Settings, save_settings

FIX = Path(__file__).parent / "fixtures" / "lookup"


def fixture_fetcher(routes: dict[str, str], seen: list | None = None):
    """A fetcher answering URLs that contain a key with the fixture file named by its value."""
    def fetch(url: str, timeout: float = lookup.TIMEOUT_S) -> bytes:
        if seen is not None:
            seen.append(url)
        for key, name in routes.items():
            if key in url:
                return (FIX / name).read_bytes()
        return b""
    return fetch


def test_parsers_read_the_recorded_responses():
    a = lookup.parse_arxiv((FIX / "arxiv_1412.6980.xml").read_bytes())
    assert a == {"title": "Adam: A Method for Stochastic Optimization", "arxiv_id": "1412.6980",
                 "authors": ["Diederik P. Kingma", "Jimmy Ba"], "year": 2014}
    assert lookup.parse_arxiv((FIX / "arxiv_error.xml").read_bytes()) is None
    assert lookup.parse_arxiv(b"Rate exceeded.") is None and lookup.parse_arxiv(b"") is None
    c = lookup.parse_crossref_work((FIX / "crossref_work_10.1038_nature14539.json").read_bytes())
    assert c == {"title": "Deep learning", "authors": ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"],
                 "year": 2015, "venue": "Nature 2015", "doi": "10.1038/nature14539"}
    s = lookup.parse_crossref_search((FIX / "crossref_search_dropout.json").read_bytes(),
                                     "Dropout: A Simple Way to Prevent Neural Networks from Overfitting")
    assert s["doi"] == "10.5555/2627435.2670313" and s["authors"][0] == "Nitish Srivastava"  # not the look-alike
    assert lookup.parse_crossref_search((FIX / "crossref_search_nothing.json").read_bytes(),
                                        "2Q: A Low Overhead High Performance Buffer Management") is None
    d = lookup.parse_dblp((FIX / "dblp_search_2q.json").read_bytes(),
                          "2Q: A Low Overhead High Performance Buffer Management Replacement Algorithm")
    assert d["authors"] == ["Theodore Johnson", "Dennis E. Shasha"] and d["year"] == 1994
    assert d["venue"] == "VLDB 1994"


def test_sources_in_order_and_only_fields_the_user_did_not_set(library):
    pid = library.add_paper(title="ADAM A METHOD", authors=["D. Kingma"], arxiv_id="1412.6980")
    library.set_field(pid, "authors", "Diederik Kingma; Jimmy Lei Ba")  # by hand: never replaced
    seen: list[str] = []
    fetch = fixture_fetcher({"id_list=1412.6980": "arxiv_1412.6980.xml"}, seen)
    paper = library.get_paper(pid)
    found = lookup.lookup_paper(paper, fetch)
    assert found.source == "arXiv" and len(seen) == 1
    changes = lookup.proposed_changes(paper, found)
    assert set(changes) == {"title", "year"} and changes["title"][1].startswith("Adam:")
    library.set_review(pid, "title", "the title could not be told apart")
    lookup.apply_changes(library, pid, changes)
    paper = library.get_paper(pid)
    assert paper.title == "Adam: A Method for Stochastic Optimization" and paper.year == 2014
    assert paper.authors == ["Diederik Kingma", "Jimmy Lei Ba"] and paper.review == {}
    # an arXiv preprint's year never replaces a year already there
    assert "year" not in lookup.proposed_changes(paper, lookup.Found("arXiv", {"year": 2099}))

    # DOI -> Crossref; title search -> Crossref, then DBLP
    doi_paper = library.get_paper(library.add_paper(title="Deep learning", doi="10.1038/nature14539"))
    found = lookup.lookup_paper(doi_paper, fixture_fetcher({"works/10.1038": "crossref_work_10.1038_nature14539.json"}))
    assert found.source == "Crossref" and found.fields["year"] == 2015
    t = "2Q: A Low Overhead High Performance Buffer Management Replacement Algorithm"
    seen = []
    found = lookup.lookup_paper(library.get_paper(library.add_paper(title=t)),
                                fixture_fetcher({"crossref.org/works?": "crossref_search_nothing.json",
                                                 "dblp.org": "dblp_search_2q.json"}, seen))
    assert found.source == "DBLP" and [u.split("/")[2] for u in seen] == ["api.crossref.org", "dblp.org"]
    # an "Untitled — ..." paper is never searched by its placeholder title
    untitled = library.get_paper(library.add_paper(title="Untitled — Deep Nets for Things"))
    assert lookup.lookup_paper(untitled, fixture_fetcher({}, seen := [])) is None and seen == []


def _silent_server():
    """A TCP server that accepts and never answers (a hanging network)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    conns = []
    threading.Thread(target=lambda: conns.append(srv.accept()), daemon=True).start()
    return srv


def test_unreachable_or_silent_network_gives_one_line_quickly():
    srv = _silent_server()
    try:
        t = time.perf_counter()
        with pytest.raises(lookup.LookupUnavailable) as info:
            lookup.fetch(f"http://127.0.0.1:{srv.getsockname()[1]}/works", timeout=0.5)
        assert time.perf_counter() - t < 3 and "\n" not in str(info.value)
    finally:
        srv.close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: refused at once
    with pytest.raises(lookup.LookupUnavailable, match="could not be reached"):
        lookup.fetch(f"http://127.0.0.1:{port}/", timeout=0.5)


def test_cli_lookup_is_off_by_default_shows_then_applies(tmp_path, monkeypatch, capsys):
    from readerapp.core.library import Library

    lib_dir = tmp_path / "lib"
    with Library(lib_dir) as lib:
        pid = lib.add_paper(title="Deep Learning Review", doi="10.1038/nature14539")
    save_settings(Settings(lookup_online=False))
    assert main(["--library", str(lib_dir), "lookup", str(pid)]) == 2
    assert "lookup_online" in capsys.readouterr().err

    save_settings(Settings(lookup_online=True))
    monkeypatch.setattr(lookup, "fetch", fixture_fetcher({"works/10.1038": "crossref_work_10.1038_nature14539.json"}))
    assert main(["--library", str(lib_dir), "lookup", str(pid)]) == 0
    out = capsys.readouterr()
    assert "from Crossref" in out.out and "Yann LeCun" in out.out and "--apply" in out.err
    with Library(lib_dir) as lib:
        assert lib.get_paper(pid).authors == []  # shown, not written
    assert main(["--library", str(lib_dir), "lookup", "--all", "--apply", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["applied"] and report[0]["changes"]["year"] == {"old": None, "new": 2015}
    with Library(lib_dir) as lib:
        paper = lib.get_paper(pid)
        assert (paper.title, paper.year, paper.venue) == ("Deep learning", 2015, "Nature 2015")

    def offline(url, timeout=lookup.TIMEOUT_S):
        raise lookup.LookupUnavailable("api.crossref.org could not be reached ([Errno -3] name resolution); "
                                       "are you offline?")
    monkeypatch.setattr(lookup, "fetch", offline)
    assert main(["--library", str(lib_dir), "lookup", str(pid)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("readerapp: lookup failed:") and "\n" not in err


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(st.sampled_from(["message", "items", "title", "author", "given", "family",
                                                        "issued", "date-parts", "DOI", "container-title", "result",
                                                        "hits", "hit", "info", "authors", "text", "year", "venue"]),
                                       children, max_size=5), max_leaves=20)


@settings(max_examples=300, deadline=None)
@example(raw=b"", shaped={"message": {"issued": [1], "title": "abc", "container-title": "x"}}, title="x")
@example(raw=b"", shaped={"message": {"items": [{"issued": {"date-parts": 5}, "title": ["x"]}]}}, title="x")
@example(raw=b"", shaped={"result": {"hits": {"hit": [{"info": {"title": "x", "authors": [1]}}]}}}, title="x")
@example(raw=b"", shaped={"result": {"hits": {"hit": [{"info": {"title": "x", "authors": {"author": 5}}}]}}},
         title="x")
@given(raw=st.binary(max_size=300), shaped=_json, title=st.text(max_size=40))
def test_parsers_never_raise_on_odd_bodies(raw, shaped, title):
    """Any body a server might send (bytes, or JSON of the right keys in the wrong shapes)."""
    body = json.dumps(shaped).encode()
    for data in (raw, body, b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>" + raw + b"</entry></feed>"):
        for result in (lookup.parse_arxiv(data), lookup.parse_crossref_work(data),
                       lookup.parse_crossref_search(data, title or "x"), lookup.parse_dblp(data, title or "x")):
            assert result is None or isinstance(result, dict)
