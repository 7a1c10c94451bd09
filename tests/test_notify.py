"""The bytes that ring the bell and raise desktop notifications, and the `[notify]` table."""

from __future__ import annotations

from sly_tui.notify import MAX_TEXT, NotifySettings, clean, ending_sentence, terminal_text

ALL_ON = NotifySettings()


def test_bell_then_osc9_then_osc777() -> None:
    text = terminal_text(ALL_ON, "sly-tui", "Task 7 train: finished", tmux=False)
    assert text == (
        "\a\x1b]9;sly-tui: Task 7 train: finished\a\x1b]777;notify;sly-tui;Task 7 train: finished\a"
    )


def test_inside_tmux_each_osc_is_passed_through_with_its_escs_doubled() -> None:
    text = terminal_text(ALL_ON, "t", "b", tmux=True)
    assert text == "\a\x1bPtmux;\x1b\x1b]9;t: b\a\x1b\\\x1bPtmux;\x1b\x1b]777;notify;t;b\a\x1b\\"


def test_each_part_switches_off() -> None:
    assert terminal_text(NotifySettings(bell=False, osc777=False), "t", "b", tmux=False) == (
        "\x1b]9;t: b\a"
    )
    assert terminal_text(NotifySettings(bell=False, osc9=False), "t", "b", tmux=False) == (
        "\x1b]777;notify;t;b\a"
    )
    nothing = NotifySettings(bell=False, osc9=False, osc777=False)
    assert terminal_text(nothing, "t", "b", tmux=False) == ""


def test_hostile_names_cannot_end_or_shift_the_sequence() -> None:
    hostile = "a\x1b]0;pwned\a\x07b;c\x9bd\nnext\u202eline"
    cleaned = clean(hostile)
    assert cleaned == "a ]0,pwned b,c d next line"
    text = terminal_text(ALL_ON, "x;y", hostile, tmux=False)
    assert text.count("\x1b") == 2 and text.count("\a") == 3
    assert "\x1b]777;notify;x,y;a ]0,pwned b,c d next line\a" in text


def test_long_names_are_cut() -> None:
    assert len(clean("n" * 1000)) == MAX_TEXT
    assert clean("n" * 1000).endswith("…")


def test_ending_sentence() -> None:
    assert ending_sentence(7, "train\x1b yolo", "finished") == "Task 7 train yolo: finished"
    assert ending_sentence(7, "", "error") == "Task 7: error"


def test_settings_from_table_keep_defaults_for_mistakes() -> None:
    settings, warnings = NotifySettings.from_table(
        {"bell": False, "mine": True, "osc9": "yes", "sound": True}, "config.toml [notify]"
    )
    assert settings == NotifySettings(bell=False, mine=True)
    assert warnings == ["config.toml [notify] osc9 must be true or false; the default is used."]
