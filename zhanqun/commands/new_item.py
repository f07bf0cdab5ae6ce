"""``build.py new SITE COLUMN TITLE``: a new Markdown file with the header its column needs.

Authors in offices should not have to remember eleven header keys, and above all should not
invent a 索引号: the next free number of the current year is written into the file once, so it
never changes after publication. The file starts as a draft (``Status: draft``, 先审后发) with
sensible defaults that the command lists, so the author knows what to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..columns.documents import DOCUMENT_TYPES
from ..config.index_numbers import compile_pattern, pattern_problem, taken_numbers
from ..config.sites import Column, Site, load_cluster
from ..content.metadata import PLACEHOLDER_BODY
from ..content.slugs import short_slug
from ..errors import Problems, did_you_mean
from ..paths import UnsafePath, write_text

DEFAULT_TOPIC = "综合政务"
DEFAULT_DOC_NO = "无"


class NewItemError(Exception):
    """A usage mistake (unknown site or column, empty title): exit status 2."""


@dataclass
class NewItem:
    path: Path  # absolute
    rel: str  # repository-relative, printed for the author
    notes: list[str] = field(default_factory=list)  # defaults the author should review


def create_item(root: Path, site_id: str, column_id: str, title: str, today: date, problems: Problems) -> NewItem | None:
    """Write the new file; ``None`` when the site files have errors (reported in ``problems``)."""
    title = " ".join(title.split())
    if not title:
        raise NewItemError("TITLE must not be empty")
    cluster = load_cluster(root, problems)
    if problems.has_errors():
        return None
    if cluster.named(site_id) is None:
        raise NewItemError(f"no site '{site_id}'{did_you_mean(site_id, cluster.ids)} (sites: {cluster.listing()})")
    site = cluster[cluster.named(site_id) or site_id]  # ulanhot, or 乌兰浩特市
    column = site.column(column_id) or next((c for c in site.columns if c.name == column_id.strip()), None)  # 政务动态 as well as zwdt
    if column is None:
        choices = [c.id for c in site.columns if c.type != "link"]
        raise NewItemError(
            f"site '{site_id}' has no column '{column_id}'{did_you_mean(column_id, choices)} "
            f"(columns: {', '.join(f'{c.id} {c.name}' for c in site.columns if c.type != 'link')})"
        )
    if column.type == "link":
        raise NewItemError(f"column '{column_id}' of '{site_id}' is a link to {column.url}; it holds no items")
    slug = short_slug(title, _own_names(site), fallback="item")
    folder = root / "content" / site.id / column.id
    path = folder / f"{today.isoformat()}-{slug}.md"
    n = 2
    while path.exists():
        path = folder / f"{today.isoformat()}-{slug}-{n}.md"
        n += 1
    content = _content(root, site, column, title, path.stem[len("YYYY-MM-DD-") :], today, problems)
    if content is None:
        return None
    header, body, notes = content
    text = "\n".join(f"{key}: {value}" for key, value in header) + "\n\n" + body
    try:
        write_text(root, path.relative_to(root).as_posix(), text)
    except UnsafePath:
        problems.add(f"content/{site.id}/{column.id}", None, "link-outside", f"content/{site.id}/{column.id} leads outside the repository (a symbolic link); the new item was not written")
        return None
    return NewItem(path, path.relative_to(root).as_posix(), notes)


def _own_names(site: Site) -> tuple[str, ...]:
    """How titles name the site itself (乌兰浩特市人民政府, 乌兰浩特市, 乌兰浩特): not part of a slug."""
    names = {site.name, site.short_name}
    for suffix in ("人民政府办公室", "人民政府", "行政公署办公室", "行政公署"):
        names.add(site.name.removesuffix(suffix))
    names |= {name[:-1] for name in list(names) if len(name) > 2 and name[-1] in "市县旗盟区"}
    return tuple(sorted(n for n in names if n))


def _content(
    root: Path, site: Site, column: Column, title: str, slug: str, today: date, problems: Problems
) -> tuple[list[tuple[str, str]], str, list[str]] | None:
    header: list[tuple[str, str]] = [("Title", title), ("Date", today.isoformat()), ("Slug", slug), ("Status", "draft")]
    notes = ["Status: draft — set it to published once the item has been reviewed (先审后发)"]
    body = f"{PLACEHOLDER_BODY}\n"
    if column.type in DOCUMENT_TYPES:
        if pattern_problem(site.disclosure.index_pattern):
            return None  # reported by load_cluster
        if "{credit_code}" in site.disclosure.index_pattern and not site.disclosure.credit_code:
            problems.add(site.source, None, "missing-key", "disclosure.credit_code: needed to number documents (索引号); add it under [disclosure]")
            return None
        pattern = compile_pattern(site.disclosure.index_pattern, site.disclosure.credit_code)
        number = pattern.next_free(taken_numbers(root), today.year, today.month)
        header += [
            ("Index-No", number),
            ("Issuer", site.name),
            ("Doc-No", DEFAULT_DOC_NO),
            ("Written", today.isoformat()),
            ("Topic", DEFAULT_TOPIC),
            ("Validity", "有效"),
        ]
        notes += [
            f"Index-No: {number} is the next free 索引号 of {today.year}; keep it once published",
            f"Issuer: {site.name} (the site's name) — change it if another body issued the document",
            f"Doc-No: {DEFAULT_DOC_NO} — write the 发文字号, e.g. 兴署发〔{today.year}〕1号",
            f"Topic: {DEFAULT_TOPIC} (default) — pick the 主题分类 from the national list",
            f"Written: {today.isoformat()} — the 成文日期 of the document",
        ]
    elif column.type == "letter":
        header += [("Received", today.isoformat())]
        body = "## 来信\n\n在此粘贴来信内容（按原文，作为纯文本显示）。\n\n## 答复\n"
        notes += ["when the reply is ready: write it under '## 答复' and add 'Replied:' and 'Replier:'"]
    elif column.type == "leader":
        header += [("Position", "（职务）")]
        body = "## 简历\n\n在此填写简历。\n\n## 工作分工\n\n在此填写分工。\n"
        notes += ["Position: write the 职务; add 'Photo: files/leaders/<name>.jpg'"]
    return header, body, notes
