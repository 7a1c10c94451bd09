"""Only JSON the emulator can send back gets in.

`json.loads` accepts more than a reply can carry: `NaN`, `Infinity` and `1e999` (which
Starlette's `JSONResponse` refuses, `allow_nan=False`) and strings with lone surrogates
such as `"\\ud800"` (which UTF-8 cannot encode). Stored once, either would turn every
later read of the task, its workspace's list and its team's apps into a 500. So every JSON
document a client sends goes through `decode`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sly_tui.demo.errors import bad_request

Path = tuple[str | int, ...]


def decode(raw: bytes | str, root: str = "") -> Any:
    """Parse JSON text from a client; a 400 names what is wrong, and where.

    `root` is the field the text arrived in (a query parameter), empty for a whole body.
    Parsing hooks and a text search flag the rare suspect document (NaN, a huge exponent,
    a surrogate escape); only that one is walked in Python to find and name the culprit.
    """
    where = f"field {root!r}" if root else "the request body"
    suspect: list[str] = []

    def constant(name: str) -> float:
        suspect.append(name)
        return float(name)

    def number(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            suspect.append(text)
        return value

    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8-sig")
        value = json.loads(text, parse_constant=constant, parse_float=number)
    except ValueError as exc:  # UnicodeDecodeError is one
        raise bad_request(f"{where} is not valid JSON: {exc}") from None
    if suspect or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
        culprit = _culprit(value, (root,) if root else ())
        if culprit:
            raise bad_request(culprit)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _culprit(value: Any, root: Path) -> str | None:
    """The first NaN, infinity or lone surrogate in `value`, said with its path."""
    stack: list[tuple[Any, Path]] = [(value, root)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((k, (*path, k)) for k in node)  # keys can hold surrogates too
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            return f"{_name(path)} is NaN or infinite, which JSON cannot carry"
        elif isinstance(node, str) and not _encodable(node):
            return f"{_name(path)} has a lone surrogate (\\ud800-\\udfff), which UTF-8 cannot carry"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _name(path: Path) -> str:
    """`field 'fields[0].payload'`; the key text is escaped, as it may be the culprit."""
    if not path:
        return "the request body"
    text = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path).lstrip(".")
    return f"field {text[:80]!r}"
