"""The projector in a real headless Chromium at 1280x720 and 1920x1080: measured, not only looked at.

Each screenshot is checked by the test: nothing overflows the window sideways, the longest
option's text is whole and inside the window, the type is large, the QR code's pixels are the
modules of the join URL's QR code, the page updates without reloading, and no name appears.
Set SIMGAME_DOC_IMAGES=1 to also save the screenshots under docs/images/ for the guide.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By

from simgame.cohort.projectorpage import MIN_FONT_PX
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from tests.chromium import chromium, require
from tests.cohort.hubsupport import HubProcess, free_port, wait_for
from tests.cohort.test_projector_state import LONG, long_scenario, play

SIZES = [(1280, 720), (1920, 1080)]
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
NAMES = [f"Zelda{i}" for i in range(16)]
DOC_SHOTS = ("projector-lobby-1280x720.png", "projector-decision-1280x720.png", "projector-debrief-1920x1080.png")


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    require()
    with chromium("--hide-scrollbars", "--force-device-scale-factor=1") as driver:
        yield driver


def viewport(driver: webdriver.Chrome, width: int, height: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    wait_for(lambda: driver.execute_script("return [innerWidth, innerHeight]") == [width, height], 10, "the size")
    driver.execute_script("window.dispatchEvent(new Event('resize'))")


def updated(driver: webdriver.Chrome, after: int) -> bool:
    return int(driver.execute_script("return Number(document.body.dataset.updates || 0)")) > after


def updates(driver: webdriver.Chrome) -> int:
    return int(driver.execute_script("return Number(document.body.dataset.updates || 0)"))


OVERFLOW = """
var w = window.innerWidth, bad = [];
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.width && (r.left < -0.5 || r.right > w + 0.5)) { bad.push(e.tagName + '.' + e.className + ' ' + r.right); }
});
if (document.documentElement.scrollWidth > w) { bad.push('page ' + document.documentElement.scrollWidth); }
return bad;
"""

WHOLE = """
var e = arguments[0], r = e.getBoundingClientRect();
return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, text: e.textContent,
        clipped: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
        font: parseFloat(getComputedStyle(e).fontSize), visible: getComputedStyle(e).visibility,
        w: innerWidth, h: innerHeight};
"""


def check_layout(driver: webdriver.Chrome) -> None:
    assert driver.execute_script(OVERFLOW) == []
    labels = driver.find_elements(By.CSS_SELECTOR, "#decision .label")
    assert labels, "no option on the wall"
    longest = max(labels, key=lambda e: len(e.text))
    got = driver.execute_script(WHOLE, longest)
    assert got["text"] == LONG  # the whole label, never cut
    assert not got["clipped"] and got["visible"] == "visible"
    assert got["top"] >= 0 and got["left"] >= 0 and got["bottom"] <= got["h"] and got["right"] <= got["w"]
    assert got["font"] >= MIN_FONT_PX
    shares = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#decision .share")]
    assert "50%" in shares


def qr_matches(driver: webdriver.Chrome, url: str) -> bool:
    """Sample the centre of every module of the QR code on screen; compare with the QR code of ``url``."""
    svg = driver.find_element(By.CSS_SELECTOR, "#join .qr svg")
    png = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("L")
    rect = driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", svg)
    matrix = segno.make(url, error="m", micro=False).matrix
    modules = len(matrix) + 8  # four light modules of border on each side
    size = rect[2] / modules
    assert size >= 3, f"QR modules of {size:.1f} px are too small to scan"
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            px = png.getpixel((int(rect[0] + (x + 4.5) * size), int(rect[1] + (y + 4.5) * size)))
            assert isinstance(px, int)
            if (px < 128) != bool(dark):
                return False
    return True


def test_the_projector_on_the_wall(browser: webdriver.Chrome, store: SqliteStore, tmp_path: Path) -> None:
    cohort, key = create(store, str(long_scenario(tmp_path)), "Wall test", "free")
    port = free_port()
    hub = HubProcess(cohort.code, store.path, port, tmp_path / "hub.log").start()
    url = f"http://127.0.0.1:{port}/?code={cohort.code}"
    shots = tmp_path / "shots"
    shots.mkdir()
    try:
        browser.get(f"{hub.url}/projector")
        assert "Facilitator key" in browser.page_source
        browser.find_element(By.NAME, "key").send_keys(key + "\n")
        wait_for(lambda: updated(browser, 0), 30, "the projector's first update")
        browser.execute_script("window.notReloaded = true")
        for width, height in SIZES:  # the lobby: the QR code, large
            viewport(browser, width, height)
            assert browser.execute_script(OVERFLOW) == []
            assert qr_matches(browser, url), "the QR code on the wall is not the join URL's"
            assert browser.find_element(By.CLASS_NAME, "lobby-url").text == url
            browser.save_screenshot(str(shots / f"projector-lobby-{width}x{height}.png"))

        seen = updates(browser)
        play(store, cohort, [(NAMES[i], ["name-owner"]) for i in range(5)], finish=False)
        play(store, cohort, [(NAMES[i], ["scale-now"]) for i in range(5, 10)], finish=False)
        wait_for(
            lambda: (
                updated(browser, seen)
                and "view-decision" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
            ),
            30,
            "the split to arrive on the wall",
        )
        wait_for(lambda: "50%" in browser.find_element(By.ID, "scenes").text, 10, "the split")
        assert browser.execute_script("return window.notReloaded === true")  # updated in place
        for width, height in SIZES:
            viewport(browser, width, height)
            check_layout(browser)
            assert qr_matches(browser, url)
            browser.save_screenshot(str(shots / f"projector-decision-{width}x{height}.png"))

        seen = updates(browser)
        from simgame.cohort import pacing

        play(store, cohort, [(f"Zelda{i}", ["name-owner", "measure"]) for i in range(10, 16)])
        pacing.close(store, store.cohort(cohort.code), "2026-12-07T10:00:00+00:00")
        wait_for(
            lambda: "view-debrief" in browser.find_element(By.TAG_NAME, "body").get_attribute("class"),
            30,
            "the debrief on the wall",
        )
        wait_for(lambda: "Reactions" in browser.find_element(By.ID, "hotwash").text, 60, "the hot wash")
        for width, height in SIZES:
            viewport(browser, width, height)
            assert browser.execute_script(OVERFLOW) == []
            browser.save_screenshot(str(shots / f"projector-debrief-{width}x{height}.png"))
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "Walk through the room's endings" in text and "16 joined · 6 finished" in text
        chart = browser.find_element(By.ID, "endings").text
        assert "Scaled well\n6" in chart or "Muddling through\n6" in chart, chart
        assert len(browser.find_elements(By.CSS_SELECTOR, "#histogram .histogram div")) == 10
        assert not any(name in browser.page_source for name in NAMES)
        assert browser.execute_script("return window.notReloaded === true")
    except AssertionError as exc:
        browser.save_screenshot(str(tmp_path / "failed.png"))
        log = (tmp_path / "hub.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"{exc}\n(screenshots: {tmp_path})\nhub log:\n{log}") from None
    finally:
        hub.stop()
    for shot in shots.iterdir():  # every screenshot is the size it claims
        with Image.open(shot) as img:
            assert f"{img.width}x{img.height}" in shot.name
    if os.environ.get("SIMGAME_DOC_IMAGES"):
        DOC_IMAGES.mkdir(exist_ok=True)
        for name in DOC_SHOTS:
            shutil.copy(shots / name, DOC_IMAGES / name)
