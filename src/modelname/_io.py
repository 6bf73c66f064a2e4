"""Readers and writers for ``modelname annotate``: listings in, annotated rows out.

Everything here streams: a reader yields one input row at a time and a writer
takes one output row at a time, so memory stays flat whatever the listing's size.

Readers yield ``(line, value, error)``: ``line`` is the 1-based line number
where the row starts (the row number for Parquet), ``value`` is a name (``str``)
or a record (``dict``), and ``error`` a short reason when the row could not be
read (broken JSON, bytes that are not UTF-8) — such rows are reported, never
dropped.  A row with a flaw that leaves its values readable (bytes that are not
UTF-8, text UTF-8 cannot encode, a CSV row with too few cells) has both a value and
an error: its text is repaired (U+FFFD) so that every writer can write it.
pyarrow is imported only for Parquet.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO

__all__ = [
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "InputError",
    "MissingExtra",
    "Reader",
    "open_reader",
    "detect_input_format",
    "output_format_for",
    "Writer",
    "open_writer",
    "AtomicFile",
    "StreamFile",
    "open_output",
    "scrub",
]

INPUT_FORMATS = ("text", "json", "jsonl", "csv", "tsv", "parquet")
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")

_INPUT_EXTENSIONS = {
    ".txt": "text",
    ".lst": "text",
    ".list": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_OUTPUT_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_PEEK_RECORDS = 1000  # JSON records read ahead to learn the pass-through columns
_PARQUET_BATCH = 8192


class InputError(ValueError):
    """The input as a whole cannot be read (unknown format, no name column, not Parquet)."""


class MissingExtra(InputError):
    """An optional dependency (pyarrow) is needed and not installed."""


# --------------------------------------------------------------------------- text UTF-8 cannot encode

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


# --------------------------------------------------------------------------- format detection


def detect_input_format(path: str | None, head: bytes) -> str:
    """The input format from ``path``'s extension, else from the first bytes ``head``."""
    if path is not None:
        suffixes = [s.lower() for s in Path(path).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            raise InputError(f"{path}: compressed input is not read; decompress it and pipe it in")
        if suffixes and suffixes[-1] in _INPUT_EXTENSIONS:
            fmt = _INPUT_EXTENSIONS[suffixes[-1]]
            if fmt == "json" and _first_char(head) == "{" and _first_line_is_json(head):
                return "jsonl"  # JSON lines saved as .json
            return fmt
    if head.startswith(b"PAR1"):
        return "parquet"
    first = _first_char(head)
    if first == "[":
        return "json"
    if first == "{":
        return "jsonl" if _first_line_is_json(head) else "json"
    line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if b"\t" in line:
        return "tsv"
    if b"," in line and any(c in line.split(b",") for c in (b"id", b"modelId", b"name", b'"id"')):
        return "csv"
    return "text"


def _first_char(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(text[0]) if text else ""


def _first_line_is_json(head: bytes) -> bool:
    line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def output_format_for(path: str | None, fmt: str | None) -> str:
    """``fmt`` if given, else the one ``path``'s extension names, else JSON lines."""
    if fmt:
        return fmt
    if path and path != "-":
        return _OUTPUT_EXTENSIONS.get(Path(path).suffix.lower(), "jsonl")
    return "jsonl"


# --------------------------------------------------------------------------- readers


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
            error = None
            if undecodable or (b"\\u" in raw and _ESCAPED_SURROGATE_BYTES.search(raw)):
                value, error = scrub(value, undecodable)
            yield number, value, error


class JSONArrayReader(_RecordReader):
    """A JSON array of records (or of names), read incrementally with ``raw_decode``.

    The text is read in chunks into a buffer that only ever holds the record being
    decoded and what follows it, so a listing of any size takes constant memory.
    A stream of values not wrapped in ``[ ]`` (concatenated or pretty-printed
    objects) is read the same way.

    A broken record becomes one error row; reading resumes after its closing
    bracket, or, for a record cut short, at the next line that starts a value at
    the broken record's indentation or less (see ``_resync``).
    """

    format = "json"
    CHUNK = 1 << 16
    MAX_RECORD = 64 << 20

    def __init__(self, stream: BinaryIO, label: str, total: int | None) -> None:
        super().__init__(stream, label, total)
        # bytes that are not UTF-8 become lone surrogates: a record holding them is flagged and repaired
        self._text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
        self._decoder = json.JSONDecoder()
        self._start_records()

    def close(self) -> None:
        if self.owns_stream:
            self._text.close()
        else:
            self._text.detach()

    # The buffer ``buf`` holds text from the file; ``pos`` is the reading place in it and
    # ``line`` the line number at ``pos``.  ``_fill`` drops what is before ``pos``.

    def _fill(self, at_least: int = 0) -> bool:
        chunk = self._text.read(max(self.CHUNK, at_least))
        if not chunk:
            self._eof = True
            return False
        self.done += len(chunk)
        if self.total is not None:
            self.done = min(self.done, self.total)
        self._base += self._pos
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _advance(self, to: int) -> None:
        newlines = self._buf.count("\n", self._pos, to)
        if newlines:
            self._line += newlines
            self._line_start = self._base + self._buf.rfind("\n", self._pos, to) + 1
        self._pos = to

    def _column(self, at: int) -> int:
        """1-based column of buffer position ``at`` (its line may have begun before the buffer)."""
        newline = self._buf.rfind("\n", self._pos, at)
        line_start = self._base + newline + 1 if newline >= 0 else self._line_start
        return self._base + at - line_start + 1

    def _skip_space(self, extra: str = "") -> str:
        """Move past whitespace (and characters in ``extra``); the next character, or '' at the end."""
        while True:
            buf, pos = self._buf, self._pos
            n = len(buf)
            while pos < n and (buf[pos] in " \t\r\n" or buf[pos] in extra):
                pos += 1
            self._advance(pos)
            if pos < n:
                return buf[pos]
            if not self._fill():
                return ""

    def _read(self) -> Iterator[tuple[int, Any, str | None]]:
        self._buf, self._pos, self._line, self._eof = "", 0, 1, False
        self._base = self._line_start = 0  # text offsets of the buffer's start and of the line at ``pos``
        first = self._skip_space("\ufeff")
        wrapped = first == "["
        if wrapped:
            self._advance(self._pos + 1)
        while True:
            ch = self._skip_space(",")
            if ch == "":
                return
            if wrapped and ch == "]":  # the array's end: what follows is read too, never dropped unseen
                self._advance(self._pos + 1)
                ch = self._skip_space()
                if ch == "":
                    return
                if ch == "[":  # another array: pages of a listing appended to one file
                    self._advance(self._pos + 1)
                else:  # text after the array is read as values (and flagged when it is not one)
                    wrapped = False
                continue
            start_line = self._line
            indent = self._pos - (self._buf.rfind("\n", 0, self._pos) + 1)
            value, error = self._decode()
            if error is None:
                yield start_line, *self._checked(value)
            else:
                yield start_line, None, error
                self._resync(indent)

    def _decode(self) -> tuple[Any, str | None]:
        while True:
            buf, pos = self._buf, self._pos
            try:
                value, end = self._decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as err:
                near_end = err.pos >= len(buf) - 12 or err.msg.startswith("Unterminated string")
                # the record goes on past the buffer: read as much again (so a long record is decoded
                # a logarithmic number of times, not once per chunk)
                if (
                    near_end
                    and not self._eof
                    and len(buf) - pos < self.MAX_RECORD
                    and self._fill(len(buf) - pos)
                ):
                    continue
                if near_end and len(buf) - pos >= self.MAX_RECORD:
                    return None, "broken JSON: a record longer than 64 MiB"
                if err.pos >= len(buf.rstrip()) or err.msg.startswith("Unterminated string"):
                    return None, "broken JSON: the input ends inside a record"
                return None, f"broken JSON: {err.msg}: column {self._column(err.pos)}"
            except RecursionError:
                return None, "broken JSON: nested too deeply"
            if end == len(buf) and not self._eof and not isinstance(value, (dict, list, str)):
                if self._fill():  # a number or literal may go on in the next chunk
                    continue
            text = buf[pos:end]
            self._undecodable = not text.isascii() and _SURROGATE.search(text) is not None
            self._escaped = "\\u" in text and _ESCAPED_SURROGATE.search(text) is not None
            self._advance(end)
            return value, None

    def _checked(self, value: Any) -> tuple[Any, str | None]:
        """The record just decoded, repaired and flagged if its text held bytes that are not UTF-8 or
        ``\\ud800`` escapes of lone surrogates."""
        if self._undecodable or self._escaped:
            return scrub(value, self._undecodable)
        return value, None

    def _resync(self, indent: int) -> None:
        """After a broken record that starts at the reading place: move to where the next one starts.

        Whichever comes first: the end of the broken record by its brackets (most breakage — a
        missing comma or quote — leaves them balanced, even on one long line), or a line that starts
        a value at the record's indentation or less (a record cut short, the next on its own line).
        Past 64 MiB undecided, fall back to the line rule alone.
        """
        while True:
            buf, start = self._buf, self._pos
            depth = 0
            for match in _SCAN.finditer(buf, start):
                ch = buf[match.start()]
                if ch == '"':
                    continue
                if ch == "\n":
                    i = match.end()
                    while i < len(buf) and buf[i] in " \t\r":
                        i += 1
                    if i >= len(buf):
                        break  # the next line is not in the buffer yet
                    if i - match.end() <= indent and buf[i] in '{["]':
                        self._advance(i)
                        return
                    continue
                depth += 1 if ch in "{[" else -1
                if depth <= 0:  # the record's end (or the array's, for a broken scalar)
                    # a stray closing bracket where a value should start is passed over, never stopped at
                    stray = depth < 0 and match.start() == start
                    self._advance(match.end() if depth == 0 or stray else match.start())
                    return
            # undecided at the end of the buffer: read as much again and look again
            if len(buf) - start >= self.MAX_RECORD or not self._fill(len(buf) - start):
                self._recover(indent)
                return

    def _recover(self, indent: int) -> None:
        """Skip to the next line whose first value starts at column ``indent`` or less."""
        while True:
            newline = self._buf.find("\n", self._pos)
            while newline < 0:  # drop what was looked at, so a very long line is not held whole
                self._advance(len(self._buf))
                if not self._fill():
                    return
                newline = self._buf.find("\n", self._pos)
            self._advance(newline + 1)
            # look at the next line's first non-blank character
            while True:
                buf, pos = self._buf, self._pos
                stripped = pos
                while stripped < len(buf) and buf[stripped] in " \t\r":
                    stripped += 1
                if stripped < len(buf) or not self._fill():
                    break
            buf = self._buf
            if stripped >= len(buf):
                self._advance(len(buf))
                return
            if stripped - self._pos <= indent and buf[stripped] in '{["]':
                return


_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]\n]')  # a JSON string, a bracket or a newline


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


