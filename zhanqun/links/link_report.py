"""The link report file: what the last build's link check found, kept for the audit and the webmaster.

``build`` checks every link of the pages it made (:mod:`zhanqun.links.link_check`) and prints one
line. The webmaster who reads ``build.py audit`` the next morning needs the pages and addresses —
most of all after a build that *failed* on them: its pages never went online, the previous ones
still are, and nothing is published until the links are fixed. So every build that checked its
links writes them, failed or not, to ``output/reports/links-<target>.json``:

- beside the output folders, never inside one: each ``output/<target>/<id>/`` is a web root that a
  deploy uploads and the preview host serves, and a report there would be published (a build that
  writes to ``--out`` inside ``output/`` itself is not given a report, with a warning);
- one entry per site: a build of some sites (``--site``) replaces theirs and keeps the others' from
  the report of the same output folder, so the file always describes the whole output;
- the same bytes for the same build: keys and links sorted, no times, and no language — the
  reason of a broken link is kept in English (the message id, its fields filled in:
  :func:`stored_reason`) whatever ``--lang`` the build ran in, and translated where it is shown
  (:func:`shown_reason`);
- written through :mod:`zhanqun.paths`, like every file zhanqun writes, into
  :func:`~zhanqun.paths.report_folder` (``output/reports/`` as a real folder of the repository: a
  symbolic link there, which could lead into a web root, is refused and nothing is written).

The audit reads it back with :func:`load_link_report`, which turns every way the file can be wrong
(missing, unreadable, not JSON, not a report) into :class:`LinkReportError` with a sentence, never
a traceback.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Message, Problems, describe_os_error, shown_path
from ..i18n import N_, _
from ..paths import OUTPUT_FOLDER, UnsafePath, report_folder, write_text
from .link_check import BrokenLink, LinkReport

#: Bumped when the file's shape changes; a report of another shape is not read.
REPORT_FORMAT = 1
#: The folder of ``output/`` the link reports are kept in.
REPORTS = "reports"


def report_file(root: Path, target: str) -> Path:
    """Where the link report of ``target``'s last build is kept: ``output/reports/links-<target>.json``."""
    return root / OUTPUT_FOLDER / REPORTS / f"links-{target}.json"


@dataclass(frozen=True)
class SiteReport:
    """One site's entry: whether that build went online, and what its link check found."""

    published: bool
    pages: int
    links: int
    broken: tuple[BrokenLink, ...] = ()


@dataclass(frozen=True)
class StoredReport:
    """A link report file as read back: the target and output folder it describes, per site."""

    target: str
    output: str  # the output folder, as messages show it (``output/production``)
    sites: dict[str, SiteReport] = field(default_factory=dict)


class LinkReportError(Exception):
    """Why a report file cannot be used, in a sentence for the webmaster (:attr:`message`)."""

    @property
    def message(self) -> str:
        """The sentence, a :class:`~zhanqun.errors.Message` (the audit shows it in two languages)."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


class LinkReportMissing(LinkReportError):
    """No report file yet: no build of the target has checked its links."""


def save_link_report(
    root: Path, output: Path, target: str, report: LinkReport, published: bool, site_ids: list[str], problems: Problems
) -> Path | None:
    """Write the report of this build (``published``: its sites were swapped in), keeping the
    entries of the other sites of ``site_ids`` (the cluster) from the report of the same output
    folder. A report that cannot be written is a warning: the build's own result stands."""
    path = report_file(root, target)
    shown = shown_path(path, root)
    if _inside(path, output):
        problems.warn(shown, None, "write-failed", _("the link report was not written: it would lie inside the output folder {output}, which is published; build into another folder").format(output=shown_path(output, root)))
        return None
    try:
        folder = report_folder(root, REPORTS)  # before the old report is read: never through a link
        stored = merged(report, target, shown_path(output, root), published, site_ids, _previous(path))
        return write_text(folder, path.name, encode(stored))
    except UnsafePath as exc:
        reason = str(exc)
    except OSError as exc:
        reason = describe_os_error(exc, root)
    problems.warn(shown, None, "write-failed", _("the link report was not written: {reason}").format(reason=reason))
    return None


def merged(report: LinkReport, target: str, output: str, published: bool, site_ids: list[str], previous: StoredReport | None) -> StoredReport:
    """This build's sites from ``report``, the other sites of the cluster from ``previous`` when it
    describes the same output folder (their pages are the same as when it was written)."""
    sites: dict[str, SiteReport] = {}
    if previous is not None and previous.output == output and previous.target == target:
        sites.update({site_id: entry for site_id, entry in previous.sites.items() if site_id in site_ids})
    for site_id, found in report.sites.items():
        broken = {replace(link, reason=stored_reason(link.reason)) for link in found.broken}
        sites[site_id] = SiteReport(published, found.pages, found.links, tuple(sorted(broken)))
    return StoredReport(target, output, dict(sorted(sites.items())))


