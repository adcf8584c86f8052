"""Sections, paper lists and tags: how users organise their papers."""

from __future__ import annotations

import json
from collections.abc import Iterable

from readerapp.core import textnorm
from readerapp.core.errors import InvalidValue, NotFound
from readerapp.core.models import Paper, Section
from readerapp.core.storage.base import Manager, json_dict, now_iso
from readerapp.core.storage.changes import ChangeKind


class SectionManager(Manager):
    """``lib.sections()`` is the tree; the methods change it."""

    def __call__(self) -> list[Section]:
        return self.tree()

    def tree(self) -> list[Section]:
        """The section tree: top-level sections with their children, in order."""
        rows = self._query("SELECT id, name, parent_id, position FROM sections ORDER BY position, id")
        nodes = {r["id"]: Section(r["id"], r["name"], r["parent_id"], r["position"]) for r in rows}
        roots: list[Section] = []
        for node in nodes.values():
            if node.parent_id is None:
                roots.append(node)
            elif node.parent_id in nodes:
                nodes[node.parent_id].children.append(node)
        return roots

    def create(self, name: str, parent_id: int | None = None) -> int:
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a section needs a name")
        with self.op() as op:
            if parent_id is not None:
                parent = op.execute("SELECT parent_id FROM sections WHERE id = ?", (parent_id,)).fetchone()
                if parent is None:
                    raise NotFound(f"no section with id {parent_id}")
                if parent["parent_id"] is not None:
                    raise InvalidValue("sections have two levels: a subsection cannot have children")
            row = op.execute("SELECT id FROM sections WHERE ifnull(parent_id, 0) = ? AND name = ?",
                             (parent_id or 0, name)).fetchone()
            if row:
                return row["id"]
            pos = op.execute("SELECT ifnull(max(position), -1) + 1 FROM sections WHERE ifnull(parent_id, 0) = ?",
                             (parent_id or 0,)).fetchone()[0]
            section_id = op.execute("INSERT INTO sections (name, parent_id, position) VALUES (?, ?, ?)",
                                    (name, parent_id, pos)).lastrowid
            op.touch(ChangeKind.SECTIONS)
        return section_id

    def ensure_path(self, names: list[str]) -> int:
        parent = None
        with self.op():
            for name in names:
                parent = self.create(name, parent)
        assert parent is not None
        return parent

    def _papers_under(self, op, section_id: int) -> list[int]:
        return [r[0] for r in op.execute(
            "SELECT DISTINCT paper_id FROM paper_sections WHERE section_id IN"
            " (SELECT id FROM sections WHERE id = ? OR parent_id = ?)", (section_id, section_id))]

    def rename(self, section_id: int, name: str) -> None:
        """Rename; every paper in it (or in a subsection) is searchable under the new name only."""
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a section needs a name")
        with self.op() as op:
            op.execute("UPDATE sections SET name = ? WHERE id = ?", (name, section_id))
            op.touch(ChangeKind.SECTIONS)
            for pid in self._papers_under(op, section_id):
                op.touch(ChangeKind.SECTIONS, pid)

    def delete(self, section_id: int) -> None:
        """Delete a section (and its subsections); the papers stay in the library."""
        with self.op() as op:
            papers = self._papers_under(op, section_id)
            op.execute("DELETE FROM sections WHERE id = ?", (section_id,))
            op.touch(ChangeKind.SECTIONS)
            for pid in papers:
                op.touch(ChangeKind.SECTIONS, pid)

    def path(self, section_id: int) -> list[str]:
        names: list[str] = []
        current: int | None = section_id
        while current is not None:
            row = self._query("SELECT name, parent_id FROM sections WHERE id = ?", (current,))
            if not row:
                break
            names.insert(0, row[0]["name"])
            current = row[0]["parent_id"]
        return names

    def assign(self, paper_id: int, section_id: int) -> None:
        with self.op() as op:
            pos = op.execute("SELECT ifnull(max(position), -1) + 1 FROM paper_sections WHERE section_id = ?",
                             (section_id,)).fetchone()[0]
            op.execute("INSERT OR IGNORE INTO paper_sections (paper_id, section_id, position) VALUES (?, ?, ?)",
                       (paper_id, section_id, pos))
            op.touch(ChangeKind.SECTIONS, paper_id)

    def unassign(self, paper_id: int, section_id: int) -> None:
        with self.op() as op:
            op.execute("DELETE FROM paper_sections WHERE paper_id = ? AND section_id = ?", (paper_id, section_id))
            op.touch(ChangeKind.SECTIONS, paper_id)

    def papers_in(self, section_id: int) -> list[Paper]:
        ids = [r[0] for r in self._query(
            "SELECT paper_id FROM paper_sections WHERE section_id = ? ORDER BY position, paper_id", (section_id,))]
        return self.lib.papers.by_ids(ids)

    def unsectioned_paper_ids(self) -> list[int]:
        """Papers in no section, oldest first."""
        return [r[0] for r in self._query(
            "SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM paper_sections) ORDER BY date_added, id")]

    def of(self, paper_id: int) -> list[int]:
        return [r[0] for r in self._query(
            "SELECT section_id FROM paper_sections WHERE paper_id = ? ORDER BY section_id", (paper_id,))]

    def ids_named_like(self, like: str) -> set[int]:
        """Papers in a section (or a subsection of a section) whose name matches LIKE `like`."""
        return {r[0] for r in self._query(
            "SELECT ps.paper_id FROM paper_sections ps WHERE ps.section_id IN ("
            " SELECT id FROM sections WHERE name LIKE ? ESCAPE '\\'"
            " UNION SELECT id FROM sections WHERE parent_id IN"
            "  (SELECT id FROM sections WHERE name LIKE ? ESCAPE '\\'))", (like, like))}

    def placement_entry(self, paper_id: int, section_id: int) -> dict:
        """The list formatting kept for a paper's entry in a section ({} when none)."""
        rows = self._query("SELECT entry FROM paper_sections WHERE paper_id = ? AND section_id = ?",
                           (paper_id, section_id))
        return json_dict(rows[0][0]) if rows else {}

    def placement_entries(self, section_id: int) -> dict[int, dict]:
        """{paper_id: entry formatting} for every paper in a section."""
        return {row[0]: json_dict(row[1]) for row in self._query(
            "SELECT paper_id, entry FROM paper_sections WHERE section_id = ?", (section_id,))}

    def set_placement_entry(self, paper_id: int, section_id: int, entry: dict) -> None:
        """Store the list formatting of a paper's entry in a section (the paper must be in it)."""
        with self.op() as op:
            cur = op.execute("UPDATE paper_sections SET entry = ? WHERE paper_id = ? AND section_id = ?",
                             (json.dumps(entry, ensure_ascii=False), paper_id, section_id))
            if cur.rowcount == 0:
                raise NotFound(f"paper {paper_id} is not in section {section_id}")
            op.touch(ChangeKind.SECTIONS, paper_id, index=False)

    def move(self, paper_id: int, section_id: int, position: int) -> None:
        """Set a paper's position (order) inside a section."""
        with self.op() as op:
            op.execute("UPDATE paper_sections SET position = ? WHERE paper_id = ? AND section_id = ?",
                       (int(position), paper_id, section_id))
            op.touch(ChangeKind.SECTIONS, paper_id, index=False)