class _Lines:
    """The physical lines of a CSV input, handed to ``csv.reader`` one at a time.

    ``taken`` holds the lines ``(number, text, undecodable)`` the record being read has taken, so
    that a broken record can be taken apart: the lines after its first are put back (``back``) and
    read again as rows of their own.  A record is cut off (the csv module is told the data ends)
    after ``limit`` lines.  Bytes that are not UTF-8 are decoded as lone surrogates and the line is
    marked, so the record can be repaired and flagged.
    """

    def __init__(self, owner: Reader, limit: int) -> None:
        self.owner = owner
        self.limit = limit
        self.number = 0
        self.taken: list[tuple[int, str, bool]] = []
        self.back: deque[tuple[int, str, bool]] = deque()
        self.over = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= self.limit:
            self.over = True
            raise StopIteration
        if self.back:
            item = self.back.popleft()
        else:
            raw = self.owner.stream.readline()
            if not raw:
                raise StopIteration
            self.owner.done += len(raw)
            self.number += 1
            if self.number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                item = (self.number, raw.decode("utf-8"), False)
            except UnicodeDecodeError:
                item = (self.number, raw.decode("utf-8", "surrogateescape"), True)
        self.taken.append(item)
        return item[1]


class CSVReader(Reader):
    """A header row and one record per row (comma- or tab-separated).

    Every record is one output row with the line it starts on; a record that cannot be read is
    flagged, never dropped and never allowed to take other rows with it.  A quoted field may hold
    line breaks, but a record that spans lines is taken as an unbalanced quote — flagged on its first
    line, the lines after it read again as rows — when the csv module cannot close it (a quote
    followed by text, the end of the file inside it), when it runs past :attr:`MAX_RECORD_LINES`
    lines, when it has a different number of cells than the header, when its name cell holds a line
    break, or when a line it took in is, read alone, a row with a name of its own.  A row with too few
    or too many cells, or bytes that are not UTF-8, keeps its cells and is flagged.
    """

    format = "csv"
    MAX_RECORD_LINES = 1000
    """Lines one record may span (a quoted field with line breaks); past this it is a broken quote."""

    def __init__(self, stream: BinaryIO, label: str, total: int | None, delimiter: str = ",") -> None:
        super().__init__(stream, label, total)
        if delimiter == "\t":
            self.format = "tsv"
        self.delimiter = delimiter
        self.name_column: str | None = None
        """The column holding the names (set by the caller): a multi-line name cell is a broken quote."""
        self._lines = _Lines(self, self.MAX_RECORD_LINES)
        self._reader = csv.reader(self._lines, delimiter=delimiter, strict=True)
        self.columns = self._header()

    def _header(self) -> list[str]:
        fmt = self.format.upper()
        record = self._record()
        if record is None:
            return []
        cells, error, taken = record
        if error is None and len(taken) > 1:
            error = f"a quoted field runs on to line {taken[-1][0]}"
        if error is not None:
            raise InputError(f"{self.label}: line 1: the header is not one line of {fmt}: {error}")
        for i, cell in enumerate(cells):  # type: ignore[arg-type]
            if _bad_text(cell):
                byte = ord(_SURROGATE.search(cell).group()) - 0xDC00  # type: ignore[union-attr]
                raise InputError(
                    f"{self.label}: line 1: the header is not UTF-8 text (column {i + 1}, byte 0x{byte:02x})"
                )
        return [h.strip() for h in cells]  # type: ignore[union-attr]

    def _record(self) -> tuple[list[str] | None, str | None, list[tuple[int, str, bool]]] | None:
        """The next record as the csv module reads it: cells, or None and why not; and the lines it took."""
        lines = self._lines
        lines.taken, lines.over = [], False
        try:
            cells, error = next(self._reader), None
        except StopIteration:
            if not lines.taken:
                return None
            cells, error = [], None  # only blank lines were left
        except csv.Error as err:
            cells, error = None, str(err)
        if lines.over:
            cells, error = None, f"more than {self.MAX_RECORD_LINES} lines"
        elif error == "unexpected end of data":
            error = "the file ends inside a quoted field"
        return cells, error, lines.taken

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        columns = self.columns
        width = len(columns)
        broken = f"broken {self.format.upper()}"
        while True:
            record = self._record()
            if record is None:
                return
            cells, error, taken = record
            start = taken[0][0]
            if error is None and len(taken) > 1:
                error = self._swallowed(cells, taken)  # type: ignore[arg-type]
            if error is not None:
                if len(taken) > 1:  # read the lines the broken quote took in again, as rows of their own
                    self._lines.back.extendleft(reversed(taken[1:]))
                    error = f"unbalanced quote, the field runs on to line {taken[-1][0]} ({error})"
                yield start, None, f"{broken}: {error}"
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line is not a row
            row: dict[str, Any] = dict(zip(columns, cells))  # type: ignore[arg-type]
            problems = []
            if len(cells) != width:  # type: ignore[arg-type]
                problems.append(f"{broken}: {len(cells)} cells where the header has {width}")  # type: ignore[arg-type]
                for column in columns[len(cells) :]:  # type: ignore[arg-type]
                    row[column] = None
            if any(line[2] for line in taken):
                row, problem = scrub(row, True)
                if problem is not None:
                    problems.append(problem)
            yield start, row, "; ".join(problems) or None

    def _swallowed(self, cells: list[str], taken: list[tuple[int, str, bool]]) -> str | None:
        """Why a record spanning lines is an unbalanced quote rather than a quoted line break, or None."""
        width = len(self.columns)
        if len(cells) != width:
            return f"{len(cells)} cells where the header has {width}"
        name = self.columns.index(self.name_column) if self.name_column in self.columns else None
        if name is None:
            return None
        if "\n" in cells[name] or "\r" in cells[name]:
            return "the name cell holds a line break"
        for number, text, _ in taken[1:]:
            if self._is_row(text, name):
                return f"line {number} in it is a row of its own"
        return None

    def _is_row(self, text: str, name: int) -> bool:
        """Whether ``text``, read alone, is a complete row whose name cell looks like a name (no spaces)."""
        try:
            cells = next(csv.reader([text], delimiter=self.delimiter, strict=True))
        except (csv.Error, StopIteration):
            return False
        if len(cells) != len(self.columns):
            return False
        value = cells[name]
        return bool(value) and not any(c.isspace() or c == '"' for c in value)