def encode(stored: StoredReport) -> str:
    """The file's text: JSON with sorted keys and sorted links, so the same build writes the same bytes."""
    data: dict[str, Any] = {"format": REPORT_FORMAT, "target": stored.target, "output": stored.output, "sites": {}}
    for site_id, entry in stored.sites.items():
        site = asdict(entry)
        # in English however it came (an entry kept from a report an older version wrote in Chinese)
        site["broken"] = [asdict(link) for link in sorted({replace(link, reason=stored_reason(link.reason)) for link in entry.broken})]
        data["sites"][site_id] = site
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_link_report(path: Path) -> StoredReport:
    """The report at ``path``; :class:`LinkReportMissing` when there is none, :class:`LinkReportError`
    with the reason when it cannot be read or is not a report this version wrote."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LinkReportMissing(Message(N_("there is no link report yet"))) from None
    except UnicodeDecodeError:
        raise LinkReportError(Message(N_("it is not UTF-8 text"))) from None
    except OSError as exc:
        raise LinkReportError(Message(N_("it cannot be read: {reason}"), reason=describe_os_error(exc))) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise LinkReportError(Message(N_("it is not JSON ({reason})"), reason=str(exc))) from None
    return _decode(data)


def _decode(data: object) -> StoredReport:
    """Check the shape of a parsed file field by field; the first field that is wrong is named."""
    top = _field(data, "", dict)
    if top.get("format") != REPORT_FORMAT:
        raise LinkReportError(Message(N_("it is not a link report of this version of zhanqun (format {found!r}, expected {expected})"), found=top.get("format"), expected=REPORT_FORMAT))
    sites: dict[str, SiteReport] = {}
    for site_id, entry in _field(top.get("sites"), "sites", dict).items():
        where = f"sites.{site_id}"
        entry = _field(entry, where, dict)
        sites[site_id] = SiteReport(
            _field(entry.get("published"), f"{where}.published", bool),
            _field(entry.get("pages"), f"{where}.pages", int),
            _field(entry.get("links"), f"{where}.links", int),
            _broken_links(entry.get("broken"), f"{where}.broken"),
        )
    return StoredReport(_field(top.get("target"), "target", str), _field(top.get("output"), "output", str), sites)


def _broken_links(value: object, where: str) -> tuple[BrokenLink, ...]:
    links = []
    for n, link in enumerate(_field(value, where, list)):
        link = _field(link, f"{where}[{n}]", dict)
        links.append(BrokenLink(**{name: _field(link.get(name), f"{where}[{n}].{name}", str) for name in BROKEN_FIELDS}))
    return tuple(links)


def _field(value: Any, where: str, kind: type) -> Any:
    """``value`` if it is of ``kind`` (``True`` is not a number of pages), else the located reason."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise LinkReportError(Message(N_("it is not a link report zhanqun wrote: {field} should be {kind}"), field=where or Message(N_("the file")), kind=Message(_KINDS[kind])))


#: How ``_field`` names the kinds it expects (JSON's words).
_KINDS = {dict: N_("an object"), list: N_("a list"), str: N_("a string"), int: N_("a number"), bool: N_("true or false")}
#: The fields of one broken link in the file.
BROKEN_FIELDS = tuple(BrokenLink.__dataclass_fields__)


def _previous(path: Path) -> StoredReport | None:
    """The report this build replaces, if it can be read (one that cannot is simply replaced)."""
    try:
        return load_link_report(path)
    except LinkReportError:
        return None


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies inside ``folder`` (after following links): a report there would be published."""
    real, base = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == base or base in real.parents


# --- the reasons: kept in English, shown in the reader's language -------------------------------

#: The reasons :class:`~zhanqun.links.link_check.LinkChecker` gives a broken link (as it writes them,
#: with ``_()``; a test keeps the two lists the same), those without fields first.
REASONS = (
    N_("no such page"),
    N_("no such file"),
    N_("leaves the site"),
    N_("unresolved link syntax left in the page"),
    N_("no site at / (each site is a folder of the host)"),
    N_("no site at /{first}/"),
    N_("site '{site}' has no output; build it too"),
    N_("an address of the preview on the author's computer, which no visitor can open"),
)
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(text: str) -> re.Pattern[str]:
    """A message with ``{field}`` placeholders as a pattern that matches it filled in."""
    parts, last = [], 0
    for match in _FIELD.finditer(text):
        parts += [re.escape(text[last : match.start()]), f"(?P<{match.group(1)}>.*?)"]
        last = match.end()
    return re.compile("".join(parts) + re.escape(text[last:]), re.DOTALL)


def _translate(reason: str, into: str) -> str:
    """``reason`` matched against each of :data:`REASONS` (in English when ``into`` is ``"shown"``,
    else translated) and written again in the other form — shown: a :class:`~zhanqun.errors.Message`;
    a reason it does not know stays as it is."""
    for msgid in REASONS:
        match = _pattern(msgid if into == "shown" else _(msgid)).fullmatch(reason)
        if match:
            try:
                return Message(msgid, **match.groupdict()) if into == "shown" else msgid.format(**match.groupdict())
            except (KeyError, IndexError, ValueError):
                continue  # a translation whose fields do not fit: try the others
    return reason


def stored_reason(reason: str) -> str:
    """A reason as the link check gave it (in the build's language), as the file keeps it: in English."""
    return _translate(reason, "stored")


def shown_reason(reason: str) -> str:
    """A reason as the file keeps it, in the language messages are shown in."""
    return _translate(reason, "shown")
