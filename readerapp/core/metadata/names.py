"""Author names from the lines under the title: names kept in order and in full,
affiliations, places, e-mails and footnote marks left out."""

from __future__ import annotations

import re
import unicodedata

from readerapp.core.metadata.text import clean

# Institutions, departments, places and addresses: a piece matching this is not a person.
AFFILIATION = re.compile(
    r"universit|institut|college|school|department|dept\.|laborator|research|\blabs?\b|inc\.|\binc\b|ltd|corp|"
    r"google|microsoft|facebook|openai|deepmind|\bibm\b|xerox|\bcent(?:er|re)\b|academy|\bstreet\b|\broad\b|"
    r"\bave(?:nue)?\b|@|\bemail\b|e-mail|http|www\.|\b[A-Z]{2} \d{5}\b|\d{3,}|d[ée]partement|informatique|"
    r"abstract|introduction|entertainment|foundation|hospital|\bfaculty\b|\bsummit\b|\bgroup\b|\bunit\b|"
    r"\bdivision\b|\bprogram(?:me)?\b|\bteam\b|\bbrain\b|\binria\b|\bfuturs\b|\bcnrs\b|\bmit\b|\bcmu\b|"
    r"\beditor\b|\bsubmitted\b|\bkeywords\b|\bcommunicated\b|\bcorrespond|\bcontributed\b|\bequal(?:ly)?\b|"
    r"technolog|scien(?:ce|ces)\b|engineering|\bcomputer\b|\bsystems\b|\bmachine learning\b|\bp\.?\s?o\.? box\b|"
    r"\bcalifornia\b|germany|france|canada|china|\busa\b|\bu\.s\.a\b|\bu\.?k\.?\b|kingdom|\bunited states\b|"
    r"\bnew (?:york|jersey)\b|\bpalo alto\b|\bmontr[ée]al\b|\bqu[ée]bec\b|\bireland\b|netherlands|switzerland|"
    r"\bitaly\b|\bspain\b|\bjapan\b|\bkorea\b|\bisrael\b|\bsingapore\b|\bindia\b|australia|\bsweden\b|\bbelgium\b|"
    r"\baustria\b|\bdenmark\b|\bfinland\b|\bnorway\b|\bpoland\b|\brussia\b|\bbrazil\b|\btaiwan\b|\bhong kong\b|"
    r"\bberkeley\b|\bstanford\b|\bcambridge\b|\boxford\b|\blondon\b|\bparis\b|\bboston\b|\bseattle\b|\btoronto\b|"
    r"\bpittsburgh\b|\bzurich\b|\bz[üu]rich\b|\btokyo\b|\bbeijing\b|\bshanghai\b|\bredmond\b|\bmountain view\b|"
    r"\bsan\s+\w+|\blos\s+angeles\b|\bla\s+jolla\b|\bann\s+arbor\b|\bchapel\s+hill\b|\bnew\s+haven\b|"
    r"\bholmdel\b|\bmurray\s+hill\b|\bpasadena\b|\byorktown\b|\bithaca\b|\bprinceton\b|\bamsterdam\b|"
    r"\btrieste\b|\btilburg\b|\bhaifa\b|\blugano\b|\bsaclay\b|\bfreiburg\b|\bt[üu]bingen\b|\bm[üu]nchen\b|"
    r"\bmunich\b|\bedinburgh\b|\bmontreal\b|\bvancouver\b|\bchicago\b|\batlanta\b|\baustin\b|\bnorthern\b|"
    r"\bsouthern\b|\beastern\b|\bwestern\b|\buc\s+\w+|\bcaltech\b|\bcornell\b|\bharvard\b|\byale\b|"
    r"\bprof\.|\bdr\.|\bprofessor\b|\bphd\b|\bcorporation\b|\bcompany\b|\bllc\b|\bgmbh\b",
    re.I)
_STRONG_AFFILIATION = re.compile(
    r"universit|institut|college|school|department|dept\.|laborator|research|\blabs?\b|\binc\b|corporation|"
    r"\bcent(?:er|re)\b|academy|foundation|hospital|faculty|division|\bgroup\b|\bunit\b|d[ée]partement|"
    r"\bp\.?\s?o\.? box\b|\b\d{5}\b", re.I)
