"""CSV and TSV listings: a header row and one record per row, with every bad row flagged."""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from typing import Any, BinaryIO

from .records import _SURROGATE, InputError, Reader, _bad_text, scrub

__all__ = ["CSVReader"]


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
