"""``site.footer.sponsor`` in a template without an exception per dot.

The shared theme reads the site file, the cluster navigation and the columns as ``name.key`` on
plain dicts (``ZQ_SITE``, ``ZQ_CLUSTER_NAV`` …), some three hundred times a page. Jinja's
``Environment.getattr`` tries the attribute first: on a dict that raises ``AttributeError`` for
every key, and only then reads the item. Counted on one site of the bench corpus, 210,000 of its
reads went that way, and Jinja's ``getattr`` was the largest single function of a cold build's
rendering (py-spy, about a seventh of Pelican's time). :class:`DictKeysFirst` answers exactly
what Jinja answers: a plain dict has no attributes but its class's methods, so for any other
name the attribute read is known to fail before it is tried. Objects that cannot be indexed
(Pelican's ``Article`` asked for a header it lacks) skip the item read, which would raise too.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

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
