"""JSON arrays of records (or of names), read incrementally."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from .records import _ESCAPED_SURROGATE, _SURROGATE, TOO_LONG_NUMBER, _RecordReader, scrub

__all__ = ["JSONArrayReader"]


_VALUE_START = frozenset(
    '{["]-0123456789tfn'
)  # what a line that starts a value (or ends the array) begins with


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
            except ValueError:  # an integer longer than Python's limit for reading one
                return None, TOO_LONG_NUMBER
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
        a value (a record, a list, a string, a number, true, false or null — or the array's end) at the
        record's indentation or less (a record cut short, the next on its own line).
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
                    if i - match.end() <= indent and buf[i] in _VALUE_START:
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
            if stripped - self._pos <= indent and buf[stripped] in _VALUE_START:
                return


_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]\n]')  # a JSON string, a bracket or a newline