class ParquetReader(Reader):
    """A Parquet file read row group by row group, batch by batch; ``line`` is the row number.

    A row group that cannot be read (a corrupt page: ``Corrupt snappy compressed data``) does not end
    the run: the rows it should hold (its row count is in the file's metadata) become error rows
    naming the row group and why, and reading goes on with the next one.  A batch whose values cannot
    be turned into Python values is converted row by row, so only the rows at fault are flagged.
    """

    format = "parquet"
    MAX_FLAGGED_ROWS = 1 << 24
    """Error rows an unreadable row group may stand for; a larger count in the metadata is not believed."""

    def __init__(self, stream: BinaryIO, label: str, total: int | None) -> None:
        super().__init__(stream, label, total)
        pq = _pyarrow_parquet()
        try:
            self._file = pq.ParquetFile(stream)
            schema = self._file.schema_arrow
            metadata = self._file.metadata
            self._groups = [max(0, metadata.row_group(i).num_rows) for i in range(metadata.num_row_groups)]
        except Exception as err:  # pyarrow raises ArrowInvalid, OSError and others
            raise InputError(f"{label}: not a Parquet file: {_one_line(err)}") from None
        self.columns = list(schema.names)
        self.types = {field.name: field.type for field in schema}
        self.total = sum(self._groups)

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        number = 0
        for group, expected in enumerate(self._groups):
            batches = self._file.iter_batches(batch_size=_PARQUET_BATCH, row_groups=[group])
            read = 0
            while True:
                try:
                    batch = next(batches, None)
                    records = None if batch is None else _records(batch)
                except Exception as err:  # a corrupt page: the rest of this row group is lost
                    why = f"row group {group + 1} of {len(self._groups)} cannot be read: {_one_line(err)}"
                    missing = expected - read
                    if missing > self.MAX_FLAGGED_ROWS:
                        raise InputError(
                            f"{self.label}: {why}; its metadata claims {expected} rows"
                        ) from None
                    for _ in range(missing):
                        number += 1
                        self.done = number
                        yield number, None, f"unreadable Parquet: {why}"
                    break
                if records is None:
                    break
                for record, error in records:
                    number += 1
                    read += 1
                    self.done = number
                    yield number, record, error


