"""Inspection items measured on what readers get: the last production build's pages and its links.

The other items of ``build.py audit`` are measured on the content. These are about the pages, which
the templates, a site's theme overrides and its site file make as much as the content does, so they
read the pages as deployed, ``output/production/<id>/`` (parsed with the link check's parser):

- ``broken-links``: the links the last production build found broken, from its link report
  (:mod:`zhanqun.links.link_report`); the inspection deducts points for each one, and a build that
  failed on them is exactly when the webmaster needs the list;
- ``footer-elements``: what 政府网站发展指引 requires at the bottom of every page — 主办单位, 联系方式,
  网站标识码, ICP备案号, 公安机关备案号, the 党政机关网站标识 and the 我为政府网站找错 entry; an
  override of the ``footer`` block can drop one, and nothing else would notice;
- ``meta-tags``: the meta tags national monitoring reads (``SiteIDCode`` on every page, ``ColumnName``
  on column pages, ``ArticleTitle``, ``PubDate`` on articles…), which an override of ``meta`` can drop;
- ``images-alt``: pictures without alt text (content with one is refused by ``check``; templates are not);
- ``validity-labels``: 废止 and 失效 documents stay online, visibly labelled.

A site with no production build yet is measured from its site file or its content instead, and
every finding says what it was measured on (:attr:`Finding.basis`), so a pass is never mistaken for
a look at pages nobody built. The basis and the texts of the items are
:class:`~zhanqun.errors.Message` s: the terminal shows them in the reader's language, the HTML report
in Chinese; the link report keeps its reasons in English and they are translated here
(:func:`~zhanqun.links.link_report.shown_reason`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..columns.documents import is_document, validity_label
from ..config.sites import Site
from ..content.alt_text import images_without_alt
from ..content.index import Item
from ..errors import Message, describe_os_error, shown_path
from ..i18n import N_, _
from ..links.link_check import SiteFiles
from ..links.link_report import LinkReportError, LinkReportMissing, StoredReport, load_link_report, report_file, shown_reason
from ..pipeline import BuildContext, BuildOptions
from .audit import Finding, Status

#: Where the footer's elements come from.
GUIDE_SOURCE = N_("《政府网站发展指引》（国办发〔2017〕47号）")
#: Where alt text comes from.
ACCESSIBILITY_SOURCE = N_("GB/T 37668-2019《信息技术 互联网内容无障碍可访问性技术要求与测试方法》")
#: Where the label of 废止/失效 documents comes from.
DISCLOSURE_SOURCE = N_("国办公开办函〔2019〕61号（关于规范政府信息公开平台有关事项的通知）")
#: Validities that must be labelled on the page.
ENDED = ("失效", "废止")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LinkEvidence:
    """The link report as the audit found it: read once for every site."""

    shown: str  # where it is (``output/reports/links-production.json``)
    output: str  # the output folder the audit reads (``output/production``)
    report: StoredReport | None
    problem: str | None  # why there is nothing to measure (basis of a warning), when ``report`` is None

    @classmethod
    def read(cls, options: BuildOptions) -> LinkEvidence:
        path = report_file(options.root, options.target)
        shown, output = shown_path(path, options.root), shown_path(options.output, options.root)
        try:
            report = load_link_report(path)
        except LinkReportMissing:
            return cls(shown, output, None, Message(N_("no link report yet: run build --target production (it writes {report})"), report=shown))
        except LinkReportError as exc:
            return cls(shown, output, None, Message(N_("the link report {report} cannot be used: {reason}; run build --target production to write it again"), report=shown, reason=exc.message))
        if report.output != output:
            return cls(shown, output, None, Message(N_("the link report {report} describes the build in {other}, not {output}; run build --target production"), report=shown, other=report.output, output=output))
        return cls(shown, output, report, None)


@dataclass
class PageScan:
    """What one pass over a site's built pages found, for every check that reads them."""

    folder: str  # the site's output folder as messages show it
    pages: int = 0
    footer: list[dict[str, str | int]] = field(default_factory=list)  # pages missing a footer element
    meta: list[dict[str, str | int]] = field(default_factory=list)  # pages missing a meta tag
    images: list[dict[str, str | int]] = field(default_factory=list)  # pictures without alt text
    labelled: dict[str, bool] = field(default_factory=dict)  # page of a 废止/失效 document → it shows the label

    def basis(self) -> str:
        return Message(N_("measured on the {pages} pages of the last production build in {folder}"), pages=self.pages, folder=self.folder)


#: The checks that read the built pages; without a production build they read the site file or the content.
PAGE_CHECKS = ("footer-elements", "meta-tags", "images-alt", "validity-labels")


