"""A real headless Chromium (Debian's, driven through the system chromedriver) joins through the hub and decides."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from simgame.cohort.events import CHOSE
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from tests.chromium import chromium, require
from tests.cohort.hubsupport import HubProcess, free_port, wait_for

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    require()
    with chromium(logs=True) as driver:  # the performance log is how a test reads the game's screen
        yield driver


def test_a_browser_player_joins_and_makes_a_decision(
    browser: webdriver.Chrome, store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = HubProcess(cohort.code, store.path, free_port(), tmp_path / "hub.log").start()
    try:
        _play_one_decision(browser, hub, store, cohort)
    except AssertionError as exc:
        browser.save_screenshot(str(tmp_path / "browser.png"))
        log = (tmp_path / "hub.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"{exc}\n(screenshot: {tmp_path / 'browser.png'})\nhub log:\n{log}") from None
    finally:
        hub.stop()
    (player,) = store.players(cohort.code)
    assert player.origin == "browser"
    (chose,) = [e for e in store.events(cohort.code) if e.kind == CHOSE]
    assert chose.player == player.id and chose.step == 0 and chose.data["choice"] == "name-owner"


class Screen:
    """What the game drew, read from the websocket frames Chromium received (DevTools performance log).

    The terminal is a canvas, so its text is not in the page; the frames carry it.
    """

    def __init__(self, browser: webdriver.Chrome) -> None:
        self.browser = browser
        self.text = ""
        self.columns = 0  # the terminal's width the page last sent (0: none seen yet)

    def shows(self, words: str) -> bool:
        for entry in self.browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.webSocketFrameSent":
                sent = message["params"]["response"]["payloadData"]
                if sent.startswith('["resize"'):  # the terminal's size, as the page tells the game
                    self.columns = int(json.loads(sent)[1]["width"])
            if message.get("method") != "Network.webSocketFrameReceived":
                continue
            frame = message["params"]["response"]
            data = frame["payloadData"]
            if frame.get("opcode") == 2:
                data = base64.b64decode(data).decode("utf-8", "replace")
            self.text += ANSI.sub("", data)
        return words in self.text


def _key_for(cohort: Cohort, player_id: str, choice_id: str) -> str:
    """The number this player sees for a choice: each player has their own option order."""
    from simgame.cohort.sessions import scenario_of
    from simgame.engine.run import Run

    run = Run.start(scenario_of(cohort), cohort.seed, order_key=player_id)
    return str(next(o.number for o in run.options() if o.id == choice_id))


def _play_one_decision(browser: webdriver.Chrome, hub: HubProcess, store: SqliteStore, cohort: Cohort) -> None:
    """Join with the code form, type a name in the game, press a number: as a person at a laptop would."""
    browser.get(f"{hub.url}/")  # no code: a form asks for it, and nothing is spawned
    assert "Join the session" in browser.page_source
    browser.find_element(By.NAME, "code").send_keys(cohort.code.lower() + "\n")
    screen = Screen(browser)
    wait_for(lambda: screen.shows("Your name"), 60, "the game to ask for a name in the browser")
    keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
    keys.send_keys("Browser Bea\n")
    wait_for(lambda: any(p.name == "Browser Bea" for p in store.players(cohort.code)), 30, "the player to join")
    wait_for(lambda: screen.shows("Scale to every region"), 30, "the first decision on screen")
    (player,) = store.players(cohort.code)
    keys.send_keys(_key_for(cohort, player.id, "name-owner"))
    wait_for(lambda: any(e.kind == CHOSE for e in store.events(cohort.code)), 30, "the decision to be stored")


def test_after_a_hub_restart_the_browser_says_the_game_is_saved_and_resumes_it(
    browser: webdriver.Chrome, store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    port = free_port()
    hub = HubProcess(cohort.code, store.path, port, tmp_path / "hub.log").start()
    try:
        _play_one_decision(browser, hub, store, cohort)
        hub.stop()
        resume = browser.find_element(By.ID, "simgame-resume")
        wait_for(resume.is_displayed, 30, "the page to notice the hub has gone")
        dialog = browser.find_element(By.CSS_SELECTOR, ".closed-dialog").text
        assert "Your game is saved" in dialog and "Resume" in dialog and "Session ended" not in dialog
        resume.click()  # the hub is still down: the page says so and keeps trying
        status = browser.find_element(By.ID, "simgame-resume-wait")
        wait_for(lambda: "not back yet" in status.text, 30, "the page to say the session is not back")
        hub = HubProcess(cohort.code, store.path, port, tmp_path / "hub.log").start()
        screen = Screen(browser)
        # The page reconnects by itself, and the browser's device is known: no name to type again, only
        # a check that it is the same person (a shared laptop may have someone else at it).
        wait_for(lambda: screen.shows("Is that you?"), 60, "the game to recognise the browser")
        browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys("y")
        wait_for(lambda: screen.shows("Welcome back, Browser Bea"), 60, "the game to resume where it was")
        assert "Your name" not in screen.text
    except AssertionError as exc:
        browser.save_screenshot(str(tmp_path / "browser.png"))
        log = (tmp_path / "hub.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"{exc}\n(screenshot: {tmp_path / 'browser.png'})\nhub log:\n{log}") from None
    finally:
        hub.stop()
    (player,) = store.players(cohort.code)
    (chose,) = [e for e in store.events(cohort.code) if e.kind == CHOSE]  # resumed, not replayed twice
    assert chose.player == player.id and chose.data["choice"] == "name-owner"
