"""Keys: remapping from the config, warnings for mistakes, and the help screen."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual import events

from sly_tui.config import load_config
from sly_tui.ui.binding_ids import DEFAULTS
from sly_tui.ui.forms.stop import StopModal
from sly_tui.ui.keymap import check_keymap, declared_bindings, known_bindings
from sly_tui.ui.screens.help import HelpScreen
from sly_tui.ui.screens.task_list import TaskListScreen

from .helpers import Notes, press, screen_text, settle, wait_for


def write_config(config_dir: Path, text: str) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(text)


def test_every_binding_has_an_id_and_no_swallowed_default_key():
    known = known_bindings()
    assert len(known) > 50
    for binding in known.values():
        for key in binding.keys.split(","):
            assert key not in ("ctrl+s", "ctrl+q", "ctrl+a", "ctrl+enter"), binding.id


def test_the_binding_table_matches_what_the_classes_declare():
    """`binding_ids.py` is generated; a binding added, renamed or rebound makes it stale."""
    declared = {b.id: (b.keys, b.owner) for b in declared_bindings().values()}
    assert declared == DEFAULTS, (
        "sly_tui/ui/binding_ids.py no longer matches the BINDINGS of sly_tui.ui: "
        "regenerate it with `python -m sly_tui.ui.keymap`"
    )


def test_checking_a_keymap_imports_no_screen():
    """The table is all a check needs: a `[keymap]` entry costs no import of the UI."""
    code = (
        "import sys; from sly_tui.ui.keymap import check_keymap; "
        "check_keymap({'task.stop': 'z'}); "
        "print(sorted(m for m in sys.modules if m.startswith(('sly_tui.ui.', 'textual.w'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['sly_tui.ui.binding_ids', 'sly_tui.ui.keymap']"


def test_mistakes_are_named():
    valid, warnings = check_keymap(
        {"task.stopp": "z", "list.search": "ctrl+s", "log.follow": " ", "app.quit": "f"}
    )
    assert valid == {"list.search": "ctrl+s", "app.quit": "f"}
    text = "\n".join(warnings)
    assert "'task.stopp' is not a binding id. Did you mean task.stop" in text
    assert "flow control" in text and "'log.follow' has no key" in text
    assert "'f' is bound to both app.quit and list.status_filter" in text


async def test_remapped_key_works_and_old_one_does_not(make_app, isolated_config: Path):
    write_config(isolated_config, '[keymap]\n"task.stop" = "z"\n"app.help" = "f1"\n')
    app = make_app(team_id=101, workspace_id=201, config=load_config())
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        await press(pilot, "x")
        assert isinstance(app.screen, TaskListScreen)
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "z  Stop" in " ".join(screen_text(pilot).split("│"))


async def test_broken_keymap_warns_and_the_app_works(make_app, isolated_config: Path):
    write_config(isolated_config, '[keymap]\n"nope.nothing" = "z"\n"list.search" = ""\n')
    app = make_app(team_id=101, workspace_id=201, config=load_config())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert any("'nope.nothing' is not a binding id" in w for w in app.warnings)
        assert any("'list.search' has no key" in w for w in app.warnings)
        await pilot.press("slash")  # the default key still searches
        await settle(pilot)
        assert app.screen.query_one("#search").has_focus


async def test_config_typos_are_told_and_the_dashboard_starts(make_app, isolated_config: Path):
    """Every warning of the config (its schema's and the keymap's) reaches the user as a
    notification, and the rest of the file applies."""
    write_config(isolated_config, '[notfy]\nbell = false\n[keymap]\n"task.stopp" = "z"\n')
    config = load_config()
    app, notes = (
        make_app(team_id=101, workspace_id=201, config=config, warnings=config.warnings),
        Notes(),
    )
    async with app.run_test(size=(100, 30), message_hook=notes) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert notes.said("unknown table [notfy] ignored; did you mean [notify]?")
        assert notes.said("[keymap] 'task.stopp' is not a binding id. Did you mean task.stop")


async def test_help_lists_this_view_and_global_keys(make_app):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(pilot)
        for expected in ("This view", "Everywhere", "Status filter", "Mark", "Quit", "Pause"):
            assert expected in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))


@pytest.mark.parametrize("key", ["o", "a", "x", "A", "m"])
async def test_keys_typed_right_after_quit_are_dropped(make_app, emulator, key: str):
    """`q` and a screen key in one read (type-ahead, a paste): the modal the key would open
    must not start mounting while the app shuts down, and the exit stays clean."""
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await wait_for(pilot, lambda: bool(app.screen.table.tasks))
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(key, key))
        await pilot.pause()  # the app is closing: it never settles, and need not
    assert app.return_code == 0


async def test_ctrl_c_copies_a_selection_and_otherwise_quits(make_app, emulator):
    from textual.widgets import Input
    from textual.widgets.input import Selection

    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await pilot.press("slash", "y", "o", "l", "o")
        field = app.screen.query_one("#search", Input)
        await wait_for(pilot, lambda: app.focused is field and field.value == "yolo")
        field.selection = Selection(0, 4)
        await press(pilot, "ctrl+c")
        assert app.is_running and app.clipboard == "yolo"
        field.selection = Selection(4, 4)
        await press(pilot, "ctrl+c")
    assert app.return_code == 0 and not app.is_running


def test_the_readme_keymap_example_loads_without_a_warning(isolated_config: Path):
    """The example a newcomer copies first must not greet them with a warning."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = re.search(r"```toml\n(\[keymap\]\n.*?)```", readme, re.DOTALL)
    assert example, "README.md has no [keymap] example"
    write_config(isolated_config, example.group(1))
    keymap = load_config().keymap
    valid, warnings = check_keymap(keymap)
    assert warnings == [] and valid == dict(keymap)


def test_a_key_shared_by_default_is_no_clash_but_a_new_share_is():
    assert check_keymap({"app.help": "f1,question_mark"}) == ({"app.help": "f1,question_mark"}, [])
    _, warnings = check_keymap({"app.help": "question_mark,p"})
    assert warnings == ["[keymap] 'p' is bound to both app.pause and app.help."]
