"""One tolerant JSON-to-dataclass reader shared by every model.

Models declare their fields; the wire key is the camelCase of the field name unless a
field's metadata names other keys (`wire("a", "b")`: first present wins; dots walk into
nested objects). Which reader applies follows from the annotation, so a model is its own
schema. Missing keys and nulls become None (or `{}` for objects).

One odd value must not cost a whole page, so readers coerce what is unambiguous (an id
sent as `"12"` or `12.0`, a number where text was expected) and turn the rest into None
(`{}` for objects, `()` for lists), the value staying in `raw` for whoever wants it. Only
what an entity cannot exist without (its id, a reply that is not an object at all) raises
`ProtocolError`, naming the model and the key; a list skips such an entity and counts it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sly_tui.api.errors import ProtocolError

M = TypeVar("M")
E = TypeVar("E", bound=StrEnum)
Reader = Callable[[Any, str], Any]


def shape_error(problem: str) -> ProtocolError:
    """The error for a reply of the wrong shape; the transport fills in the RPC name."""
    return ProtocolError(f"The server's reply has the wrong shape: {problem}.")


def describe(value: Any) -> str:
    """A short, token-free account of a JSON value for error messages."""
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    kind = kinds.get(type(value)) or ("a number" if isinstance(value, int | float) else "null")
    text = repr(value)
    return f"{kind} {text}" if len(text) <= 40 and not isinstance(value, dict | list) else kind


def expect_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise shape_error(f"{where} is {describe(value)}, expected an object")
    return value


def expect_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise shape_error(f"{where} is {describe(value)}, expected a list")
    return value


def as_int(value: Any) -> int | None:
    """An integer, also when written unambiguously another way (`"12"`, `12.0`); else None.
    A boolean is no number, though Python's bool is an int."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        digits = value.strip().removeprefix("-")
        if digits.isascii() and digits.isdigit():
            return int(value)
    return None


def _typed(kind: type, name: str, required: bool) -> Reader:
    def read(value: Any, where: str) -> Any:
        if value is None:
            if required:
                raise shape_error(f"{where} is missing")
            return None
        # bool is an int subclass, and True is no id.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            if required:
                raise shape_error(f"{where} is {describe(value)}, expected {name}")
            return None
        return value

    return read


def _int(required: bool) -> Reader:
    def read(value: Any, where: str) -> int | None:
        number = as_int(value)
        if number is None and required:
            problem = "missing" if value is None else f"{describe(value)}, expected an integer"
            raise shape_error(f"{where} is {problem}")
        return number

    return read


def _optional_text(value: Any, where: str) -> str | None:
    """Text; a number is written out (an id where a name was expected is still shown)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def _time(value: Any, where: str) -> datetime | None:
    """ISO-8601 with `Z` (the server's format); a naive time is taken as UTC. An empty or
    unreadable value, or the epoch (a zero some servers send for "never"), is None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None if moment.timestamp() == 0 else moment


def _object(value: Any, where: str) -> dict[str, Any]:
    """An object; anything else (`[]` where `{}` was meant, a string) is an empty one."""
    return value if isinstance(value, dict) else {}


def size(value: Any, where: str) -> int | None:
    """Sizes travel as strings (bigint) but some endpoints send numbers."""
    number = as_int(value)
    return number if number is not None and number >= 0 else None


def enum_or_text(enum: type[E]) -> Reader:
    """An enum member when the value is known, the plain string when it is not.

    A newer server may add statuses; showing the unknown word beats refusing the task.
    """

    def read(value: Any, where: str) -> E | str | None:
        text = _optional_text(value, where)
        if text is None:
            return None
        try:
            return enum(text)
        except ValueError:
            return text

    return read


def each(parse: Callable[[Any], M], items: list[Any]) -> tuple[list[M], int]:
    """Every item that parses, and how many did not (an entity without even an id is left
    out, so that it does not cost the others)."""
    parsed: list[M] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except ProtocolError:
            continue
    return parsed, len(items) - len(parsed)


def list_of(
    parse: Callable[[Any], M], what: str, *, skip_bad: bool = False
) -> Callable[[Any], list[M]]:
    """A parser for a reply that is a bare JSON list of `what`; `skip_bad` leaves out the
    items that do not parse (see `each`) instead of refusing the reply."""
    if skip_bad:
        return lambda value: each(parse, expect_list(value, what))[0]
    return lambda value: [parse(item) for item in expect_list(value, what)]


def tuple_of(parse: Callable[[Any], M]) -> Reader:
    """A list of nested models; missing (or not a list) means none."""

    def read(value: Any, where: str) -> tuple[M, ...]:
        return tuple(each(parse, value)[0]) if isinstance(value, list) else ()

    return read


read_int: Reader = _int(True)
read_text: Reader = _typed(str, "a string", True)

_BY_ANNOTATION: dict[str, Reader] = {
    "int": read_int,
    "int | None": _int(False),
    "str | None": _optional_text,
    "bool | None": _typed(bool, "a boolean", False),
    "datetime | None": _time,
    "dict[str, Any]": _object,
}


def wire(*keys: str, read: Reader | None = None) -> dict[str, Any]:
    """Field metadata: the wire keys to try (dotted for nested) and an explicit reader."""
    return {"keys": keys, "read": read}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _lookup(obj: dict[str, Any], key: str, where: str) -> Any:
    value: Any = obj
    for step in key.split("."):
        if value is None:
            return None
        value = expect_object(value, where).get(step)
    return value


_PLANS: dict[type, list[tuple[str, tuple[str, ...], Reader]]] = {}


def _plan(cls: type) -> list[tuple[str, tuple[str, ...], Reader]]:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = []
        for f in dataclasses.fields(cls):
            if f.name == "raw":
                continue
            keys = f.metadata.get("keys") or (_camel(f.name),)
            reader = f.metadata.get("read") or _BY_ANNOTATION[str(f.type)]
            plan.append((f.name, keys, reader))
        _PLANS[cls] = plan
    return plan


def parse_model(cls: type[M], value: Any) -> M:
    """Build dataclass `cls` from a JSON object, keeping the whole object in `raw`."""
    name = cls.__name__
    obj = expect_object(value, name)
    values: dict[str, Any] = {"raw": obj}
    for field_name, keys, reader in _plan(cls):
        found = None
        for key in keys:
            found = _lookup(obj, key, f"{name} {key!r}")
            if found is not None:
                break
        values[field_name] = reader(found, f"{name} {keys[0]!r}")
    return cls(**values)


def read_mapping(value: Any, key: str, where: str) -> Any:
    """`value[key]` of a reply that must be an object holding that key."""
    obj = expect_object(value, where)
    if key not in obj:
        raise shape_error(f"{where} has no {key!r}")
    return obj[key]
