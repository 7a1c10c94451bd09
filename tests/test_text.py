"""Untrusted text loses every escape sequence and control character, and nothing else."""

from __future__ import annotations

import pytest

from sly_tui.text import clean, one_line, redacted


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


KEY = "Hx4Qp9Lz2Wm7Rc5Tn8Vb3Kd6Yf1Gs0Ja" * 4  # 128 characters like a real token

SPLITS = {
    "esc": "\x1b[0m",
    "nul": "\x00",
    "bidi": "\u202e",
    "c1": "\x9b",
    "osc": "\x1b]0;title\x07",
    "osc-st": "\x1b]8;;http://x\x1b\\",
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
}


@pytest.mark.parametrize("split", SPLITS.values(), ids=SPLITS.keys())
def test_a_token_split_by_invisible_characters_is_still_masked(split: str) -> None:
    from sly_tui.secrets import Secret

    Secret(KEY)
    text = f"token={KEY[:37]}{split}{KEY[37:90]}{split}{KEY[90:]}!"
    assert clean(text) == "token=********!"
    assert one_line(text) == "token=********!"
    assert redacted(text) == "token=********!"


def test_any_16_characters_of_the_token_are_masked_and_15_are_not() -> None:
    from sly_tui.secrets import Secret

    Secret(KEY)
    assert clean(f"a {KEY[3:19]} b") == "a ******** b"
    assert clean(f"a {KEY[3:18]} b") == f"a {KEY[3:18]} b"
    assert clean(f"{KEY[:20]}-{KEY[50:70]}") == "********-********"
    assert redacted("exact \x1b[1mbytes\x1b[0m kept") == "exact \x1b[1mbytes\x1b[0m kept"
    assert clean("emoji 👨\u200d👩\u200d👧 kept") == "emoji 👨\u200d👩\u200d👧 kept"