class ListManager(Manager):
    """Stored paper lists (the README layout around the entries)."""

    def get(self, name: str) -> dict | None:
        """A stored paper list: {"name", "style", "layout", "source", "modified"} or None."""
        rows = self._query("SELECT * FROM lists WHERE name = ?", (name,))
        if not rows:
            return None
        r = rows[0]
        return {"name": r["name"], "style": r["style"], "layout": json_dict(r["layout"]), "source": r["source"],
                "modified": r["modified"]}

    def names(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM lists ORDER BY name")]

    def save(self, name: str, style: str, layout: dict, source: str = "") -> None:
        name = textnorm.normalize_space(name)
        if not name:
            raise InvalidValue("a paper list needs a name")
        with self.op() as op:
            op.execute(
                "INSERT INTO lists (name, style, layout, source, modified) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET style = excluded.style, layout = excluded.layout,"
                " source = excluded.source, modified = excluded.modified",
                (name, style, json.dumps(layout, ensure_ascii=False), source, now_iso()))
            op.touch(ChangeKind.LISTS)

    def delete(self, name: str) -> None:
        with self.op() as op:
            op.execute("DELETE FROM lists WHERE name = ?", (name,))
            op.touch(ChangeKind.LISTS)


class TagManager(Manager):
    """``lib.tags()`` lists the tags with their counts."""

    def __call__(self) -> list[tuple[str, int]]:
        return self.counts()

    def counts(self) -> list[tuple[str, int]]:
        """All tags with the number of papers carrying each."""
        return [(r[0], r[1]) for r in self._query(
            "SELECT t.name, count(pt.paper_id) FROM tags t LEFT JOIN paper_tags pt ON pt.tag_id = t.id"
            " GROUP BY t.id ORDER BY t.name COLLATE NOCASE")]

    def set(self, paper_id: int, names: Iterable[str]) -> None:
        names = list(dict.fromkeys(textnorm.normalize_space(n) for n in names if n and n.strip()))
        with self.op() as op:
            op.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
            for name in names:
                op.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
                op.execute("INSERT OR IGNORE INTO paper_tags (paper_id, tag_id)"
                           " SELECT ?, id FROM tags WHERE name = ? COLLATE NOCASE", (paper_id, name))
            op.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
            op.touch(ChangeKind.TAGS, paper_id)

    def add(self, paper_id: int, name: str) -> None:
        with self.op():  # read and write in one transaction: no tag added elsewhere is lost
            self.set(paper_id, [*self.lib.papers.get(paper_id).tags, name])

    def paper_ids(self, value: str, like: str) -> set[int]:
        """Papers with a tag named `value` (any case) or matching LIKE `like`."""
        return {r[0] for r in self._query(
            "SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
            " WHERE t.name = ? COLLATE NOCASE OR t.name LIKE ? ESCAPE '\\'", (value, like))}
