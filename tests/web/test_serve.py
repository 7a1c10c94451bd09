"""`sly-tui serve`: the dashboard in a real headless browser (Debian's chromium and
chromedriver, driven by selenium), and the refusals that need no browser.

xterm.js draws the terminal on a canvas, so the page holds no text to read: a script put
in the page before its own wraps `WebSocket` and keeps what the dashboard sends (the
terminal's bytes, decoded), which is what the checks read, ANSI sequences removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sly_tui.cli import main
from sly_tui.web import dashboard_command, is_loopback

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DEADLINE = 90.0  # seconds; reached only when the condition will never hold

# Keeps what the page's websockets receive, as text, in `window.__slyText`.
CAPTURE = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__slyText = "";
  function Capturing(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) {
        window.__slyText += decoder.decode(new Uint8Array(event.data), {stream: true});
      }
    });
    return socket;
  }
  Capturing.prototype = Native.prototype;
  Object.assign(Capturing, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Capturing;
})();
"""
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path / "config"))


def test_a_host_beyond_loopback_is_refused_without_public(capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sly-tui: Serving on '0.0.0.0' would let anyone")
    assert "--public" in err


def test_a_config_mistake_is_told_before_serving(capsys) -> None:
    assert main(["serve", "--profile", "nowhere", "--port", "0"]) == 2
    assert capsys.readouterr().err.startswith("sly-tui: No profile named 'nowhere'")


def test_loopback_names() -> None:
    assert all(map(is_loopback, ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "10.0.0.5", "::", "example.com")))


def test_the_token_stays_off_the_dashboards_command_line() -> None:
    from sly_tui.cli import build_parser

    args = build_parser().parse_args(
        ["serve", "--server", "http://sly.example", "--token", "s3cret", "--workspace", "7"]
    )
    command = dashboard_command(args)
    assert command[1:] == ["-m", "sly_tui", "--server=http://sly.example", "--workspace=7"]
    assert not any("s3cret" in part for part in command)


# --- in a browser -------------------------------------------------------------------------


def wait_for(what: str, predicate: Callable[[], object]) -> None:
    give_up = time.monotonic() + DEADLINE
    while not predicate():
        if time.monotonic() > give_up:
            raise AssertionError(f"{what} within {DEADLINE:.0f} s")
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`sly-tui serve --demo --port 0` in its own process group; its address."""
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "SLY_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "TZ": "UTC",
    }
    for name in ("SERVER_ADDRESS", "API_TOKEN", "TEAM_ID", "WORKSPACE_ID", "TMUX"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "sly_tui", "serve", "--demo", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # the dashboards it starts share its process group
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(DEADLINE), "sly-tui serve printed no address"
        line = process.stdout.readline().decode()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, f"no address in {line!r}"
        yield found.group()
    finally:
        with_group(process, signal.SIGTERM)  # serve ends its tabs' dashboards, then itself
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        with_group(process, signal.SIGKILL)  # whatever of the group is left
        process.wait()


def with_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


@pytest.fixture
def browser() -> Iterator[object]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(
            "chromium and chromedriver are not installed (apt-get install -y chromium "
            "chromium-driver): the browser test of sly-tui serve is skipped"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
    ):
        options.add_argument(argument)
    options.page_load_strategy = "eager"  # the page's web font is out of reach offline
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        yield driver
    finally:
        driver.quit()


def shown_text(driver) -> str:
    return ANSI.sub("", driver.execute_script("return window.__slyText || ''"))


def test_the_page_shows_the_task_list_and_a_key_opens_a_task(browser, served) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(served)
    wait_for("the page's terminal", lambda: driver.find_elements(By.CSS_SELECTOR, ".xterm"))
    wait_for("the task list", lambda: "NAME / APP" in shown_text(driver))
    wait_for("the demo's tasks", lambda: "train-resnet50-long" in shown_text(driver))
    assert "Demo Team / Main" in shown_text(driver)
    before = len(shown_text(driver))
    driver.find_element(By.CSS_SELECTOR, ".xterm").click()
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for("a task's detail view", lambda: "Overview" in shown_text(driver)[before:])
    assert "Logs" in shown_text(driver)[before:]