_MARKS = re.compile(r"\(\s*[A-Z✉]\s*\)|\[\s*[\d,\s*]+\]|[∗*†‡§¶‖#♮♯♭⋆✝✉⊥]+|\^\S+|(?<=[^\W\d_])\d+(?:,\d+)*\b"
                    r"|(?<=[^\W\d_])[a-e](?:,[a-e])+\b")
_EMAIL = re.compile(r"\{[^}]*\}\s*@\s*\S+|<?[\w.+\-]+@[\w.\-]+>?|\S+@\S+")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zA-Z'’`´\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|(?:van|von|de|der|den|del|da|di|le|la|"
                         r"du|dos|bin|al|y|ten|ter)|[A-ZÀ-ÖØ-ÞĀ-Ž][a-zà-öø-ÿā-žA-Z'’\-]*\.?)$")
_PARTICLES = {"van", "von", "de", "der", "den", "del", "da", "di", "le", "la", "du", "dos", "bin", "al", "y", "ten",
              "ter"}
_SUFFIXES = {"Jr.", "Jr", "Sr.", "II", "III", "IV"}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
                "over", "the", "to", "via", "vs", "with", "without", "per", "up"}
_TITLES = re.compile(r"^(?:prof(?:essor)?\.?|dr\.?|mr\.?|mrs\.?|ms\.?|sir)\s+", re.I)


def strip_emails(text: str) -> str:
    return _EMAIL.sub("  ", text)


def _recase(token: str) -> str:
    """SALTZER -> Saltzer, D. -> D., MCDONALD -> Mcdonald (capitals printed by old journals)."""
    if len(token.rstrip(".")) <= 1:
        return token
    return "-".join(p[:1] + p[1:].lower() for p in token.split("-"))


def _is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.(?:-?[A-Z]\.)*|[A-Z]", token))


