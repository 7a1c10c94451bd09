"""Untrusted text loses every escape sequence and control character, and nothing else."""

from __future__ import annotations

import pytest

from sly_tui.text import clean, one_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain [bold]markup[/] stays", "plain [bold]markup[/] stays"),
        ("\x1b[31mRED\x1b[0m", "RED"),
        ("title\x1b]2;PWNED\x07after", "titleafter"),
        ("osc st\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "osc stlink"),
        ("reset\x1bc!", "reset!"),
        ("c1\x9b31mcsi", "c131mcsi"),
        ("nul\x00bel\x07bs\x08del\x7f", "nulbelbsdel"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("dangling esc\x1b", "dangling esc"),
        ("dcs\x1bPq#0;2;0;0;0\x1b\\end", "dcsend"),
        ("unicode ✓ 日本語", "unicode ✓ 日本語"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_one_line_folds_breaks() -> None:
    assert one_line("a\nb\r\nc\td") == "a b c d"
    assert one_line("fine") == "fine"


def test_a_token_once_wrapped_is_never_shown() -> None:
    from sly_tui.secrets import Secret

    token = "Zq8Lm2Rt5Wx9Kp3Yv7Bn4Hd6Jc1"
    assert clean(f"export API_TOKEN={token}") == f"export API_TOKEN={token}"
    Secret(token)
    assert clean(f"export API_TOKEN={token}") == "export API_TOKEN=********"
    assert one_line(f"a\n{token}\x1b[0m") == "a ********"
    Secret("short")  # too short to blank out safely
    Secret("=" * 40)  # too uniform: progress bars would lose their bars
    assert clean("short words stay " + "=" * 50) == "short words stay " + "=" * 50
