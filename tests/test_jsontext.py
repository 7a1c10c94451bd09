"""JSON for editors: what `editable_json` writes hides nothing on screen and `parse_json`
reads it back as the same value."""

from __future__ import annotations

from typing import Any

import pytest

from sly_tui.jsontext import JsonProblem, editable_json, parse_json, parse_json_object

VALUES: list[Any] = [
    {"name": "session", "epochs": 10, "lr": 0.001, "ok": True, "none": None},
    {"state": {"nested": [1, [2, [3]]], "empty": {}}},
    {"text": "Привет, 世界 ✓"},  # other languages stay readable
    {"bidi": "a\u202eb", "zero width": "a\u200bb", "isolate": "\u2066x\u2069"},
    {"controls": "bell\x07 esc\x1b[31m del\x7f c1\x9b", "line": "a\u2028b", "nbsp": "a\xa0b"},
    {"key\u202e": "keys are escaped too"},
    ["a list", 1, 2.5],
]


@pytest.mark.parametrize("value", VALUES)
def test_what_is_written_for_an_editor_reads_back_the_same(value: Any) -> None:
    assert parse_json(editable_json(value)) == value


@pytest.mark.parametrize("value", VALUES)
def test_nothing_invisible_or_acting_on_the_terminal_is_written(value: Any) -> None:
    text = editable_json(value)
    assert all(char.isprintable() or char == "\n" for char in text)


def test_readable_text_stays_as_it_is() -> None:
    assert editable_json({"text": "Привет ✓"}) == '{\n  "text": "Привет ✓"\n}'
    assert editable_json({"bidi": "a\u202eb"}) == '{\n  "bidi": "a\\u202eb"\n}'


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "a list"), ('"x"', "a string"), ("3", "a number"), ("true", "true or false")],
)
def test_an_object_is_refused_as_anything_else_in_one_sentence(text: str, kind: str) -> None:
    with pytest.raises(JsonProblem) as caught:
        parse_json_object(text)
    assert str(caught.value) == f'Expected a JSON object such as {{"key": "value"}}, not {kind}.'


def test_an_object_reads_back_what_was_written_for_the_editor() -> None:
    value = {"state": {"bidi": "a\u202eb", "n": [1, 2]}}
    assert parse_json_object(editable_json(value)) == value