def _records(batch: Any) -> list[tuple[Any, str | None]]:
    """A record batch's rows as dicts; a row whose values cannot be converted is an error of its own."""
    try:
        return [(record, None) for record in batch.to_pylist()]
    except Exception:
        pass
    out: list[tuple[Any, str | None]] = []
    for i in range(batch.num_rows):
        try:
            out.append((batch.slice(i, 1).to_pylist()[0], None))
        except UnicodeDecodeError as err:
            out.append(
                (None, f"not UTF-8 text in a Parquet string column: byte 0x{err.object[err.start]:02x}")
            )
        except Exception as err:
            out.append((None, f"unreadable Parquet value: {_one_line(err)}"))
    return out


def _one_line(err: BaseException) -> str:
    """An exception as one short line: its first line, or its type when it has no text."""
    lines = str(err).strip().splitlines()
    text = lines[0].strip() if lines else type(err).__name__
    return _printable(text, 200)


_READERS = {
    "text": TextReader,
    "json": JSONArrayReader,
    "jsonl": JSONLinesReader,
    "parquet": ParquetReader,
}


def open_reader(path: str, fmt: str | None = None) -> Reader:
    """Open ``path`` (``-`` for standard input) as a reader of format ``fmt`` (detected when None)."""
    owns = path != "-"
    if path == "-":
        label = "standard input"
        stream: BinaryIO = sys.stdin.buffer
        if not hasattr(stream, "peek"):  # a BytesIO under test runners
            stream = io.BufferedReader(stream)  # type: ignore[arg-type]
        total = None
    else:
        label = path
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed by Reader.close
        except OSError as err:
            raise InputError(f"cannot open {path}: {err.strerror}") from None
        try:
            total = os.fstat(stream.fileno()).st_size
        except OSError:
            total = None
    head = _peek(stream)
    if fmt is None:
        fmt = detect_input_format(None if path == "-" else path, head)
    if fmt == "parquet" and not _seekable(stream):
        stream, owns = _spool(stream), True
    try:
        if fmt in ("csv", "tsv"):
            reader: Reader = CSVReader(stream, label, total, delimiter="\t" if fmt == "tsv" else ",")
        else:
            reader = _READERS[fmt](stream, label, total)
    except BaseException:
        if owns:
            stream.close()
        raise
    reader.owns_stream = owns
    return reader


