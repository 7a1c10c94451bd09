"""User key remapping: the config's `[keymap]` table (binding id → keys), checked.

Textual applies a keymap by binding id (`App.set_keymap`). What it does not do is tell the
user about mistakes, so this module does: an id that no binding has (with the closest
real ids), an empty key, a key that terminals or tmux swallow, and two actions of one
screen or widget ending up on the same key. Mistakes are warnings; the rest applies.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding


def eager_tab(scope: str) -> list[Binding]:
    """Tab and shift+Tab as priority bindings with ids `<scope>.next`/`<scope>.previous`.

    Textual hands a key to the focused field before a screen's ordinary binding runs, so
    when a field's text, a Tab and the next field's text arrive in one read (a paste,
    tmux send-keys, fast typing over SSH), the second text lands in the first field. A
    priority binding moves focus as the Tab is read.
    """
    return [
        Binding("tab", "app.focus_next", show=False, priority=True, id=f"{scope}.next"),
        Binding(
            "shift+tab", "app.focus_previous", show=False, priority=True, id=f"{scope}.previous"
        ),
    ]


# Keys that never reach a terminal program, or do something else first.
SWALLOWED = {
    "ctrl+s": "terminal flow control (XOFF) freezes the output",
    "ctrl+q": "terminal flow control (XON)",
    "ctrl+a": "it is the prefix key of screen and many tmux setups",
    "ctrl+b": "it is tmux's default prefix key",
    "ctrl+z": "the shell suspends the program",
    "ctrl+c": "it interrupts the program in many setups",
    "ctrl+enter": "most terminals send it as plain Enter",
    "ctrl+i": "terminals send it as Tab",
    "ctrl+m": "terminals send it as Enter",
}


@dataclass(frozen=True)
class KnownBinding:
    id: str
    keys: str
    description: str
    owner: str  # the class that declares it: bindings of one owner must not share a key


def _classes() -> Iterator[type]:
    """Every class in sly_tui.ui (importing the lazily loaded forms and panes too)."""
    import sly_tui.ui

    for module_info in pkgutil.walk_packages(sly_tui.ui.__path__, "sly_tui.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                yield value


def known_bindings() -> dict[str, KnownBinding]:
    """Binding id → where it is declared and its default keys."""
    known: dict[str, KnownBinding] = {}
    for cls in _classes():
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                known.setdefault(
                    binding.id,
                    KnownBinding(binding.id, binding.key, binding.description, cls.__name__),
                )
    return known


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The entries that can be applied, and a sentence per problem."""
    if not keymap:
        return {}, []
    known = known_bindings()
    valid: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, known, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            warnings.append(f"[keymap] {binding_id!r} is not a binding id.{hint}")
            continue
        chosen = [key.strip() for key in str(keys).split(",") if key.strip()]
        if not chosen:
            warnings.append(f"[keymap] {binding_id!r} has no key.")
            continue
        for key in chosen:
            if reason := SWALLOWED.get(key.lower()):
                warnings.append(f"[keymap] {binding_id!r} = {key!r}: {reason}.")
        valid[binding_id] = ",".join(chosen)
    warnings.extend(_conflicts(known, valid))
    return valid, warnings


GLOBAL_OWNER = "SlyApp"  # its keys work everywhere, so they clash with every other owner's


def _conflicts(known: Mapping[str, KnownBinding], keymap: Mapping[str, str]) -> Iterator[str]:
    """Keys that two bindings of one owner (or one owner and the app) now share.

    A key the two already share by default is no clash: `?` both opens help (app-wide)
    and closes it (on the help screen), and the screen's binding wins there by design.
    """
    by_key: dict[str, list[KnownBinding]] = {}
    for binding in known.values():
        for key in keymap.get(binding.id, binding.keys).split(","):
            by_key.setdefault(key.strip(), []).append(binding)
    for key, bindings in sorted(by_key.items()):
        for index, first in enumerate(bindings):
            for second in bindings[index + 1 :]:
                clash = first.owner == second.owner or GLOBAL_OWNER in (first.owner, second.owner)
                by_default = _has_key(first.keys, key) and _has_key(second.keys, key)
                if clash and not by_default and (first.id in keymap or second.id in keymap):
                    yield f"[keymap] {key!r} is bound to both {first.id} and {second.id}."


def _has_key(keys: str, key: str) -> bool:
    return key in (part.strip() for part in keys.split(","))
