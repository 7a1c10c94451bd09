"""The state file: watched tasks per server, selections per profile, tolerant reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui.state import (
    load_profile_selection,
    load_selection,
    load_watched,
    save_profile_selection,
    save_selection,
    save_watched,
    state_file,
)


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path))


def test_watched_tasks_are_kept_per_server_in_a_private_file() -> None:
    save_watched("sly.example.com/", {12, 3})
    save_watched("http://other.example", {7})
    assert load_watched("http://sly.example.com") == {3, 12}
    assert load_watched("http://other.example") == {7}
    assert state_file().stat().st_mode & 0o777 == 0o600
    save_watched("http://sly.example.com", set())
    assert load_watched("http://sly.example.com") == set()
    assert load_watched("http://other.example") == {7}


def test_each_profile_keeps_its_own_workspace_beside_the_server_s() -> None:
    save_selection("http://sly.example.com", 1, 2)
    save_profile_selection("work", 8, 15)
    save_profile_selection("staging", 8, 16)
    assert load_profile_selection("work") == (8, 15)
    assert load_profile_selection("staging") == (8, 16)
    assert load_profile_selection("other") is None
    assert load_selection("http://sly.example.com") == (1, 2)


def test_a_mangled_state_file_is_forgotten_not_fatal() -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text('watched = 3\nprofiles = "x"\n[servers]\n"http://a" = [1]\n')
    assert load_watched("http://a") == set()
    assert load_profile_selection("work") is None
    assert load_selection("http://a") is None
    save_watched("http://a", {True, 5})  # a bool is no task id
    assert load_watched("http://a") == {5}