def has_build(context: BuildContext, site_id: str) -> bool:
    """Whether ``site_id`` has a production build to measure (else :data:`PAGE_CHECKS` read its site file or content)."""
    return (context.options.output / site_id).is_dir()


def output_findings(context: BuildContext, site: Site, links: LinkEvidence) -> list[Finding]:
    """The items measured on the pages: from the last production build of ``site``, if there is one."""
    assert context.addresses is not None
    folder = context.options.output / site.id
    shown = shown_path(folder, context.root)
    documents = ended_documents(context, site)
    scan = scan_pages(site, folder, shown, {page: label for page, (_item, label) in documents.items()}) if has_build(context, site.id) else None
    unbuilt = Message(N_("there is no production build of this site in {folder} yet (run build --target production to measure its pages)"), folder=shown)
    return [
        broken_links(site, links),
        footer_elements(site, scan, unbuilt),
        meta_tags(site, scan, unbuilt),
        images_alt(context, site, scan, unbuilt),
        validity_labels(site, documents, scan, unbuilt),
    ]


# --- the findings -------------------------------------------------------------------------------


def broken_links(site: Site, links: LinkEvidence) -> Finding:
    """The broken links of the last production build of ``site``: warn from one, fail from the limit."""
    limit = site.audit_limits["broken_links"]
    rule = _("不可用链接逐个扣分，应为零；有则提醒，达到{count}个为不合格").format(count=limit)

    def unmeasured(basis: str) -> Finding:
        # the report it wanted to read ("report", not "path": it may not exist)
        return Finding(site.id, "broken-links", "warn", None, limit, rule, basis=basis, items=[{"report": links.shown}])

    if links.report is None:
        return unmeasured(links.problem or "")
    entry = links.report.sites.get(site.id)
    if entry is None:
        return unmeasured(Message(N_("the link report {report} has no entry for this site: the last production build did not include it; run build --target production"), report=links.shown))
    count = len(entry.broken)
    status: Status = "pass" if count == 0 else ("fail" if count >= limit else "warn")
    if entry.published:
        basis = Message(N_("measured on the link report {report} of the last production build ({pages} pages, {links} links into the cluster)"), report=links.shown, pages=entry.pages, links=entry.links)
    else:
        basis = Message(N_("measured on the link report {report}: the last production build of this site failed, so these pages were not published (the previous ones still are); fix the links and build again"), report=links.shown)
    items: list[dict[str, str | int]] = [
        {"path": f"{links.output}/{site.id}/{link.page}", "href": link.href, "reason": shown_reason(link.reason), "from": link.origin} for link in entry.broken
    ]
    return Finding(site.id, "broken-links", status, count, limit, rule, basis=basis, items=items)


def footer_elements(site: Site, scan: PageScan | None, unbuilt: str) -> Finding:
    """Pages whose footer lacks one of the elements every government page shows (a fail: the rules require them)."""
    rule = _("每个页面底部须有主办单位、联系方式、网站标识码、ICP备案号、公安机关备案号、党政机关网站标识和“我为政府网站找错”入口；有页面缺项为不合格")
    if scan is None:  # the site file's values: the shared theme prints each of them
        missing = [name for name, value in site_footer_values(site) if not value.strip()]
        items: list[dict[str, str | int]] = [{"path": site.source, "missing": ", ".join(missing)}] if missing else []
        basis = Message(N_("measured on the site file {site_file}: {unbuilt}"), site_file=site.source, unbuilt=unbuilt)
        return Finding(site.id, "footer-elements", "fail" if missing else "pass", len(missing), None, rule, source=GUIDE_SOURCE, basis=basis, items=items)
    return Finding(site.id, "footer-elements", "fail" if scan.footer else "pass", len(scan.footer), None, rule, source=GUIDE_SOURCE, basis=scan.basis(), items=scan.footer)


def meta_tags(site: Site, scan: PageScan | None, unbuilt: str) -> Finding:
    """Pages without the meta tags national monitoring reads them by."""
    rule = _("每个页面须有 SiteName、SiteIDCode 元数据，栏目页和稿件页还须有 ColumnName、ColumnType，稿件页还须有 ArticleTitle、PubDate、ContentSource；有页面缺少则提醒")
    if scan is None:  # what the site file gives the shared theme's tags: its name and 网站标识码
        missing = [name for name, value in (("SiteName", site.name), ("SiteIDCode", site.sitecode)) if not value.strip()]
        items: list[dict[str, str | int]] = [{"path": site.source, "missing": ", ".join(missing)}] if missing else []
        basis = Message(N_("measured on the site file {site_file}: {unbuilt}"), site_file=site.source, unbuilt=unbuilt)
        return Finding(site.id, "meta-tags", "warn" if missing else "pass", len(missing), None, rule, source=GUIDE_SOURCE, basis=basis, items=items)
    return Finding(site.id, "meta-tags", "warn" if scan.meta else "pass", len(scan.meta), None, rule, source=GUIDE_SOURCE, basis=scan.basis(), items=scan.meta)


