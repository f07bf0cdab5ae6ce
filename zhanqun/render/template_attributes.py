"""``site.footer.sponsor`` in a template without an exception per dot, and a template found
missing once not looked for again.

The shared theme reads the site file, the cluster navigation and the columns as ``name.key`` on
plain dicts (``ZQ_SITE``, ``ZQ_CLUSTER_NAV`` …), some three hundred times a page. Jinja's
``Environment.getattr`` tries the attribute first: on a dict that raises ``AttributeError`` for
every key, and only then reads the item. Counted on one site of the bench corpus, 210,000 of its
reads went that way, and Jinja's ``getattr`` was the largest single function of a cold build's
rendering (py-spy, about a seventh of Pelican's time). :class:`DictKeysFirst` answers exactly
what Jinja answers: a plain dict has no attributes but its class's methods, so for any other
name the attribute read is known to fail before it is tried. Objects that cannot be indexed
(Pelican's ``Article`` asked for a header it lacks) skip the item read, which would raise too.

The theme picks an item's layout by its column's type, ``{% include ["items/" ~ type ~ ".html",
"items/default.html"] %}``, and most types have none of their own. Jinja keeps the templates it
found, not the names it did not: every page searched every theme folder again for the missing
one (about 5 % of a cold build's template time). :class:`RemembersMissing` keeps those names for
the rendering process's one run, in which no template appears (``auto_reload`` is off too).
"""

from __future__ import annotations

from typing import Any

from jinja2 import BaseLoader, Environment, Template, TemplateNotFound

#: Every attribute a plain dict has (its class's); ``getattr`` finds no other on one.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class DictKeysFirst(Environment):
    """Pelican's Jinja environment, with :meth:`getattr` skipping the reads known to fail."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        if not isinstance(obj, type) and not hasattr(type(obj), "__getitem__"):
            return self.undefined(obj=obj, name=attribute)
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def read_keys_first(env: Environment) -> None:
    """Make Pelican's environment (made by Pelican, of Jinja's own class) a :class:`DictKeysFirst`.
    Any other class (a sandbox, say) is left as it is: its ``getattr`` may check more."""
    if type(env) is Environment:
        env.__class__ = DictKeysFirst


class RemembersMissing(BaseLoader):
    """A loader that answers ``TemplateNotFound`` at once for a name its inner loader did not have."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner
        self.missing: set[str] = set()
        self.has_source_access = inner.has_source_access

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        if template in self.missing:
            raise TemplateNotFound(template)
        try:
            return self.inner.get_source(environment, template)
        except TemplateNotFound:
            self.missing.add(template)
            raise

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()

    def __getattr__(self, name: str) -> Any:  # the inner loader's own (``loaders``, ``searchpath``)
        if name == "inner":  # not set yet (a copy being made): never ask itself
            raise AttributeError(name)
        return getattr(self.inner, name)

    def load(self, environment: Environment, name: str, globals: Any = None) -> Template:
        if name in self.missing:
            raise TemplateNotFound(name)
        try:
            return self.inner.load(environment, name, globals)
        except TemplateNotFound as exc:
            if exc.name == name:  # not a template it loaded, asking for another
                self.missing.add(name)
            raise


def remember_missing_templates(env: Environment) -> None:
    """Wrap ``env``'s loader in :class:`RemembersMissing`, before any template is loaded (Jinja
    keeps loaded templates by loader)."""
    if env.loader is not None and not isinstance(env.loader, RemembersMissing):
        env.loader = RemembersMissing(env.loader)
