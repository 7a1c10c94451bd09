"""Server-side list semantics: filters, sorting and the paginated envelope.

Every `*.list` method shares them. Each list declares its `Fields`: which names can be
filtered and sorted and how a value is read from an entity, so a request naming anything
else gets a 400 instead of silently matching nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sly_tui.demo.clock import parse_iso
from sly_tui.demo.errors import bad_request
from sly_tui.demo.params import Params

T = TypeVar("T")

DEFAULT_PER_PAGE = 500
MAX_PER_PAGE = 1000
MAX_LIKE_PATTERN = 1000

EQUALITY_OPERATORS = ("=", "eq", "!=", "not", "in", "!in")
ORDER_OPERATORS = ("<", ">", "<=", ">=")
TEXT_OPERATORS = ("like", "!like", "ilike", "!ilike")


@dataclass(frozen=True)
class Field(Generic[T]):
    """One filterable/sortable attribute: how to read it and what kind of value it is."""

    get: Callable[[T], Any]
    kind: str = "int"  # "int", "str" or "date"; decides operators and value parsing
    sortable: bool = True
    # The operators a list documents for this field, when fewer than its kind allows;
    # an empty tuple means it cannot be filtered on at all (only sorted by).
    only: tuple[str, ...] | None = None

    @property
    def operators(self) -> tuple[str, ...]:
        if self.only is not None:
            return self.only
        if self.kind == "str":
            return EQUALITY_OPERATORS + ORDER_OPERATORS + TEXT_OPERATORS
        return EQUALITY_OPERATORS + ORDER_OPERATORS


Fields = dict[str, Field[Any]]


def query(
    items: Iterable[T], params: Params, fields: Fields, render: Callable[[T], Any]
) -> dict[str, Any]:
    """Filter, sort and page `items` as the request asks; only the page is rendered."""
    predicates = [_predicate(spec, fields) for spec in params.array("filter", [])]
    selected = [item for item in items if all(p(item) for p in predicates)]
    _sort(selected, params, fields)
    envelope = paginate(selected, params)
    envelope["entities"] = [render(item) for item in envelope["entities"]]
    return envelope


def paginate(items: Sequence[Any], params: Params) -> dict[str, Any]:
    """The `{"total", "perPage", "pagesCount", "entities"}` envelope; `total` is exactly
    what all pages together deliver, which the SDK checks."""
    per_page = params.opt_int("per_page", DEFAULT_PER_PAGE)
    assert per_page is not None
    if per_page < 1:
        raise bad_request("field 'per_page' must be at least 1")
    per_page = min(per_page, MAX_PER_PAGE)
    page = params.opt_int("page", 1)
    assert page is not None
    if page < 1:
        raise bad_request("field 'page' must be at least 1")
    start = (page - 1) * per_page
    return {
        "total": len(items),
        "perPage": per_page,
        "pagesCount": math.ceil(len(items) / per_page),
        "entities": list(items[start : start + per_page]),
    }


def _predicate(spec: Any, fields: Fields) -> Callable[[Any], bool]:
    if not isinstance(spec, dict):
        raise bad_request("each filter must be an object {field, operator, value}")
    name, operator = spec.get("field"), spec.get("operator")
    if not isinstance(name, str) or not fields.get(name, _UNFILTERABLE).operators:
        allowed = ", ".join(sorted(n for n, f in fields.items() if f.operators))
        raise bad_request(f"cannot filter by field {name!r}; allowed: {allowed}")
    field = fields[name]
    if operator not in field.operators:
        raise bad_request(
            f"operator {operator!r} is not supported for field {name!r}; "
            f"allowed: {' '.join(field.operators)}"
        )
    if "value" not in spec:
        raise bad_request(f"filter on {name!r} has no 'value'")
    value = spec["value"]
    get = field.get

    if operator in ("in", "!in"):
        if not isinstance(value, list):
            raise bad_request(f"operator {operator!r} needs a list value")
        wanted = {_coerce(v, field.kind, name) for v in value}
        inside = operator == "in"
        return lambda item: (get(item) in wanted) is inside
    if operator in TEXT_OPERATORS:
        if not isinstance(value, str):
            raise bad_request(f"operator {operator!r} needs a string pattern")
        like = like_matcher(value, ignore_case=operator.endswith("ilike"))
        matches = not operator.startswith("!")
        return lambda item: get(item) is not None and like(str(get(item))) is matches
    target = _coerce(value, field.kind, name)
    if operator in ("=", "eq"):
        return lambda item: get(item) == target
    if operator in ("!=", "not"):
        return lambda item: get(item) != target
    compare = _ORDER[operator]
    return lambda item: get(item) is not None and target is not None and compare(get(item), target)


_UNFILTERABLE: Field[Any] = Field(lambda item: None, only=())

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _coerce(value: Any, kind: str, name: str) -> Any:
    if value is None:
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"filter value for {name!r} must be an integer")
        return value
    if not isinstance(value, str):
        raise bad_request(f"filter value for {name!r} must be a string")
    if kind == "date":
        try:
            return parse_iso(value)
        except ValueError:
            raise bad_request(f"filter value for {name!r} must be an ISO-8601 date") from None
    return value


def like_matcher(pattern: str, *, ignore_case: bool) -> Callable[[str], bool]:
    """SQL LIKE (`%` any run, `_` one character, `\\` escapes) in bounded time.

    A regex with one `.*` per `%` backtracks exponentially, and it runs on the event loop,
    so one filter could freeze the server. Here the pattern is cut at each `%` into
    fixed-length segments, matched left to right at their leftmost place: the first one
    at the start, the last one at the end, each middle one by a search without
    quantifiers. That is correct for LIKE and costs at most len(text) * len(pattern).
    `ilike` compares lower-cased text, as PostgreSQL does.
    """
    if len(pattern) > MAX_LIKE_PATTERN:
        raise bad_request(f"a like pattern is limited to {MAX_LIKE_PATTERN} characters")
    if ignore_case:
        pattern = pattern.lower()
    segments: list[list[str]] = [[]]  # each item is a regex for exactly one character
    chars = iter(pattern)
    for ch in chars:
        if ch == "%":
            segments.append([])
        elif ch == "_":
            segments[-1].append(".")
        else:
            segments[-1].append(re.escape(next(chars, "\\") if ch == "\\" else ch))
    regexes = [re.compile("".join(segment), re.DOTALL) for segment in segments]
    fold: Callable[[str], str] = str.lower if ignore_case else str
    if len(segments) == 1:
        return lambda text: regexes[0].fullmatch(fold(text)) is not None
    first, last = regexes[0], regexes[-1]
    head, tail = len(segments[0]), len(segments[-1])
    searches = [r for r, segment in zip(regexes[1:-1], segments[1:-1], strict=True) if segment]

    def match(text: str) -> bool:
        text = fold(text)
        end = len(text) - tail
        if end < head or not first.match(text) or not last.fullmatch(text, end):
            return False
        position = head
        for search in searches:
            found = search.search(text, position, end)
            if found is None:
                return False
            position = found.end()
        return True

    return match


def _sort(items: list[Any], params: Params, fields: Fields) -> None:
    name = params.opt_str("sort", "id")
    order = params.opt_str("sort_order", "asc")
    if order not in ("asc", "desc"):
        raise bad_request(f"field 'sort_order' must be 'asc' or 'desc', got {order!r}")
    field = fields.get(name or "")
    if field is None or not field.sortable:
        allowed = ", ".join(sorted(n for n, f in fields.items() if f.sortable))
        raise bad_request(f"cannot sort by field {name!r}; allowed: {allowed}")
    descending = order == "desc"
    nulls = params.opt_str("sort_nulls_order", "first" if descending else "last")
    if nulls not in ("first", "last"):
        raise bad_request(f"field 'sort_nulls_order' must be 'first' or 'last', got {nulls!r}")
    get_id = fields["id"].get
    items.sort(key=get_id)  # ties keep id order: pages stay stable
    present = [item for item in items if field.get(item) is not None]
    absent = [item for item in items if field.get(item) is None]
    present.sort(key=field.get, reverse=descending)
    items[:] = absent + present if nulls == "first" else present + absent


def date_field(
    get: Callable[[Any], datetime | None], *, only: tuple[str, ...] | None = None
) -> Field[Any]:
    """Compared at the wire's millisecond precision, so a value read from a reply and sent
    back in a filter matches itself."""

    def at_ms(item: Any) -> datetime | None:
        value = get(item)
        return (
            None if value is None else value.replace(microsecond=value.microsecond // 1000 * 1000)
        )

    return Field(at_ms, "date", only=only)


def text_field(
    get: Callable[[Any], str | None],
    *,
    sortable: bool = True,
    only: tuple[str, ...] | None = None,
) -> Field[Any]:
    return Field(get, "str", sortable, only)
