"""A task's log on disk, indexed in memory, so a million-line log costs megabytes, not gigabytes.

The file is JSON Lines: one record per log entry, `[code, micros, level, message, raw]`,
written with `ensure_ascii` so every record is a single line of ASCII whatever the entry
holds (newlines, escape sequences, lone surrogates, 100 KB messages):

* `code` is the level's rank (0 trace … 5 fatal) as a single digit right after the `[`,
  so reopening a spool rebuilds the level index from one byte per record, without parsing;
* `micros` is the timestamp in microseconds since the epoch (UTC), or null;
* `level` is the level name when it is not the canonical name of `code` (a level this
  code does not know ranks as info but keeps its name), else null;
* `message` is null when it equals `raw["message"]`, so the common case stores it once;
* `raw` is the entry as the server sent it, so the log cursor can be rebuilt from the tail.

In memory there is an `array('Q')` of record offsets (8 bytes a line), a `bytearray` of level
codes (1 byte) and, per minimum level, an `array('I')` of the indices at or above it (4
bytes for each level a line clears: about 8 bytes for an info line), all grown on append,
so a level filter over a million lines is a lookup, not a scan.

One log entry is one line of the spool, whatever its text holds: a multi-line message or
a `stack` list (what the SDK's logger attaches to an exception) becomes one `LogLine` whose
`text` has the message's lines followed by the stack's, joined by newlines. Views decide
how to show the breaks; indices stay one per entry, as the server counts them.

Appends come from the event loop; searches and exports may run in worker threads. Readers
take a snapshot of the length first and only touch records below it, and every append
writes its batch before publishing the new offsets, so a reader never sees a half-written
record. One lock serialises the read handle (seek + read) with `close()`. Appends must
come from one thread at a time, and one process should hold one `LogSpool` per file.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

from sly_tui.api.models import LogEntry, ProgressRecord
from sly_tui.monitor.spool_store import FileStore, MemoryStore
from sly_tui.text import clean, one_line

LEVELS: tuple[str, ...] = ("trace", "debug", "info", "warn", "error", "fatal")
"""Level names in rank order; a level's code is its position here."""