def _peek(stream: BinaryIO) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        try:
            return peek(4096)[:4096]
        except (OSError, ValueError):
            return b""
    return b""


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (OSError, ValueError):
        return False


def _spool(stream: BinaryIO) -> BinaryIO:
    """Copy a non-seekable stream (stdin) to a temporary file: Parquet is read from its end."""
    out = tempfile.TemporaryFile()
    while chunk := stream.read(1 << 20):
        out.write(chunk)
    out.seek(0)
    return out  # type: ignore[return-value]


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra("Parquet needs pyarrow: pip install 'modelname[parquet]'") from None
    return pq


# --------------------------------------------------------------------------- writers


class AtomicFile:
    """A file written under a temporary name in the same folder and renamed into place on ``commit``.

    An interrupted run leaves no file at the target (the temporary one is removed), never a
    truncated file that looks complete.  The data is flushed to disk (``fsync``) before the rename
    and the folder after it, so a crash of the machine leaves the old file or the new one.  A
    symlink is written through: its target is replaced, the link stays.
    """

    def __init__(self, path: str) -> None:
        self.path = _resolve(path)
        folder = os.path.dirname(self.path)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=folder)
        self.file: BinaryIO = os.fdopen(fd, "wb")

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        try:
            mode = os.stat(self.path).st_mode & 0o7777  # keep an existing file's permissions
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # what open() would have given (mkstemp makes 0600)
        os.chmod(self.tmp, mode)
        os.replace(self.tmp, self.path)
        _fsync_folder(os.path.dirname(self.path))

    def abort(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass
        finally:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass


class StreamFile:
    """An output that is not a regular file — a FIFO, ``/dev/null``, a terminal — written directly,
    as a shell redirection would: there is nothing to rename or remove.  ``/dev/stdout``,
    ``/dev/fd/N`` and ``/proc/self/fd/N`` are this process's descriptors: they are duplicated, not
    opened again, so a file the shell opened for appending (``>> log``) is appended to, not emptied."""

    def __init__(self, path: str, descriptor: int | None = None) -> None:
        self.path = path
        if descriptor is not None:
            self.file: BinaryIO = os.fdopen(os.dup(descriptor), "wb")
        else:
            self.file = open(path, "wb")  # noqa: SIM115 - closed by commit or abort

    def commit(self) -> None:
        self.file.close()

    def abort(self) -> None:
        try:
            self.file.close()
        except OSError:  # the reader of a FIFO went away
            pass


_FD_LINK = re.compile(r"/(?:proc/(self|thread-self|\d+)|dev)/fd/(\d+)|/dev/std(in|out|err)")
_STD = {"in": 0, "out": 1, "err": 2}


def open_output(path: str) -> AtomicFile | StreamFile:
    """The output for ``-o path``: a regular file (new, existing, or a symlink's target) is written
    atomically; a FIFO, a device or a descriptor (``/dev/stdout``) is written as a stream.

    Raises ``OSError`` with a reason when the path cannot be written (a folder, a symlink loop).
    """
    kind, descriptor = _descriptor(path)
    if kind:
        return StreamFile(path, descriptor)
    try:
        mode = os.stat(path).st_mode  # follows symlinks
    except FileNotFoundError:
        mode = None  # a new file, or a symlink to a file still to be made
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a folder", path)
        if not stat.S_ISREG(mode):
            return StreamFile(path)
    return AtomicFile(path)


def _descriptor(path: str) -> tuple[bool, int | None]:
    """Whether ``path`` is, or links through, ``/dev/stdout``, ``/dev/fd/N`` or ``/proc/PID/fd/N``,
    and the descriptor's number when it is this process's.

    Such a path names an open descriptor, maybe onto a file the shell opened for appending: it is
    written to, never replaced.
    """
    current = os.path.abspath(path)
    for _ in range(40):
        match = _FD_LINK.fullmatch(current)
        if match:
            pid, number, std = match.groups()
            if std is not None:
                return True, _STD[std]
            if pid in (None, "self", "thread-self") or int(pid) == os.getpid():
                return True, int(number)
            return True, None
        try:
            link = os.readlink(current)
        except OSError:
            return False, None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False, None


def _resolve(path: str) -> str:
    """The file a path names: a symlink's final target (made if it does not exist yet)."""
    path = os.path.abspath(path)
    if not os.path.islink(path):
        return path
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError:  # a dangling link: make its target
        return os.path.realpath(path)
    # a symlink loop raises OSError (ELOOP) to the caller


def _fsync_folder(folder: str) -> None:
    """Make a rename in ``folder`` durable (not every system can open or sync a folder: then skip)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Counting:
    """A binary stream that knows how much was written (pyarrow asks ``tell`` of its sink)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.written = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.closed = True
        self.raw.flush()


class Writer:
    """Takes rows (sequences in ``columns`` order) and writes them to a binary stream."""

    def __init__(self, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> None:
        self.stream = stream
        self.columns = list(columns)
        self.types = types

    def write(self, row: Sequence[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stream.flush()


class JSONLinesWriter(Writer):
    def __init__(self, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> None:
        super().__init__(stream, columns, types)
        self._out = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        self._dumps = json.JSONEncoder(ensure_ascii=False, default=str, allow_nan=True).encode

    def write(self, row: Sequence[Any]) -> None:
        self._out.write(self._dumps(dict(zip(self.columns, row))))
        self._out.write("\n")

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


class CSVWriter(Writer):
    def __init__(self, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> None:
        super().__init__(stream, columns, types)
        self._out = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
        self._csv = csv.writer(self._out, lineterminator="\n")
        self._csv.writerow(self.columns)

    def write(self, row: Sequence[Any]) -> None:
        self._csv.writerow([_csv_cell(v) for v in row])

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


class ParquetWriter(Writer):
    """Rows gathered into record batches of a fixed schema (``types``; string for columns without one)."""

    BATCH = 16384

    def __init__(self, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> None:
        super().__init__(stream, columns, types)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise MissingExtra("Parquet needs pyarrow: pip install 'modelname[parquet]'") from None
        self._pa = pa
        self.schema = pa.schema([pa.field(c, types.get(c, pa.string())) for c in self.columns])
        self._sink = _Counting(stream)
        self._writer = pq.ParquetWriter(self._sink, self.schema, compression="zstd")
        self._rows: list[Sequence[Any]] = []

    def write(self, row: Sequence[Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        columns = list(zip(*self._rows))
        arrays = [to_arrow_array(list(values), field.type) for values, field in zip(columns, self.schema)]
        self._writer.write_batch(self._pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self.stream.flush()


def to_arrow_array(values: list[Any], type_: Any) -> Any:
    """``values`` as an Arrow array of ``type_``; values that do not fit become JSON text or null."""
    import pyarrow as pa

    try:
        return pa.array(values, type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        pass
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return pa.array([_as_text(v) for v in values], type=type_)
    out = []
    for v in values:
        try:
            pa.array([v], type=type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            v = None
        out.append(v)
    return pa.array(out, type=type_)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


_WRITERS = {"jsonl": JSONLinesWriter, "csv": CSVWriter, "parquet": ParquetWriter}


def open_writer(fmt: str, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> Writer:
    """A writer of ``fmt`` (``jsonl``, ``csv``, ``parquet``) over the binary ``stream``."""
    return _WRITERS[fmt](stream, columns, types)


def stdout_binary() -> IO[bytes]:
    return sys.stdout.buffer
