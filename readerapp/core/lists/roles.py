"""What a column header, a block label or a link means.

One table of synonyms (Chinese and English) gives the role of a table column
or of a labelled line in a block (`论文：URL`, `**Paper:** [..](..)`,
`[[code]](..)`); where the words say nothing, the link itself does (a
github.com link is code, an arXiv, DOI or PDF link is the paper)."""

from __future__ import annotations

import re

from readerapp.core import textnorm
from readerapp.core.export import markdown as md

# role -> words that name it (compared lower-cased, spaces and trailing colons removed)
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "title": ("paper", "papers", "论文", "title", "标题", "文章", "name", "题目", "论文名称", "论文名", "论文标题",
              "papertitle", "papername", "名称", "文章名称", "论文题目"),
    "code": ("源码", "code", "github", "代码", "repo", "repository", "代码地址", "代码链接", "sourcecode", "开源代码",
             "implementation", "codes", "官方代码", "源代码"),
    "venue": ("收录", "venue", "会议", "收录&作者", "conference", "期刊", "会议/论坛", "published", "发表", "期刊/会议",
              "会议/期刊", "journal", "journal/conference", "conference/journal", "publication", "出处", "会议中稿情况",
              "publish", "record", "收录情况", "发表于", "年份", "year"),
    "summary": ("简介", "summary", "介绍", "概述", "description", "abstract", "摘要", "描述", "一句话总结", "说明",
                "简述", "briefintroduction", "tl;dr", "tldr", "贡献", "核心贡献"),
    "notes": ("笔记", "notes", "note", "解读", "我的解读", "阅读笔记", "readingnote", "personalnote", "论文解读",
              "myinterpretation", "论文笔记"),
    "talks": ("讲解", "talks", "talk", "视频", "参考资料", "video", "videos", "blog", "资料", "links", "讲解视频",
              "博客", "slides", "demo", "demos"),
    "link": ("link", "url", "pdf", "论文地址", "链接", "论文链接", "paperlink", "arxiv", "原文", "论文原文", "paperurl",
             "论文下载链接", "下载"),
    "date": ("date", "时间", "日期", "发表时间", "publishdate", "submissiontime", "提交时间", "发布时间"),
    "authors": ("authors", "author", "作者", "作者列表"),
    "tags": ("类型", "type", "关键词", "keywords", "tags", "标签", "topic", "方向", "category", "类别"),
    "index": ("序号", "no.", "no", "#", "编号", "index", "id"),
    "project": ("project", "主页", "homepage", "projectpage", "page", "website", "项目主页"),
}
_WORD_ROLE = {w: role for role, words in ROLE_WORDS.items() for w in words}
# roles a column may have; the rest of ROLE_WORDS name labelled lines in blocks
COLUMN_ROLES = ("title", "code", "venue", "summary", "notes", "talks", "link", "date", "authors", "tags", "index")

_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200d]")
_DECOR = re.compile(r"[*_`\[\]【】（）()]")


def role_key(label: str) -> str:
    """A header or label as the role table compares it."""
    text = md.unescape(label)
    text = _EMOJI.sub("", text)
    text = _DECOR.sub("", text)
    text = textnorm.normalize_space(text).lower().rstrip(":：").strip()
    return text.replace(" ", "")


def word_role(label: str, exact: bool = False) -> str | None:
    """The role a header or a label names, by the synonym table (None when it names none);
    `exact`: only a whole synonym, not a leading one ("代码（已删除）")."""
    key = role_key(label)
    if not key:
        return None
    if key in _WORD_ROLE:
        return _WORD_ROLE[key]
    if exact:
        return None
    # "论文2", "代码（好像被原作者删除了）", "代码和数据集", "Paper (arXiv)": the leading word decides
    for word in sorted(_WORD_ROLE, key=len, reverse=True):
        if (len(word) >= 2 and key.startswith(word) and len(key) - len(word) <= 12
                and (not word.isascii() or not key[len(word)].isalpha())):
            return _WORD_ROLE[word]
    return None


