"""``build.py shots``: the page-type map and the command's error paths (no browser needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhanqun.commands import shots
from zhanqun.commands.shots import page_address, representative_pages


def _page(folder: Path, rel: str, classes: str, padding: int = 0) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<html><body class="site-x {classes}">{"字" * padding}</body></html>', encoding="utf-8")


def test_each_page_type_is_represented_by_its_richest_page(tmp_path: Path) -> None:
    _page(tmp_path, "index.html", "page-home")
    _page(tmp_path, "404.html", "page-404")
    _page(tmp_path, "zwdt/index.html", "page-column column-news")
    _page(tmp_path, "zwdt/short.html", "page-item item-news", 10)
    _page(tmp_path, "zwdt/long.html", "page-item item-news", 500)
    _page(tmp_path, "zfwj/a.html", "page-item item-document")
    assert representative_pages(tmp_path) == {
        "home": "",
        "column": "zwdt/",
        "article": "zwdt/long.html",
        "document": "zfwj/a.html",
        "404": "404.html",
    }


def test_pagination_pages_and_pages_without_a_type_are_skipped(tmp_path: Path) -> None:
    _page(tmp_path, "zwdt/page/2/index.html", "page-column column-news", 900)
    _page(tmp_path, "zwdt/index.html", "page-column column-news")
    (tmp_path / "google1234.html").write_text("verification", encoding="utf-8")
    assert representative_pages(tmp_path) == {"column": "zwdt/"}


def test_page_address_drops_index_html() -> None:
    assert page_address("index.html") == ""
    assert page_address("zwdt/index.html") == "zwdt/"
    assert page_address("zwdt/a.html") == "zwdt/a.html"


def test_shots_without_built_output_is_an_error_naming_the_build_command(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal")
    result = repo.run("shots", "--no-build", "--site", "portal")
    assert result.exit_code == 1
    assert "output/preview/portal: no-output: no built site here; run 'python build.py build --site portal'" in result.output


def test_shots_stop_at_build_errors_without_screenshots(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal", extra='[theme]\nprimary = "#ffcc00"\n')
    result = repo.run("shots")
    assert result.exit_code == 1
    assert "low-contrast" in result.output and not (repo.root / "output" / "shots").exists()


def test_shots_without_a_browser_is_an_error_saying_what_to_install(repo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def unavailable() -> None:
        raise shots.BrowserUnavailable(f"no chromium found ({shots.INSTALL_HINT})")

    monkeypatch.setattr(shots, "start_playwright", unavailable)
    repo.site("portal", "兴安盟行政公署", kind="portal")
    repo.write("content/portal/zwdt/a.md", "Title: 标题\nDate: 2026-03-01\n\n正文。\n")
    result = repo.run("shots")
    assert result.exit_code == 1
    assert "chromium: no-browser: no chromium found (apt-get install -y chromium fonts-noto-cjk" in result.output
