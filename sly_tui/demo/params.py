"""Typed access to one request's arguments, with 400s that say what was wrong.

Arguments arrive either as a JSON body (POST) or as a query string (GET). Query values
are always strings, so in query mode the accessors coerce them ("17" → 17, "true" → True,
JSON text → lists and objects); a JSON body must already carry the right types.
"""

from __future__ import annotations

import re
from typing import Any

from sly_tui.demo import storable
from sly_tui.demo.errors import bad_request

_MISSING = object()


class Params:
    """The arguments of one RPC call. Keys the handler never asks for are ignored, which
    is how stray `taskId` keys (the SDK's `additional_fields`) pass harmlessly."""

    def __init__(
        self, values: dict[str, Any], *, from_query: bool = False, where: str = ""
    ) -> None:
        self.values = values
        self.from_query = from_query
        self.where = where  # where these values sit in the request, for error messages

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> Any:
        return self.values.get(key, _MISSING)

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def req_int(self, key: str) -> int:
        value = self.opt_int(key)
        if value is None:
            raise bad_request(f"field {self._name(key)!r} is required")
        return value

    def opt_int(self, key: str, default: int | None = None) -> int | None:
        value = self._get(key)
        if value is _MISSING or value is None:
            return default
        if self.from_query and isinstance(value, str):
            return parse_int(value, f"field {self._name(key)!r}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"field {self._name(key)!r} must be an integer, got {_kind(value)}")
        return value

    def req_str(self, key: str) -> str:
        value = self.opt_str(key)
        if value is None:
            raise bad_request(f"field {self._name(key)!r} is required")
        return value

    def opt_str(self, key: str, default: str | None = None) -> str | None:
        value = self._get(key)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, str):
            raise bad_request(f"field {self._name(key)!r} must be a string, got {_kind(value)}")
        return value

    def text(self, key: str, default: str = "") -> str:
        """An optional string with a default for absent and null values."""
        value = self.opt_str(key)
        return default if value is None else value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self._get(key)
        if value is _MISSING or value is None:
            return default
        if self.from_query and isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in ("true", "1", "yes"):
                return True
            if lowered in ("false", "0", "no"):
                return False
        if not isinstance(value, bool):
            raise bad_request(f"field {self._name(key)!r} must be a boolean, got {_kind(value)}")
        return value

    def array(self, key: str, default: list[Any] | None = None) -> list[Any]:
        value = self._structured(key)
        if value is _MISSING or value is None:
            if default is None:
                raise bad_request(f"field {self._name(key)!r} is required")
            return default
        if not isinstance(value, list):
            raise bad_request(f"field {self._name(key)!r} must be a list, got {_kind(value)}")
        return value

    def mapping(self, key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
        value = self._structured(key)
        if value is _MISSING or value is None:
            if default is None:
                raise bad_request(f"field {self._name(key)!r} is required")
            return default
        if not isinstance(value, dict):
            raise bad_request(f"field {self._name(key)!r} must be an object, got {_kind(value)}")
        return value

    def raw(self, key: str) -> Any:
        value = self._structured(key)
        if value is _MISSING:
            raise bad_request(f"field {self._name(key)!r} is required")
        return value

    def objects(self, key: str) -> list[Params]:
        """A list of objects, each wrapped so that its errors name its place (`logs[2].message`)."""
        wrapped = []
        for index, item in enumerate(self.array(key)):
            where = f"{self._name(key)}[{index}]"
            if not isinstance(item, dict):
                raise bad_request(f"{where} must be an object")
            wrapped.append(Params(item, where=where))
        return wrapped

    def int_list(self, key: str, default: list[int] | None = None) -> list[int]:
        items = self.array(key, default)
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int):
                raise bad_request(f"field {self._name(key)!r} must be a list of integers")
        return items

    def _structured(self, key: str) -> Any:
        value = self._get(key)
        if self.from_query and isinstance(value, str):
            return storable.decode(value, self._name(key))
        return value


_INTEGER = re.compile(r"-?[0-9]{1,18}")


def parse_int(text: str, name: str) -> int:
    """An id or count written as text (query string, header, multipart part).

    Only ASCII digits with an optional minus, at most 18 of them: `int()` alone also takes
    "1_001", Arabic-Indic digits and, after `isdigit()`, fails on "²" or 5000 digits.
    The text is quoted whole: the error body scrubs tokens first, then cuts it short.
    """
    if _INTEGER.fullmatch(text.strip()) is None:
        raise bad_request(f"{name} must be an integer, got {text!r}")
    return int(text)


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), "null" if value is None else type(value).__name__)
