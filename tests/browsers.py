"""The chromium the browser suites share: started once per test module, skipped (failed under CI=true) when absent."""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from zhanqun.commands.shots import BrowserUnavailable, launch_browser, start_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        driver = start_playwright()
    except BrowserUnavailable as exc:
        _missing(str(exc))
    try:
        try:
            chromium = launch_browser(driver)
        except BrowserUnavailable as exc:
            _missing(str(exc))
        yield chromium
        chromium.close()
    finally:
        driver.stop()


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs the browser: {reason}", pytrace=False)
    pytest.skip(f"browser tests need chromium and playwright: {reason}")
