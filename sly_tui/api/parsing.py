"""One tolerant JSON-to-dataclass reader shared by every model.

Models declare their fields; the wire key is the camelCase of the field name unless a
field's metadata names other keys (`wire("a", "b")`: first present wins; dots walk into
nested objects). Which reader applies follows from the annotation, so a model is its own
schema. Missing keys and nulls become None (or `{}` for objects); a value of the wrong type
raises `ProtocolError` naming the model and the key, because that means the server speaks a
different protocol and guessing would only move the crash somewhere harder to read.
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


def _typed(kind: type, name: str, required: bool) -> Reader:
    def read(value: Any, where: str) -> Any:
        if value is None:
            if required:
                raise shape_error(f"{where} is missing")
            return None
        # bool is an int subclass, and True is no id.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise shape_error(f"{where} is {describe(value)}, expected {name}")
        return value

    return read


def _time(value: Any, where: str) -> datetime | None:
    """ISO-8601 with `Z` (the server's format); a naive time is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise shape_error(f"{where} is {describe(value)}, expected an ISO-8601 time")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _object(value: Any, where: str) -> dict[str, Any]:
    return {} if value is None else expect_object(value, where)


def size(value: Any, where: str) -> int | None:
    """Sizes travel as strings (bigint) but some endpoints send numbers."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return _size_number(value, where)


def enum_or_text(enum: type[E]) -> Reader:
    """An enum member when the value is known, the plain string when it is not.

    A newer server may add statuses; showing the unknown word beats refusing the task.
    """

    def read(value: Any, where: str) -> E | str | None:
        text = _optional_str(value, where)
        if text is None:
            return None
        try:
            return enum(text)
        except ValueError:
            return text

    return read


def list_of(parse: Callable[[Any], M], what: str) -> Callable[[Any], list[M]]:
    """A parser for a reply that is a bare JSON list of `what`."""
    return lambda value: [parse(item) for item in expect_list(value, what)]


def tuple_of(parse: Callable[[Any], M]) -> Reader:
    """A list of nested models; missing means none."""

    def read(value: Any, where: str) -> tuple[M, ...]:
        return () if value is None else tuple(parse(item) for item in expect_list(value, where))

    return read


read_int: Reader = _typed(int, "an integer", True)
read_text: Reader = _typed(str, "a string", True)
_optional_int = _typed(int, "an integer", False)
_optional_str = _typed(str, "a string", False)
_size_number = _typed(int, "a size", False)

_BY_ANNOTATION: dict[str, Reader] = {
    "int": read_int,
    "int | None": _optional_int,
    "str | None": _optional_str,
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