def column_role(label: str, used: set[str], exact: bool = False) -> str | None:
    role = word_role(label, exact)
    if role in COLUMN_ROLES and role not in used:
        return role
    return None


_CODE_HOSTS = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|gitee\.com|bitbucket\.org|git\.io)/",
                         re.IGNORECASE)
_PAPER_HOSTS = re.compile(r"^https?://(?:[\w-]+\.)*(?:arxiv\.org|doi\.org|openreview\.net|aclanthology\.org|"
                          r"proceedings\.(?:mlr\.press|neurips\.cc)|papers\.nips\.cc|openaccess\.thecvf\.com|"
                          r"ieeexplore\.ieee\.org|dl\.acm\.org|link\.springer\.com|semanticscholar\.org)/",
                          re.IGNORECASE)


def is_code_url(url: str) -> bool:
    return bool(_CODE_HOSTS.match(url or "")) and not (url or "").lower().endswith(".pdf")


def is_paper_url(url: str) -> bool:
    u = (url or "").lower()
    return bool(_PAPER_HOSTS.match(u)) or u.split("?")[0].endswith(".pdf")


def is_anchor(url: str) -> bool:
    """A link to a place in the same page (`#Backbone`): never a paper."""
    return (url or "").strip().startswith("#")


def link_kind(label: str, url: str = "") -> str:
    """notes, blog, talk, code or other, from a link's label (and its URL when the label says nothing)."""
    low = label.lower()
    if any(w in low for w in ("笔记", "解读", "note")):
        return "notes"
    if any(w in low for w in ("博客", "知乎", "blog", "csdn", "公众号")):
        return "blog"
    if any(w in low for w in ("视频", "讲解", "talk", "video", "bilibili", "slides", "youtube")):
        return "talk"
    if role_key(label) in ("code", "github", "源码", "代码") or (not low.strip() and is_code_url(url)):
        return "code"
    return "other"


_ARXIV = re.compile(r"arxiv(?:-vanity)?\.(?:org|com)/(?:abs|pdf|papers)/(\d{4}\.\d{4,5})", re.IGNORECASE)
_DOI = re.compile(r"doi\.org/(10\.\d{4,9}/[^\s?#]+)", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def ids_from_url(url: str) -> dict:
    out = {}
    m = _ARXIV.search(url or "")
    if m:
        out["arxiv_id"] = m.group(1)
    m = _DOI.search(url or "")
    if m:
        out["doi"] = m.group(1).rstrip(".")
    return out


def plain(src: str) -> str:
    return textnorm.normalize_space(md.unescape(src))


_TAGS = re.compile(r"(?<!\\)<[A-Za-z/][^<>]*(?<!\\)>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def clean_title(src: str) -> str:
    """A title as text: images, HTML tags, and bold/italic markers or 【】 brackets around the
    whole title removed (as written, so an escaped `\\*\\*` stays part of the title)."""
    text = _IMAGE.sub(" ", src)
    text = _TAGS.sub(" ", text)
    for _ in range(2):
        text = text.strip()
        for a, b in (("**", "**"), ("__", "__"), ("*", "*"), ("_", "_"), ("【", "】"), ("《", "》")):
            if (len(text) > len(a) + len(b) and text.startswith(a) and text.endswith(b)
                    and not text.endswith("\\" + b)):
                text = text[len(a):-len(b)].strip()
    if text.startswith("【") and "】" in text:  # "【Series】|Part": the series name is kept, its brackets not
        head, _, rest = text[1:].partition("】")
        rest = rest.strip()
        text = head + ("" if not rest or not rest[0].isalnum() else " ") + rest
    return plain(text)


def summary_fields(value: str) -> dict:
    """`**Model**; summary` (or `**Model**` alone) as model_name and summary."""
    out: dict = {}
    value = value.strip()
    if value.startswith("**"):
        close = value.find("**", 2)
        if close > 2:
            out["model_name"] = plain(value[2:close])
            rest = re.sub(r"^[;；,，:：]\s*", "", value[close + 2:].lstrip())
            if rest:
                out["summary"] = rest
            return out
    if value:
        out["summary"] = value
    return out
