"""Debian's headless Chromium for the browser tests: one way to start it, one way to say it is missing.

Without Chromium (or another tool a test names) on a developer's machine the test is skipped with
the command that installs it; with `CI` set it fails instead, so CI never passes by skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL = "install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,900",
]


def require(*paths: Path | str, how: str = INSTALL) -> None:
    """Skip (on a developer's machine) or fail (in CI) unless every path exists, saying how to get them."""
    import pytest

    present = all(os.path.exists(p) for p in (CHROMIUM, CHROMEDRIVER, *paths))
    if not present and not os.environ.get("CI"):
        pytest.skip(f"missing on this machine: {how}; CI installs it and always runs this test")
    assert present, how


@contextlib.contextmanager
def chromium(*extra_flags: str, logs: bool = False) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile, never fetching a browser or a driver."""
    os.environ["SE_OFFLINE"] = "true"  # selenium must never download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    if logs:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    profile = tempfile.mkdtemp(prefix="simgame-chromium-")
    for flag in [*FLAGS, f"--user-data-dir={profile}", *extra_flags]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