def images_alt(context: BuildContext, site: Site, scan: PageScan | None, unbuilt: str) -> Finding:
    """Pictures without alt text: on the built pages, else in the site's published content."""
    rule = _("图片须有替代文字（alt），读屏软件才能读出图片的内容；有图片缺少则提醒")
    if scan is None:
        assert context.addresses is not None
        items: list[dict[str, str | int]] = [
            {"path": item.source, "line": item.body_line + item.body.count("\n", 0, offset)}
            for item in context.addresses.items_of(site.id) for offset, _message in images_without_alt(item.body)
        ]
        basis = Message(N_("measured on the content: {unbuilt}"), unbuilt=unbuilt)
    else:
        items, basis = scan.images, scan.basis()
    return Finding(site.id, "images-alt", "warn" if items else "pass", len(items), None, rule, source=ACCESSIBILITY_SOURCE, basis=basis, items=items)


def validity_labels(site: Site, documents: dict[str, tuple[Item, str]], scan: PageScan | None, unbuilt: str) -> Finding:
    """The site's 废止/失效 documents (its own and the copies it shows), and whether their pages say so."""
    rule = _("已废止、失效的文件继续公开，页面须明确标注“已废止”“已失效”；有页面未标注则提醒")
    items: list[dict[str, str | int]] = []
    for page, (item, label) in sorted(documents.items()):
        entry: dict[str, str | int] = {"path": item.source, "title": item.title, "validity": label}
        if scan is not None:
            entry["page"] = f"{scan.folder}/{page}"
            if page not in scan.labelled:
                entry["problem"] = Message(N_("no such page in the last production build; build again"))
            elif not scan.labelled[page]:
                entry["problem"] = Message(N_("the page shows no “已{validity}” label"), validity=label)
        items.append(entry)
    status: Status = "warn" if any("problem" in entry for entry in items) else "pass"
    basis = scan.basis() if scan is not None else Message(N_("measured on the content: {unbuilt}"), unbuilt=unbuilt)
    return Finding(site.id, "validity-labels", status, len(items), None, rule, source=DISCLOSURE_SOURCE, basis=basis, items=items)


def ended_documents(context: BuildContext, site: Site) -> dict[str, tuple[Item, str]]:
    """Page (output path) → document and its validity, for every 废止/失效 document ``site`` publishes."""
    assert context.addresses is not None
    found: dict[str, tuple[Item, str]] = {}
    for page, item in context.addresses.pages_of(site.id).items():
        label = validity_label(item.meta)
        if label in ENDED and is_document(item, context.cluster):
            found[page] = (item, label)
    return found


# --- reading the pages --------------------------------------------------------------------------


def scan_pages(site: Site, folder: Path, shown: str, documents: dict[str, str]) -> PageScan:
    """Read every page of a built site once (alias pages aside: they only redirect) and note what it lacks.

    ``documents``: the pages of 废止/失效 documents and their validity, whose label is looked for.
    """
    scan = PageScan(shown)
    files = SiteFiles.read(folder)
    for rel in files.html_pages() if files else []:
        path = f"{shown}/{rel}"
        try:
            tree = LexborHTMLParser((folder / rel).read_bytes())
        except OSError as exc:
            reason = Message(N_("the page cannot be read: {reason}"), reason=describe_os_error(exc))
            scan.footer.append({"path": path, "missing": reason})
            continue
        if is_redirect(tree):
            continue
        scan.pages += 1
        missing = footer_missing(site, tree)
        if missing:
            scan.footer.append({"path": path, "missing": ", ".join(missing)})
        missing = meta_missing(site, tree)
        if missing:
            scan.meta.append({"path": path, "missing": ", ".join(missing)})
        scan.images += [{"path": path, "src": src} for src in unlabelled_images(tree)]
        if rel in documents:
            scan.labelled[rel] = shows_label(tree, documents[rel])
    return scan


def is_redirect(tree: LexborHTMLParser) -> bool:
    """An alias page (``links/redirects.py``): a refresh to the page's new address, nothing to inspect."""
    return any((node.attributes.get("http-equiv") or "").lower() == "refresh" for node in tree.css("meta[http-equiv]"))