def as_name(piece: str) -> str | None:
    """A person's full name from one piece of an author line, or None."""
    piece = clean(_MARKS.sub(" ", piece))
    piece = re.sub(r"^(?:by|and)\s+", "", piece, flags=re.I)
    piece = re.sub(r"\s*\d+$", "", piece).strip(" .,:;()[]{}")
    if not piece or _TITLES.match(piece) or AFFILIATION.search(piece) or any(ch.isdigit() for ch in piece):
        return None
    tokens = piece.split()
    if tokens and tokens[-1] in ("Jr", "Sr"):
        tokens[-1] += "."
    if not 2 <= len(tokens) <= 5:
        return None
    if not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if not (tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return None
    if sum(len(t.rstrip(".")) > 1 for t in tokens) == 0:
        return None
    if tokens[-1].lower() in _SMALL_WORDS or tokens[0].lower() in _SMALL_WORDS:
        return None
    if tokens[-1].rstrip(".").isupper() and len(tokens[-1]) > 3 and tokens[-1] not in _SUFFIXES:
        return None  # ALL CAPS words are headings or acronyms, not surnames (capitals are re-cased before)
    if _is_initial(tokens[-1].rstrip(".") + ".") and tokens[-1].endswith("."):
        return None  # "Hinton G." style reversed names are not printed on first pages
    return " ".join(tokens)


def split_run(piece: str) -> list[str]:
    """Names printed one after the other without separators ("Kaiming He Xiangyu Zhang"):
    a name ends at its first plain capitalised word after the given name."""
    names: list[str] = []
    cur: list[str] = []
    for t in clean(_MARKS.sub(" ", piece)).split():
        if t in _SUFFIXES and names and not cur:
            names[-1] += " " + t
            continue
        cur.append(t)
        if len(cur) >= 2 and not (_is_initial(t.rstrip(".")) or t in _PARTICLES):
            names.append(" ".join(cur))
            cur = []
    if cur:
        names.append(" ".join(cur))
    return names


_SEPARATORS = re.compile(r"¦|,|;|\band\b|&|\s{2,}|\u2003|\t", re.I)

# Words common in titles and rare as names: a block made of them is a title, not a list of people.
_TITLE_WORDS = set("""
learning deep neural network networks model models method methods training optimization stochastic gradient
descent convolutional recurrent generative adversarial attention transformer transformers language image images
recognition detection segmentation classification representation representations semantic visual vision object
objects real time real-time fast efficient scalable large scale large-scale small simple robust unsupervised
supervised semi-supervised self-supervised reinforcement policy policies control agent agents graph graphs kernel
kernels bayesian variational inference probabilistic random search trees tree decision forest boosting regression
sparse dense residual memory short long term data database databases system systems distributed parallel
algorithm algorithms analysis theory approach approaches framework architecture architectures design principles
programming program programs computation computing computer machine machines intelligence artificial natural
processing text speech audio video translation question answering knowledge embedding embeddings word words
sentence sentences document documents feature features selection structure structured prediction estimation
mixture experts adaptive adaptation transfer domain meta generalization regularization normalization batch
dropout weight weights layer layers tuning understanding reasoning planning pooling spatial temporal sequence
sequences encoder decoder autoencoder autoencoders encoding coding information retrieval ranking recommendation
clustering linear nonlinear manifold spectral matrix factorization tensor convex online offline game games value
function functions compression quantization pruning binary hashing towards toward beyond better faster simpler
unified universal general improved improving rethinking revisiting exploring properties examples scene context
instance pose tracking flow depth point cloud shape energy support vector vectors via theory high low level
""".split())
_TITLE_SUFFIX = re.compile(r"(tion|sion|ing|ity|ment|ness|ive|ives|ical|ally|ised|ized|ise|ize|ous|ics|ence|ance|"
                           r"able|ible|like|based|free|aware|level)$")


def title_like(text: str) -> bool:
    """Mostly words that titles are made of (two or more, at least 40 % of the words)."""
    tokens = [t.strip(".,:;()[]{}!?'\"").lower() for t in text.split()]
    tokens = [t for t in tokens if t]
    hits = sum(t in _TITLE_WORDS or t in _SMALL_WORDS or bool(_TITLE_SUFFIX.search(t)) and len(t) > 6
               for t in tokens)
    return hits >= 2 and hits >= 0.4 * len(tokens)


def names_in_line(text: str) -> list[str]:
    """The names in one author line (separators: commas, "and", "&", gaps and marks shown as ¦)."""
    text = strip_emails(text)
    text = re.sub(r"^\s*by\s+", "", text, flags=re.I)
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        text = " ".join(_recase(t) for t in text.split(" "))
    out: list[str] = []
    for piece in _SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        tokens = clean(_MARKS.sub(" ", piece)).split()
        if len(tokens) >= 4 and not any(t.lower() in _SMALL_WORDS for t in tokens):
            cands = split_run(piece)
            if len(cands) > 1 and all(as_name(c) for c in cands):
                out += [n for c in cands if (n := as_name(c))]
                continue
        name = as_name(piece)
        if name:
            out.append(name)
    return out


def looks_like_authors(text: str, marked: str) -> bool:
    """A block of text that is a list of people, not a title: two or more names with
    separators, a "By ..." line, or a name followed by an affiliation mark."""
    plain = strip_emails(marked)
    if re.match(r"^\s*by\s+[A-Z]", text, re.I):
        return True
    if title_like(_MARKS.sub(" ", text)):
        return False
    names = names_in_line(plain)
    if not names:
        return False
    words = re.findall(r"[^\W\d_][^\s,;]*", _MARKS.sub(" ", strip_emails(text)))
    covered = sum(len(n.split()) for n in names)
    if len(names) >= 2 and covered >= 0.7 * max(1, len(words)):
        return True
    has_mark = "¦" in marked or bool(re.search(r"[^\W\d_][∗*†‡§]|[a-z]\d\b|\(B\)", text))
    return len(names) == 1 and has_mark and covered >= 0.7 * max(1, len(words))


def is_affiliation(text: str) -> bool:
    stripped = strip_emails(text).strip()
    return not stripped or bool(_STRONG_AFFILIATION.search(stripped)) or \
        (bool(AFFILIATION.search(stripped)) and not names_in_line(stripped))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
