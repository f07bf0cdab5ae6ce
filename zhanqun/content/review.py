"""The review gate (先审后发): on sites that require it, nothing is published unreviewed.

Government offices publish after three readings — author, reviewer (审核), approver (签发).
A site that sets ``[publishing] require_review = true`` refuses every item it would publish
(its own, and copies syndicated into it) that lacks ``Reviewed-By`` or ``Approved-By``, or
whose approver is its reviewer. The names are a record for the office: ``render/stage.py`` drops them,
so they never reach any output.
"""

from __future__ import annotations

from ..config.sites import Cluster
from ..errors import Problems
from ..i18n import _
from .index import ContentIndex, Item

REVIEW_KEYS = ("Reviewed-By", "Approved-By")


def _missing(item: Item) -> list[str]:
    return [key for key in REVIEW_KEYS if not item.meta.get(key, "").strip()]


def check_review(index: ContentIndex, cluster: Cluster, problems: Problems) -> None:
    """Located errors for published items of review-requiring sites without a full review record."""
    requiring = {site.id for site in cluster.sites if site.publishing.require_review}
    if not requiring:
        return
    for item in index.items:
        if item.is_draft:
            continue  # drafts are never built; they are reviewed when they are published
        sites = [s for s in (item.site, *item.syndicate) if s in requiring]
        if not sites:
            continue
        line = item.line_of("Title") or 1
        missing = _missing(item)
        if missing:
            quoted = [f"'{key}:'" for key in missing]
            names = _("{first} and {second}").format(first=quoted[0], second=quoted[1]) if len(quoted) == 2 else quoted[0]
            if sites[0] != item.site:
                message = _(
                    "site '{site}' publishes only reviewed items (require_review): add {names} with the names of the reviewer (审核) and approver (签发), or set 'Status: draft'"
                ).format(site=sites[0], names=names)
            else:
                message = _(
                    "this site publishes only reviewed items (require_review): add {names} with the names of the reviewer (审核) and approver (签发), or set 'Status: draft'"
                ).format(names=names)
            problems.add(item.source, line, "missing-review", message)
        elif item.meta["Reviewed-By"].strip() == item.meta["Approved-By"].strip():
            problems.add(
                item.source,
                item.line_of("Approved-By"),
                "review-same-person",
                _("Approved-By names the reviewer again; the approver (签发) must be another person than the reviewer (审核)"),
            )
