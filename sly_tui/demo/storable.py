"""Only JSON the emulator can send back gets in.

`json.loads` accepts more than a reply can carry: `NaN`, `Infinity` and `1e999` (which
Starlette's `JSONResponse` refuses, `allow_nan=False`), strings with lone surrogates such
as `"\\ud800"` (which UTF-8 cannot encode), and nesting deep enough to exhaust the
recursion limit when the value is copied or rendered. Stored once, any of them would turn
every later read of the task, its workspace's list and its team's apps into a 500. So every
JSON document a client sends goes through `decode`, and a structure that grows by merging
(task data) is checked again with `check_depth`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from itertools import compress
from typing import Any

from sly_tui.demo.errors import bad_request

# Deep enough for any real payload; shallow enough that copying and rendering never recurse
# anywhere near Python's limit, even with the envelopes a reply wraps around the value.
MAX_DEPTH = 64

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
    except RecursionError:
        raise bad_request(f"{where} is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # UnicodeDecodeError is one
        raise bad_request(f"{where} is not valid JSON: {exc}") from None
    check_depth(value, where)
    if suspect or ("\\u" in text and _SURROGATE_ESCAPE.search(text)):
        culprit = _culprit(value, (root,) if root else ())
        if culprit:
            raise bad_request(culprit)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def check_depth(value: Any, where: str) -> None:
    """400 for more than `MAX_DEPTH` levels of arrays and objects; a breadth-first walk
    whose loops run in C, so wide documents cost little and deep ones no stack."""
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [child for node in level for child in _containers(node)]
    if level:
        raise bad_request(
            f"{where} is nested too deeply (at most {MAX_DEPTH} levels of arrays and objects)"
        )


def _containers(node: Any) -> Iterator[Any]:
    """The lists and objects directly inside `node`, picked out without a Python loop."""
    if isinstance(node, dict):
        return compress(node.values(), map(_CONTAINER_TYPES.__contains__, map(type, node.values())))
    if isinstance(node, list):
        return compress(node, map(_CONTAINER_TYPES.__contains__, map(type, node)))
    return iter(())


_CONTAINER_TYPES = frozenset({dict, list})


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
    return f"field {text!r}"
