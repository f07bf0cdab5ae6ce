"""中文 ↔ 蒙古文: an edition's page names the Chinese page it translates; both link to each other.

Only the translation says so (``Translation-Of: site:portal/zwdt/x.md``), like an interpretation
names its document; the reverse links are computed here from the whole cluster for the target,
so neither side can go stale. A Chinese page without a translation links to the edition's home,
never to a page that does not exist; a page of an edition without ``Translation-Of`` links to the
Chinese site's home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..config.sites import Site
from ..content.index import Item
from ..errors import Problems
from ..i18n import _
from ..links.addresses import AddressMap
from ..links.resolve import LinkResolver

#: How each language names itself on the switch, in its own script.
LANGUAGE_NAMES = {"zh-CN": "中文", "mn-Mong": "ᠮᠣᠩᠭᠣᠯ"}
#: What a Chinese page calls an edition on its switch: in Chinese, as www.nmg.gov.cn does (蒙古文版),
#: since a Chinese page does not load the Mongolian font and a reader's computer may have none.
CHINESE_NAMES = {"mn-Mong": "蒙古文版"}
_SITE_REF_RE = re.compile(r"^site:(?P<site>[^/\s]+)/(?P<rel>\S+)$")


def translated_source(item: Item) -> tuple[str, str] | None:
    """(site, path under content/<site>/) that ``Translation-Of`` names, as written; None if none."""
    match = _SITE_REF_RE.match(item.meta.get("Translation-Of", "").strip())
    return (match["site"], match["rel"]) if match else None


@dataclass
class Translations:
    """Which Chinese item each translation renders, and the reverse (per edition)."""

    original_of: dict[str, Item] = field(default_factory=dict)  # translation source → Chinese item
    of_original: dict[str, list[Item]] = field(default_factory=dict)  # Chinese source → translations


def link_translations(addresses: AddressMap, resolver: LinkResolver, problems: Problems) -> Translations:
    """Resolve every ``Translation-Of`` of a rendered item; a wrong one is an error on its line.

    The resolver gives the did-you-mean for a page that does not exist and refuses a public page
    naming an internal or draft one (it would link to a page the target does not publish).
    """
    found = Translations()
    cluster = addresses.cluster
    seen: dict[tuple[str, str], Item] = {}
    for item in sorted(addresses.index.items, key=lambda i: i.source):
        ref = item.meta.get("Translation-Of", "").strip()
        if not ref or not addresses.renders(item):
            continue
        line = item.line_of("Translation-Of")
        site = cluster[item.site]
        if site.edition_of is None:
            editions = ", ".join(s.id for s in cluster.editions_of(site.id)) or _("none")
            problems.add(
                item.source, line, "bad-translation",
                _("Translation-Of: {site} is a Chinese site; only an edition's items name the Chinese page they translate (editions of {site}: {editions})").format(site=site.id, editions=editions),
            )
            continue
        named = translated_source(item)
        if named is None:
            problems.add(
                item.source, line, "bad-translation",
                _("Translation-Of: {ref!r} must name the Chinese page as site:{site}/<column>/<file>.md").format(ref=ref, site=site.edition_of),
            )
            continue
        if named[0] != site.edition_of:
            problems.add(
                item.source, line, "bad-translation",
                _("Translation-Of: {site} is an edition of {original}; name a page of {original}, e.g. site:{original}/{rel}").format(site=site.id, original=site.edition_of, rel=named[1]),
            )
            continue
        resolution = resolver.resolve(ref, item)
        if resolution.error:
            problems.add(item.source, line, resolution.code, _("Translation-Of: {error}").format(error=resolution.error))
            continue
        target = resolution.target
        if target is None:
            continue  # a file whose header cannot be read (its own errors are reported), or a column
        if target.is_internal and not item.is_internal:
            problems.add(
                item.source, line, "bad-translation",
                _("Translation-Of: {source} is internal (Visibility: internal) but this translation is public; mark it internal too, or publish the Chinese page").format(source=target.source),
            )
            continue
        key = (item.site, target.source)
        if key in seen:
            problems.add(
                item.source, line, "duplicate-translation",
                _("Translation-Of: {source} is already translated by {other}; an edition has one page per Chinese page").format(source=target.source, other=seen[key].source),
            )
            continue
        seen[key] = item
        found.original_of[item.source] = target
        found.of_original.setdefault(target.source, []).append(item)
    return found


def _switch(site: Site, url: str, exact: bool, here: str) -> dict[str, Any]:
    """One entry of the switch of a page in language ``here``: the other language's name, in its own
    script where the page can show it (``name_lang``), and the address."""
    if here == "zh-CN" and site.lang in CHINESE_NAMES:
        name, name_lang = CHINESE_NAMES[site.lang], here
    else:
        name, name_lang = LANGUAGE_NAMES.get(site.lang, site.lang), site.lang
    return {"lang": site.lang, "name": name, "name_lang": name_lang, "url": url, "exact": exact}


def site_alternates(site_id: str, addresses: AddressMap) -> list[dict[str, Any]]:
    """The language switch of a site's generated pages (home, columns): the other editions' homes."""
    cluster = addresses.cluster
    original = cluster.original(site_id)
    family = [original, *cluster.editions_of(original.id)]
    here = cluster[site_id].lang
    return [_switch(s, addresses.site_url(s.id), False, here) for s in family if s.id != site_id]


def item_alternates(translations: Translations, site_id: str, addresses: AddressMap) -> dict[str, list[dict[str, Any]]]:
    """Per source path of every item ``site_id`` renders: the same page in the other languages
    (``exact``), or the other edition's home where it has no such page."""
    cluster = addresses.cluster
    site = cluster[site_id]
    homes = {entry["lang"]: entry for entry in site_alternates(site_id, addresses)}
    if not homes:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for item in addresses.items_of(site_id):
        exact: dict[str, dict[str, Any]] = {}
        original = translations.original_of.get(item.source)
        if original is not None and addresses.renders(original):
            exact[cluster[original.site].lang] = _switch(cluster[original.site], addresses.item_url(original), True, site.lang)
        for translation in translations.of_original.get(item.source, []):
            if addresses.renders(translation):
                exact[cluster[translation.site].lang] = _switch(cluster[translation.site], addresses.item_url(translation), True, site.lang)
        found[item.source] = [exact.get(lang, home) for lang, home in homes.items()]
    return found
