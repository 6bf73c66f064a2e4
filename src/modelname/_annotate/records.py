"""Input rows: the reader base, plain text and JSON lines, and the repair of text UTF-8 cannot write.

Readers yield ``(line, value, error)``: ``line`` is the 1-based line number where the row starts
(the row number for Parquet), ``value`` is a name (``str``) or a record (``dict``), and ``error`` a
short reason when the row could not be read (broken JSON, bytes that are not UTF-8) — such rows
are reported, never dropped.  Everything streams: memory stays flat whatever the listing's size.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from typing import Any, BinaryIO

__all__ = ["InputError", "MissingExtra", "Reader", "TextReader", "JSONLinesReader", "scrub"]


_PEEK_RECORDS = 1000  # JSON records read ahead to learn the pass-through columns


TOO_LONG_NUMBER = "broken JSON: a number with more digits than can be read (over 4,300)"


class InputError(ValueError):
    """The input as a whole cannot be read (unknown format, no name column, not Parquet)."""


class MissingExtra(InputError):
    """An optional dependency (pyarrow) is needed and not installed."""


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A character UTF-8 cannot encode: a lone surrogate (a ``\\ud800`` JSON escape, or a byte that was not
UTF-8 decoded with ``surrogateescape``)."""


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


_ESCAPED_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _bad_text(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _find_surrogate(value: Any) -> tuple[str, str] | None:
    """Where the first character UTF-8 cannot encode is in ``value`` (a path such as ``tags[2]``), and it.

    Walks dicts, lists and tuples without recursion, so any nesting depth is fine.
    """
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _bad_text(item):
                return path, _SURROGATE.search(item).group()  # type: ignore[union-attr]
        elif isinstance(item, dict):
            entries = list(item.items())
            for key, sub in reversed(entries):
                stack.append((sub, f"{path}.{key}" if path else str(key)))
            for key, _ in entries:  # keys are checked before values: a bad key names no path of its own
                if isinstance(key, str) and _bad_text(key):
                    return f"a key of {path}" if path else "a column name", _SURROGATE.search(key).group()  # type: ignore[union-attr]
        elif isinstance(item, (list, tuple)):
            for i in range(len(item) - 1, -1, -1):
                stack.append((item[i], f"{path}[{i}]"))
    return None


def _repaired(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD (a copy where anything changed)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _bad_text(value) else value
    if isinstance(value, dict):
        return {_repaired(k): _repaired(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_repaired(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_repaired(v) for v in value)
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str, limit: int = 80) -> str:
    """``text`` for a one-line message: control characters escaped, the middle of a long text cut."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    if len(text) > limit:
        text = f"{text[: limit // 2]}…{text[-(limit // 2) :]}"
    return text


def scrub(value: Any, undecodable: bool = False) -> tuple[Any, str | None]:
    """``value`` made writable as UTF-8, and why it had to be (None when it was fine).

    Each character UTF-8 cannot encode — a lone surrogate from a ``\\ud800`` JSON escape or from
    Python, or (``undecodable``: the text was decoded with ``surrogateescape``) a byte that was not
    UTF-8 — becomes U+FFFD, and the reason names the first one and where it was
    (``not UTF-8 text in tags[1]: byte 0xff, written as U+FFFD``).
    """
    found = _find_surrogate(value)
    if found is None:
        return value, None
    path, char = found
    where = f" in {_printable(path)}" if path else ""
    code = ord(char)
    if undecodable and 0xDC80 <= code <= 0xDCFF:
        reason = f"not UTF-8 text{where}: byte 0x{code - 0xDC00:02x}, written as U+FFFD"
    else:
        reason = f"text UTF-8 cannot encode{where}: lone surrogate \\u{code:04x}, written as U+FFFD"
    try:
        return _repaired(value), reason
    except RecursionError:
        return None, f"{reason.rpartition(',')[0]}, nested too deeply to repair"


class Reader:
    """One input: iterate for ``(line, value, error)``; ``columns`` are its own columns."""

    format: str = "text"
    columns: list[str]
    """The input's columns in order (CSV header, Parquet schema, keys of the first JSON records); [] for text."""
    types: dict[str, Any]
    """Arrow types of columns when the input has them (Parquet), for writing Parquet back."""

    def __init__(self, stream: BinaryIO, label: str, total: int | None) -> None:
        self.stream = stream
        self.owns_stream = True
        self.label = label
        self.total = total
        self.done = 0
        self.columns = []
        self.types = {}

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        raise NotImplementedError

    def progress(self) -> tuple[int, int | None]:
        """Work done and total, in bytes (rows for Parquet); total None when unknown (stdin)."""
        return self.done, self.total

    def close(self) -> None:
        if self.owns_stream:
            self.stream.close()


class TextReader(Reader):
    """One name per line; blank lines are not rows."""

    format = "text"

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        for number, raw in enumerate(self.stream, 1):
            self.done += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:  # kept, flagged, with U+FFFD for the bytes
                error = f"not UTF-8 text: byte {err.start + 1} of the line, written as U+FFFD"
                yield number, raw.decode("utf-8", "replace").strip(), error
                continue
            text = text.strip()
            if text:
                yield number, text, None


class _RecordReader(Reader):
    """A reader of JSON records whose column names are read from the first rows ahead of time."""

    def _start_records(self) -> None:
        self._ahead: deque[tuple[int, Any, str | None]] = deque()
        self._rows = self._read()
        self.columns = _peek_columns(self._rows, self._ahead)

    def _read(self) -> Iterator[tuple[int, Any, str | None]]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        while self._ahead:
            yield self._ahead.popleft()
        yield from self._rows


class JSONLinesReader(_RecordReader):
    """One JSON value per line (a record, or a name as a JSON string); blank lines are not rows."""

    format = "jsonl"

    def __init__(self, stream: BinaryIO, label: str, total: int | None) -> None:
        super().__init__(stream, label, total)
        self._start_records()

    def _read(self) -> Iterator[tuple[int, Any, str | None]]:
        loads = json.loads
        for number, raw in enumerate(self.stream, 1):
            self.done += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            try:
                text, undecodable = raw.decode("utf-8"), False
            except UnicodeDecodeError:  # the bytes become lone surrogates, found and repaired below
                text, undecodable = raw.decode("utf-8", "surrogateescape"), True
            try:
                value = loads(text)
            except json.JSONDecodeError as err:
                yield number, None, f"broken JSON: {err.msg}: column {err.colno}"
                continue
            except RecursionError:
                yield number, None, "broken JSON: nested too deeply"
                continue
            except ValueError:  # an integer longer than Python's limit for reading one (4,300 digits)
                yield number, None, TOO_LONG_NUMBER
                continue
            error = None
            if undecodable or (b"\\u" in raw and _ESCAPED_SURROGATE_BYTES.search(raw)):
                value, error = scrub(value, undecodable)
            yield number, value, error


def _peek_columns(rows: Iterator[tuple[int, Any, str | None]], ahead: deque) -> list[str]:
    """Read up to 1,000 rows ahead and return the record keys seen, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in rows:
        ahead.append(row)
        if isinstance(row[1], dict):
            for key in row[1]:
                seen.setdefault(str(key), None)
        if len(ahead) >= _PEEK_RECORDS:
            break
    return list(seen)