_CODES: dict[str, int] = {name: code for code, name in enumerate(LEVELS)}
_CANONICAL: dict[str, str] = {name: name for name in LEVELS}
_ALIASES: dict[str, str] = {"warning": "warn", "critical": "fatal", "err": "error"}
_INFO = _CODES["info"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_to_json = json.JSONEncoder(separators=(",", ":"), default=str).encode
_from_json = json.JSONDecoder().decode
_CACHE_LINES = 2048
_CHUNK_BYTES = 1 << 20
# Records whose searchable text can differ from their bytes, which the byte prefilter must
# let through to the exact check: JSON escapes that `clean` may drop or fold (\u…, \b,
# \f, \r), and progress records, whose text is composed (`progress · step: 3/10`).
_HAZARD = re.compile(rb'\\[ubfr]|"progress"|PROGRESS')


def level_code(level: str | None) -> int:
    """The rank of a level name; absent or unknown levels rank as info."""
    return _CODES.get(normalise_level(level), _INFO)


def normalise_level(level: str | None) -> str:
    """Lower-case SDK spelling (`warning` → `warn`); absent means info, unknown stays."""
    canonical = _CANONICAL.get(level) if level else "info"
    if canonical is not None:
        return canonical
    name = one_line(str(level)).strip().lower()
    return _ALIASES.get(name, name) if name else "info"


@dataclass(frozen=True, slots=True)
class LogLine:
    """One spooled entry, ready to show: `text` is cleaned and holds the stack, if any."""

    index: int
    timestamp: datetime | None
    level: str
    text: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_entry(cls, entry: LogEntry, index: int = 0) -> LogLine:
        """The entry as a spool would give it back, without a spool: for output that
        streams lines straight through (the headless `logs` command)."""
        level = normalise_level(entry.level)
        return cls(index, entry.timestamp, level, _text(entry.message, entry.raw), entry.raw)

    def plain(self) -> str:
        """`timestamp LEVEL message` as plain text; further lines of the text are indented."""
        moment = "-" if self.timestamp is None else _iso(self.timestamp)
        body = self.text.replace("\n", "\n    ")
        return f"{moment} {self.level.upper():<5} {body}"


class LogSpool:
    """An append-only, file-backed (else in-memory) log with random access by index; see
    the module doc."""

    def __init__(
        self, path: Path | None, *, on_memory: Callable[[str], None] | None = None
    ) -> None:
        """A spool in the file `path`, or in memory when `path` is None or the file cannot
        be created or written; `on_memory` then hears why (once)."""
        self.path = path
        self._on_memory = on_memory
        self._store: FileStore | MemoryStore = MemoryStore()
        if path is not None:
            try:
                self._store = FileStore(path)
            except OSError as exc:
                self._fell_back(exc)
        self._lock = threading.Lock()
        self._closed = False
        self._offsets = array("Q", [0])
        self._codes = bytearray()
        self._at_least: list[array[int]] = [array("I") for _ in LEVELS[1:]]
        self._cache: OrderedDict[int, LogLine] = OrderedDict()
        self._rebuild()

    # --- writing ----------------------------------------------------------------------

    def append(self, entries: Sequence[LogEntry]) -> range:
        """Store `entries` with one write and return their indices.

        If the file cannot be written (disk full), it is cut back to its last whole record
        and the spool moves to memory, taking what the file held: no line is lost.
        """
        self._check_open()
        first = len(self)
        if not entries:
            return range(first, first)
        encoded = [_encode(entry) for entry in entries]
        records = [record for _, record in encoded]
        data = b"".join(records)
        try:
            self._store.write(data)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self._store.cut(self._offsets[-1])
            if isinstance(self._store, MemoryStore):
                raise
            self._to_memory(exc)
            self._store.write(data)
        self._index(bytes(code for code, _ in encoded), map(len, records))
        return range(first, len(self))

    def _index(self, codes: bytes, lengths: Iterable[int]) -> None:
        """Publish records already in the file: their level codes and byte lengths."""
        first = len(self._codes)
        self._codes += codes
        for threshold, at_least in enumerate(self._at_least, start=1):
            at_least.extend([first + k for k, code in enumerate(codes) if code >= threshold])
        # Offsets go last: a reader's length snapshot must never outrun codes or data.
        self._offsets.extend(islice(accumulate(lengths, initial=self._offsets[-1]), 1, None))

    def _fell_back(self, error: OSError) -> None:
        if self._on_memory is not None:
            where = self.path.parent if self.path is not None else "the log cache"
            self._on_memory(f"{where}: {error.strerror or type(error).__name__}")

    def _to_memory(self, error: OSError) -> None:
        with self._lock:
            kept = self._store.read(0, self._offsets[-1])
            with contextlib.suppress(OSError):
                self._store.close()
            self._store = MemoryStore(kept)
        self._fell_back(error)

    def _rebuild(self) -> None:
        """Index an existing file; a torn last record (a crash mid-write) is cut off."""
        size = self._store.size()
        position = 0
        carry = b""
        while position < size:
            with self._lock:
                data = self._store.read(position, _CHUNK_BYTES)
            if not data:
                break
            position += len(data)
            *records, carry = (carry + data).split(b"\n")
            self._index(bytes(map(_code_of, records)), (len(record) + 1 for record in records))
        if carry:
            self._store.cut(self._offsets[-1])

    # --- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def line(self, index: int) -> LogLine:
        """The line at `index` (a small LRU keeps recently shown lines decoded)."""
        if not 0 <= index < len(self):
            raise IndexError(f"log line {index} out of range 0..{len(self) - 1}")
        with self._lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
                return cached
        line = _decode(index, self._read(index, index + 1))
        with self._lock:
            self._cache[index] = line
            if len(self._cache) > _CACHE_LINES:
                self._cache.popitem(last=False)
        return line

    def lines(self, start: int, stop: int) -> list[LogLine]:
        """Lines `start` ≤ i < `stop`, clipped to the spool, read in large blocks."""
        return list(self.iter_lines(start, stop))

    def iter_lines(
        self, start: int = 0, stop: int | None = None, *, backwards: bool = False
    ) -> Iterator[LogLine]:
        """Stream lines (last first, `backwards`) without filling the cache: for exports
        and scans in threads."""
        for first, data in self._blocks(start, stop, backwards=backwards):
            records = data.split(b"\n")[:-1]
            offsets = range(len(records) - 1, -1, -1) if backwards else range(len(records))
            for offset in offsets:
                yield _decode(first + offset, records[offset])

    def level_of(self, index: int) -> str:
        """The canonical level of a line (unknown names rank, and read, as info)."""
        return LEVELS[self._codes[index]]

    def at_least(self, level: str) -> Sequence[int]:
        """Sorted indices of the lines at or above `level`; it grows with later appends,
        so take its length when you need a stable view. Do not modify it."""
        code = level_code(level)
        return range(len(self)) if code == 0 else self._at_least[code - 1]

    def with_levels(
        self, levels: Collection[str], start: int = 0, stop: int | None = None
    ) -> Iterator[int]:
        """Indices of the lines whose level is one of `levels`."""
        wanted = {level_code(level) for level in levels}
        codes = self._codes
        for index in range(start, self._stop(stop)):
            if codes[index] in wanted:
                yield index

    def last_entries(self) -> tuple[datetime | None, list[dict[str, Any]]]:
        """The last timestamp and the raw entries at it, in order: a log cursor's state.

        Entries without a timestamp are skipped; the run ends at the first older entry.
        """
        last: datetime | None = None
        found: list[dict[str, Any]] = []
        for line in self.iter_lines(backwards=True):
            if line.timestamp is None:
                continue
            if last is None:
                last = line.timestamp
            if line.timestamp != last:
                break
            found.append(line.raw)
        found.reverse()
        return last, found

    # --- searching --------------------------------------------------------------------

    def find(
        self, query: str, start: int, *, backwards: bool = False, **options: Unpack[SearchOptions]
    ) -> int | None:
        """The first matching line at or after `start` (at or before it, `backwards`).

        Like every search here it raises `re.error` for an invalid regex and is safe to
        call from a worker thread.
        """
        if backwards:
            hits = self._search(query, options, 0, start + 1, backwards=True)
        else:
            hits = self._search(query, options, start, None)
        return next(hits, None)

    def matches(
        self, query: str, start: int = 0, stop: int | None = None, **options: Unpack[SearchOptions]
    ) -> Iterator[int]:
        """Indices of the matching lines in order, lazily, so a worker can stop any time."""
        return self._search(query, options, start, stop)

    def count(
        self, query: str, start: int = 0, stop: int | None = None, **options: Unpack[SearchOptions]
    ) -> int:
        """How many lines match."""
        return sum(1 for _ in self._search(query, options, start, stop))

    def _search(
        self,
        text: str,
        options: SearchOptions,
        start: int,
        stop: int | None,
        *,
        backwards: bool = False,
    ) -> Iterator[int]:
        query = Query(text, regex=options.get("regex", False), case=options.get("case", False))
        if not text:
            return iter(())
        levels = options.get("levels")
        wanted = None if levels is None else {level_code(level) for level in levels}
        return self._scan(query, wanted, start, stop, backwards)

    def _scan(
        self, query: Query, wanted: set[int] | None, start: int, stop: int | None, backwards: bool
    ) -> Iterator[int]:
        codes = self._codes
        for first, data in self._blocks(start, stop, backwards=backwards):
            records = data.split(b"\n")
            candidates = query.candidates(first, data, self._offsets)
            for index in reversed(candidates) if backwards else candidates:
                if wanted is not None and codes[index] not in wanted:
                    continue
                if query.pattern.search(_searchable(records[index - first])):
                    yield index

    # --- plumbing ---------------------------------------------------------------------

    def _stop(self, stop: int | None) -> int:
        size = len(self)
        return size if stop is None else max(0, min(stop, size))

    def _blocks(
        self, start: int, stop: int | None, *, backwards: bool = False
    ) -> Iterator[tuple[int, bytes]]:
        """Records `start` ≤ i < `stop` as (first index, newline-terminated records) blocks
        of about 1 MiB, last block first when `backwards`."""
        stop = self._stop(stop)
        start = max(0, start)
        offsets = self._offsets
        while start < stop:
            if backwards:
                first = max(start, bisect_left(offsets, offsets[stop] - _CHUNK_BYTES, start, stop))
                first = min(first, stop - 1)
                last = stop
            else:
                first = start
                last = bisect_right(offsets, offsets[start] + _CHUNK_BYTES, start + 1, stop + 1)
                last = max(last - 1, start + 1)
            yield first, self._read(first, last)
            if backwards:
                stop = first
            else:
                start = last

    def _read(self, first: int, last: int) -> bytes:
        """The bytes of records `first` ≤ i < `last` (newline-terminated)."""
        begin, end = self._offsets[first], self._offsets[last]
        with self._lock:
            self._check_open()
            return self._store.read(begin, end - begin)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"log spool {self.path or '(in memory)'} is closed")

    def close(self) -> None:
        """Release the file handles; further reads and appends raise ValueError."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class SearchOptions(TypedDict, total=False):
    """How `find`, `matches` and `count` read their query."""

    regex: bool  # the query is a regular expression (default: plain text)
    case: bool  # match case (default: ignore it)
    levels: Collection[str] | None  # only lines at these levels (default: all)


class Query:
    """A compiled search: plain text (escaped) or a regex, case-insensitive by default.

    For a plain ASCII query it also keeps the query as it looks inside a JSON record, so
    whole blocks of records can be rejected with a byte search before any is decoded.
    Raises `re.error` for an invalid regex.
    """

    def __init__(self, text: str, *, regex: bool = False, case: bool = False) -> None:
        self.text = text
        self.regex = regex
        self.case = case
        flags = 0 if case else re.IGNORECASE
        self.pattern = re.compile(text if regex else re.escape(text), flags)
        needle = None
        if not regex and text.isascii():
            needle = json.dumps(text)[1:-1].encode("ascii")
            needle = needle if case else needle.lower()
        self._needle = needle

    def candidates(self, first: int, block: bytes, offsets: Sequence[int]) -> Sequence[int]:
        """Indices of the records in `block` (which starts with record `first`) that may
        match: a superset of the true matches, in order."""
        last = first + block.count(b"\n")
        if self._needle is None:
            return range(first, last)
        hay = block if self.case else block.lower()
        hits = set(_positions(hay, self._needle))
        hits.update(match.start() for match in _HAZARD.finditer(block))
        base = offsets[first]
        return sorted(
            {bisect_right(offsets, base + position, first, last + 1) - 1 for position in hits}
        )


def _positions(hay: bytes, needle: bytes) -> Iterator[int]:
    position = hay.find(needle)
    while position >= 0:
        yield position
        position = hay.find(needle, position + len(needle))


def _code_of(record: bytes) -> int:
    code = record[1] - 0x30 if len(record) > 1 else _INFO
    return code if 0 <= code < len(LEVELS) else _INFO


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _encode(entry: LogEntry) -> tuple[int, bytes]:
    level = normalise_level(entry.level)
    code = _CODES.get(level, _INFO)
    raw = entry.raw
    fields: list[Any] = [
        code,
        None if entry.timestamp is None else _micros(entry.timestamp),
        None if level == LEVELS[code] else level,
        None if raw.get("message") == entry.message else entry.message,
        raw,
    ]
    try:
        text = _to_json(fields)
    except (ValueError, TypeError, RecursionError):
        # A raw object JSON cannot hold (a cycle): keep the line, drop the extras.
        fields[3:] = [entry.message, {}]
        text = _to_json(fields)
    return code, text.encode("ascii") + b"\n"


# What reading a record damaged outside this class raises (UnicodeDecodeError is a
# ValueError); such a record reads as a placeholder instead of failing the view.
_DAMAGED = (ValueError, TypeError, KeyError, IndexError)
_UNREADABLE = "(unreadable log record)"


def _fields(record: bytes) -> tuple[int, int | None, str | None, Any, dict[str, Any]]:
    code, micros, level, message, raw = _from_json(record.decode("ascii"))
    return code, micros, level, raw["message"] if message is None else message, raw


def _decode(index: int, record: bytes) -> LogLine:
    try:
        code, micros, level, message, raw = _fields(record)
        timestamp = None if micros is None else _EPOCH + timedelta(microseconds=micros)
        return LogLine(index, timestamp, level or LEVELS[code], _text(message, raw), raw)
    except _DAMAGED:
        return LogLine(index, None, "error", _UNREADABLE, {})


def _searchable(record: bytes) -> str:
    """A record's `LogLine.text`, without building the rest of the line: searches decode
    many records and show none."""
    try:
        _, _, _, message, raw = _fields(record)
        return _text(message, raw)
    except _DAMAGED:
        return _UNREADABLE


def _text(message: object, raw: Mapping[str, Any]) -> str:
    progress = ProgressRecord.from_entry(dict(raw))
    if progress is not None:
        message = _progress_text(progress)
    parts = [message if isinstance(message, str) else str(message)]
    stack = raw.get("stack")
    if isinstance(stack, list):
        parts.extend(str(frame).rstrip("\n") for frame in stack)
    elif isinstance(stack, str) and stack:
        parts.append(stack.rstrip("\n"))
    return clean("\n".join(parts))


def _progress_text(record: ProgressRecord) -> str:
    """`progress · Epoch 3/12: train 50/100` instead of the bare word the SDK logs."""
    if record.current_label and record.total_label:
        amount = f"{record.current_label} / {record.total_label}"
    elif record.total is not None:
        amount = f"{record.current}/{record.total}"
    else:
        amount = "" if record.current is None else str(record.current)
    return " ".join(part for part in ("progress ·", record.subtask, amount) if part)
