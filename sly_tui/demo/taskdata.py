"""`tasks.data.set` / `tasks.data.get`: a task's free-form JSON, addressed by dotted paths
with list indices (`data.chart.series[0].data`), written by replace, shallow merge or deep
merge, where a list target with `append` is extended."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

from sly_tui.demo.errors import bad_request

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Key = str | int


def parse_path(path: str) -> list[Key]:
    """`a.b[2].c` → ["a", "b", 2, "c"]; an empty path is the whole object."""
    keys: list[Key] = []
    position = 0
    while position < len(path):
        if (
            keys
            and path[position] == "."
            and position + 1 < len(path)
            and path[position + 1] != "["
        ):
            position += 1
        match = _TOKEN.match(path, position)
        if match is None:
            raise bad_request(f"invalid field path {path!r} at character {position + 1}")
        name, index = match.groups()
        keys.append(int(index) if index is not None else name)
        position = match.end()
    return keys


def get_value(root: dict[str, Any], path: str) -> Any:
    """The value at `path`, or None when any step of it is missing."""
    node: Any = root
    for key in parse_path(path):
        if isinstance(key, int):
            if not isinstance(node, list) or key >= len(node):
                return None
        elif not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def set_value(
    root: dict[str, Any], path: str, payload: Any, *, append: bool, recursive: bool
) -> None:
    keys = parse_path(path)
    payload = copy.deepcopy(payload)
    if not keys:
        if not isinstance(payload, dict):
            raise bad_request("a payload for the whole data object must be an object")
        if not append:
            root.clear()
        _merge(root, payload, recursive)
        return
    parent = _parent(root, keys, path)
    last = keys[-1]
    current = get_value(root, path)
    if append and isinstance(current, list):
        current.extend(payload if isinstance(payload, list) else [payload])
    elif append and isinstance(current, dict) and isinstance(payload, dict):
        _merge(current, payload, recursive)
    else:
        _assign(parent, last, payload, path)


def _parent(root: dict[str, Any], keys: list[Key], path: str) -> Any:
    """Walk to the container of the last key, creating missing objects on the way."""
    node: Any = root
    for key, following in itertools.pairwise(keys):
        child = _child(node, key, path)
        if child is None:
            child = [] if isinstance(following, int) else {}
            _assign(node, key, child, path)
        node = child
    return node


def _child(node: Any, key: Key, path: str) -> Any:
    if isinstance(key, int):
        if not isinstance(node, list):
            raise bad_request(f"field path {path!r} indexes something that is not a list")
        return node[key] if key < len(node) else None
    if not isinstance(node, dict):
        raise bad_request(f"field path {path!r} goes through something that is not an object")
    return node.get(key)


def _assign(node: Any, key: Key, value: Any, path: str) -> None:
    if isinstance(key, int):
        if not isinstance(node, list):
            raise bad_request(f"field path {path!r} indexes something that is not a list")
        if key > len(node):
            raise bad_request(f"field path {path!r}: index {key} is past the end of the list")
        if key == len(node):
            node.append(value)
        else:
            node[key] = value
    else:
        if not isinstance(node, dict):
            raise bad_request(f"field path {path!r} goes through something that is not an object")
        node[key] = value


def _merge(target: dict[str, Any], payload: dict[str, Any], recursive: bool) -> None:
    for key, value in payload.items():
        if recursive and isinstance(target.get(key), dict) and isinstance(value, dict):
            _merge(target[key], value, recursive)
        else:
            target[key] = value
