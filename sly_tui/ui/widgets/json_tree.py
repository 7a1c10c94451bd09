"""A collapsible tree of untrusted JSON (task meta, outputs, data fields).

Tree labels given as `str` are parsed as Rich markup, so every label here is a `Text`
built from cleaned strings. Keys that hold credentials (`sessionToken`, `x-api-key` …)
are masked, and `clean` blanks our own API token wherever it appears. Large containers
are cut after `MAX_CHILDREN` entries so a huge meta cannot freeze the screen.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sly_tui.text import one_line

MAX_CHILDREN = 500
MAX_SCALAR = 300
# A key is a credential when, lower-cased without `-` and `_`, it ends with one of these:
# sessionToken, x-api-key, accessKey, AWS_SECRET_ACCESS_KEY … but not tokenizer or maxTokens.
SECRET_ENDINGS = (
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "password",
    "passwd",
    "secret",
    "credentials",
    "authorization",
)


def is_secret_key(key: str | None) -> bool:
    return key is not None and key.casefold().replace("-", "").replace("_", "").endswith(
        SECRET_ENDINGS
    )


def scalar_text(value: Any) -> str:
    """A JSON scalar as JSON would write it, cut to a sane length."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = one_line(text)
    if isinstance(value, str):
        text = json.dumps(text, ensure_ascii=False)
    return text if len(text) <= MAX_SCALAR else text[: MAX_SCALAR - 1] + "…"


def _label(key: str | None, value: Any) -> Text:
    label = Text(no_wrap=True)
    if key is not None:
        label.append(one_line(key), "bold")
        label.append(": ")
    if is_secret_key(key) and value:
        label.append("•••••• (hidden)", "italic")
    elif isinstance(value, dict):
        label.append(f"{{{len(value)}}}", "dim")
    elif isinstance(value, list):
        label.append(f"[{len(value)}]", "dim")
    else:
        label.append(scalar_text(value))
    return label


class JsonTree(Tree[None]):
    """Shows a JSON value; `show(value)` replaces the content."""

    DEFAULT_CSS = """
    JsonTree { height: auto; max-height: 100%; background: $surface; }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(Text(label), id=id)
        self.show_root = True
        self._value: Any = None

    def show(self, value: Any, *, expand_depth: int = 1) -> None:
        if value == self._value and self.root.children:
            return
        self._value = value
        self.clear()
        self._fill(self.root, value, expand_depth)
        self.root.expand()

    def _fill(self, node: TreeNode[None], value: Any, expand_depth: int) -> None:
        if isinstance(value, dict):
            items: list[tuple[str | None, Any]] = [(str(k), v) for k, v in value.items()]
        elif isinstance(value, list):
            items = [(f"[{i}]", v) for i, v in enumerate(value)]
        else:
            node.add_leaf(_label(None, value))
            return
        for key, child in items[:MAX_CHILDREN]:
            if isinstance(child, dict | list) and child and not is_secret_key(key):
                branch = node.add(_label(key, child), expand=expand_depth > 1)
                self._fill(branch, child, expand_depth - 1)
            else:
                node.add_leaf(_label(key, child))
        if len(items) > MAX_CHILDREN:
            node.add_leaf(Text(f"… {len(items) - MAX_CHILDREN} more", "italic"))
