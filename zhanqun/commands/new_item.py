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
from ..content.mongolian import squeeze
from ..content.slugs import short_slug
from ..errors import Problems, did_you_mean
from ..i18n import _
from ..paths import UnsafePath, write_text

DEFAULT_TOPIC = "综合政务"
DEFAULT_DOC_NO = "无"


class NewItemError(Exception):
    """A usage mistake (unknown site or column, empty title): exit status 2; its text is shown as it is (made with ``_()``)."""


@dataclass
class NewItem:
    path: Path  # absolute
    rel: str  # repository-relative, printed for the author
    notes: list[str] = field(default_factory=list)  # defaults the author should review (translated, printed as they are)


def create_item(root: Path, site_id: str, column_id: str, title: str, today: date, problems: Problems) -> NewItem | None:
    """Write the new file; ``None`` when the site files have errors (reported in ``problems``)."""
    title = squeeze(title)  # U+202F before a Mongolian suffix stays
    if not title:
        raise NewItemError(_("TITLE must not be empty"))
    cluster = load_cluster(root, problems)
    if problems.has_errors():
        return None
    if cluster.named(site_id) is None:
        raise NewItemError(_("no site '{site}'{hint} (sites: {sites})").format(site=site_id, hint=did_you_mean(site_id, cluster.ids), sites=cluster.listing()))
    site = cluster[cluster.named(site_id) or site_id]  # ulanhot, or 乌兰浩特市
    column = site.column(column_id) or next((c for c in site.columns if c.name == column_id.strip()), None)  # 政务动态 as well as zwdt
    if column is None:
        choices = [c.id for c in site.columns if c.type != "link"]
        raise NewItemError(
            _("site '{site}' has no column '{column}'{hint} (columns: {columns})").format(
                site=site_id, column=column_id, hint=did_you_mean(column_id, choices),
                columns=", ".join(f"{c.id} {c.name}" for c in site.columns if c.type != "link"),
            )
        )
    if column.type == "link":
        raise NewItemError(_("column '{column}' of '{site}' is a link to {url}; it holds no items").format(column=column_id, site=site_id, url=column.url))
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
        folder_rel = f"content/{site.id}/{column.id}"
        problems.add(folder_rel, None, "link-outside", _("{folder} leads outside the repository (a symbolic link); the new item was not written").format(folder=folder_rel))
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
    notes = [_("Status: draft — set it to published once the item has been reviewed (先审后发)")]
    if site.edition_of:
        notes.append(_("Slug: {slug} — write the slug of the Chinese page it translates, and add 'Translation-Of: site:{original}/{column}/<file>.md'").format(slug=slug, original=site.edition_of, column=column.id))
    body = f"{PLACEHOLDER_BODY}\n"
    if column.type in DOCUMENT_TYPES:
        if pattern_problem(site.disclosure.index_pattern):
            return None  # reported by load_cluster
        if "{credit_code}" in site.disclosure.index_pattern and not site.disclosure.credit_code:
            problems.add(site.source, None, "missing-key", _("disclosure.credit_code: needed to number documents (索引号); add it under [disclosure]"))
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
            _("Index-No: {number} is the next free 索引号 of {year}; keep it once published").format(number=number, year=today.year),
            _("Issuer: {issuer} (the site's name) — change it if another body issued the document").format(issuer=site.name),
            _("Doc-No: {doc_no} — write the 发文字号, e.g. 兴署发〔{year}〕1号").format(doc_no=DEFAULT_DOC_NO, year=today.year),
            _("Topic: {topic} (default) — pick the 主题分类 from the national list").format(topic=DEFAULT_TOPIC),
            _("Written: {day} — the 成文日期 of the document").format(day=today.isoformat()),
        ]
    elif column.type == "letter":
        header += [("Received", today.isoformat())]
        body = "## 来信\n\n在此粘贴来信内容（按原文，作为纯文本显示）。\n\n## 答复\n"
        notes += [_("when the reply is ready: write it under '## 答复' and add 'Replied:' and 'Replier:'")]
    elif column.type == "leader":
        header += [("Position", "（职务）")]
        body = "## 简历\n\n在此填写简历。\n\n## 工作分工\n\n在此填写分工。\n"
        notes += [_("Position: write the 职务; add 'Photo: files/leaders/<name>.jpg'")]
    return header, body, notes
