"""相关信息 on an item's page: computed once per site (``pelican_plugin.add_related``), the same
list the old template filter gave — the newest listed items of the same column, itself left out."""

from __future__ import annotations

from types import SimpleNamespace

from zhanqun.render.pelican_plugin import RELATED_ITEMS, add_related


def _item(column: str, n: int) -> SimpleNamespace:
    return SimpleNamespace(category=SimpleNamespace(slug=column), url=f"{column}/a{n}.html")


def _generator(articles: list, hidden: list | None = None) -> SimpleNamespace:
    # a site with a plugin of its own: pin_addresses leaves these stand-ins' urls alone
    settings = {"PLUGINS": ["zhanqun.render.pelican_plugin", "site_plugin"]}
    return SimpleNamespace(articles=articles, translations=[], hidden_articles=hidden or [], hidden_translations=[], settings=settings)


def _template_filter(article: SimpleNamespace, articles: list) -> list:
    """What ``articles | selectattr(category) | rejectattr(url) | list)[:5]`` computed per page."""
    return [a for a in articles if a.category.slug == article.category.slug and a.url != article.url][:RELATED_ITEMS]


def test_related_items_are_what_the_template_filter_gave() -> None:
    articles = [_item("zwdt" if n % 3 else "tzgg", n) for n in range(40)]
    hidden = [_item("zwdt", 100)]
    add_related(_generator(articles, hidden))
    for article in articles + hidden:
        assert article.zq_related == _template_filter(article, articles)
    assert hidden[0] not in articles[1].zq_related  # a hidden item is never listed


def test_an_item_alone_in_its_column_has_no_related_items() -> None:
    alone, other = _item("zcjd", 1), _item("zwdt", 2)
    add_related(_generator([alone, other]))
    assert alone.zq_related == [] and other.zq_related == []


def test_the_item_itself_is_left_out_and_the_list_stays_full() -> None:
    articles = [_item("zwdt", n) for n in range(RELATED_ITEMS + 3)]
    add_related(_generator(articles))
    assert articles[0].zq_related == articles[1 : RELATED_ITEMS + 1]
    assert articles[-1].zq_related == articles[:RELATED_ITEMS]
