"""How the theme's templates treat a value that does not exist: tested freely, never printed."""

from __future__ import annotations

from jinja2 import Undefined


class PrintedUndefinedIsAnError(Undefined):
    """Jinja's undefined value, which may be tested (``{% if article.author %}``) but never printed.

    Printing one is a template mistake — ``{{ ZQ_SITE.nmae }}`` would leave an empty space on every
    page — so it raises, and the render stage reports it at the template's file and line
    (``template-error``) instead of publishing the gap.
    """

    __slots__ = ()
    __str__ = Undefined._fail_with_undefined_error  # type: ignore[assignment]
