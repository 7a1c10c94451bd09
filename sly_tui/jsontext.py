"""JSON a person edits (a form field, a params file): written so that it hides nothing,
read strictly enough to be sent.

`json.loads` accepts things that cannot go back out on the wire: `NaN` and `Infinity`,
numbers that overflow to infinity (`1e999`), lone UTF-16 surrogates from `\\ud800`
escapes, and nesting so deep that encoding it blows the stack. Each would fail later,
inside the HTTP library, far from the field that holds it; here each is one sentence.
The other way, `editable_json` writes a value for an editor.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

MAX_DEPTH = 100  # far beyond any real params or meta, well within the stack
MAX_DIGITS = 4000  # Python refuses to convert longer integers (sys.get_int_max_str_digits)


class JsonProblem(ValueError):
    """What is wrong with the text, as one sentence (with line and column when known)."""


def _not_a_number(name: str) -> Any:
    raise JsonProblem(f"{name} is not allowed in JSON; use a number or null.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonProblem(f"The number {text[:40]} is too large to send.")
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise JsonProblem(f"An integer of {len(text)} digits is too long to send.")
    return int(text)


def editable_json(value: Any) -> str:
    """Indented JSON to put in an editor, which `parse_json` reads back as `value`.

    Other languages stay readable, but any character that would be invisible or act on
    the terminal (controls, bidi overrides, zero-width marks, lone surrogates) is written
    as a `\\u` escape: the same JSON value, and nothing on screen hides it.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(c if c.isprintable() or c == "\n" else json.dumps(c)[1:-1] for c in text)


def parse_json(text: str) -> Any:
    """The value `text` holds; raises `JsonProblem` for anything that could not be sent."""
    try:
        value = json.loads(
            text, parse_constant=_not_a_number, parse_float=_finite, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise JsonProblem(f"Invalid JSON at {where}: {exc.msg}.") from None
    except RecursionError:
        raise JsonProblem(_too_deep()) from None
    _check_tree(value)
    return value


def parse_json_object(text: str) -> dict[str, Any]:
    """The object `text` holds (params, meta, a state): anything else is a `JsonProblem`."""
    value = parse_json(text)
    if not isinstance(value, dict):
        raise JsonProblem(
            f'Expected a JSON object such as {{"key": "value"}}, not {_json_kind(value)}.'
        )
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "null"


def _too_deep() -> str:
    return f"The JSON is nested deeper than {MAX_DEPTH} levels."


def _check_tree(value: Any) -> None:
    """Depth and unpaired surrogates, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise JsonProblem(_too_deep())
            children: Iterable[Any] = item
            if isinstance(item, dict):
                for key in item:
                    _check_string(key)
                children = item.values()
            stack.extend((child, depth + 1) for child in children)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise JsonProblem(
            f"The text holds an unpaired surrogate \\u{code:04x}, which cannot be sent."
        ) from None