def site_footer_values(site: Site) -> list[tuple[str, str]]:
    """The footer elements that are values of the site file, with the names the rules give them."""
    footer = site.footer
    return [("主办单位", footer.sponsor), ("联系方式", footer.contact), ("网站标识码", site.sitecode), ("ICP备案号", footer.icp), ("公安机关备案号", footer.police)]


#: Footer elements that are marks rather than values: name → whether the footer shows it.
FOOTER_MARKS: tuple[tuple[str, Callable[[str, list[str]], bool]], ...] = (
    # the mark is an image or a script from conac.cn on most sites; a text mark with its name here
    ("党政机关网站标识", lambda text, addresses: "党政机关" in text or any("conac.cn" in a for a in addresses)),
    ("我为政府网站找错", lambda text, addresses: "我为政府网站找错" in text or any("zfwzzc.www.gov.cn" in a for a in addresses)),
)


def footer_missing(site: Site, tree: LexborHTMLParser) -> list[str]:
    """The footer elements a page does not show in its ``<footer>`` (white space aside)."""
    footers = tree.css("footer")
    text = _squash(" ".join(node.text(separator=" ") for node in footers))
    labels, addresses = [], []
    for node in (n for footer in footers for n in footer.css("*")):
        attributes = node.attributes
        labels += [attributes.get(name) or "" for name in ("alt", "aria-label", "title")]
        addresses += [attributes.get(name) or "" for name in ("href", "src")]
    text += _squash(" ".join(labels))
    missing = [name for name, value in site_footer_values(site) if not value.strip() or _squash(value) not in text]
    return missing + [name for name, shown in FOOTER_MARKS if not shown(text, addresses)]


def meta_wanted(classes: set[str]) -> list[str]:
    """The meta tags a page of this type carries (its ``<body class>``, as the theme sets it)."""
    wanted = ["SiteName", "SiteIDCode"]
    if classes & {"page-column", "page-item", "page-disclosure"}:
        wanted += ["ColumnName", "ColumnType"]
    if classes & {"page-item", "page-annual-report"}:
        wanted += ["ArticleTitle", "PubDate", "ContentSource"]
    return wanted


def meta_missing(site: Site, tree: LexborHTMLParser) -> list[str]:
    """The meta tags a page lacks or leaves empty; a ``SiteIDCode`` other than the site's is as good as none."""
    found: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        found.setdefault(node.attributes.get("name") or "", (node.attributes.get("content") or "").strip())
    classes = set(((tree.body.attributes.get("class") if tree.body else None) or "").split())
    expected = {"SiteIDCode": site.sitecode}
    return [name for name in meta_wanted(classes) if not found.get(name) or found[name] != expected.get(name, found[name])]


def unlabelled_images(tree: LexborHTMLParser) -> list[str]:
    """The ``src`` of each picture a screen reader cannot name: no alt at all, or an empty alt on a
    picture not marked decorative (``role="presentation"``, ``aria-hidden``) and not inside a link
    or button that names itself (the theme's logo beside the site name is such a picture)."""
    found = []
    for node in tree.css("img"):
        attributes = node.attributes
        alt = attributes.get("alt")
        if alt is not None and alt.strip():
            continue
        if alt is not None and (_decorative(node) or _named_by_control(node)):
            continue
        found.append(attributes.get("src") or "")
    return found


def _decorative(node: LexborNode) -> bool:
    attributes = node.attributes
    return (attributes.get("role") or "").strip() in ("presentation", "none") or (attributes.get("aria-hidden") or "").strip() == "true"


def _named_by_control(node: LexborNode) -> bool:
    """Whether the link or button around a picture has a name of its own (its text or aria-label)."""
    parent = node.parent
    while parent is not None and parent.tag not in ("a", "button", "body"):
        parent = parent.parent
    if parent is None or parent.tag == "body":
        return False
    return bool((parent.text(deep=True) or "").strip() or (parent.attributes.get("aria-label") or "").strip())


def shows_label(tree: LexborHTMLParser, validity: str) -> bool:
    """Whether a document's page says it is 已废止/已失效: the theme's banner, or the words in the page's main text."""
    if tree.css_first(".validity-banner") is not None:
        return True
    main = tree.css_first("main") or tree.body
    return main is not None and f"已{validity}" in _squash(main.text(separator=" "))


def _squash(text: str) -> str:
    """Text as compared: without white space, so a value wrapped or spaced differently still matches."""
    return _SPACE.sub("", text)
