"""Where annotated rows go: the output file (atomic, through symlinks, streamed to FIFOs and
devices) and the writers for JSON lines, CSV and Parquet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO

from .records import MissingExtra

__all__ = [
    "OUTPUT_FORMATS",
    "output_format_for",
    "open_output",
    "open_writer",
    "AtomicFile",
    "StreamFile",
    "Writer",
    "to_arrow_array",
    "stdout_binary",
]


OUTPUT_FORMATS = ("jsonl", "csv", "parquet")


_OUTPUT_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def output_format_for(path: str | None, fmt: str | None) -> str:
    """``fmt`` if given, else the one ``path``'s extension names, else JSON lines."""
    if fmt:
        return fmt
    if path and path != "-":
        return _OUTPUT_EXTENSIONS.get(Path(path).suffix.lower(), "jsonl")
    return "jsonl"


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
        self._dumps = json.JSONEncoder(ensure_ascii=False, default=str, allow_nan=False).encode

    def write(self, row: Sequence[Any]) -> None:
        record = dict(zip(self.columns, row))
        try:
            line = self._dumps(record)
        except ValueError:  # NaN or an infinity, which JSON cannot hold: they are written as null
            line = self._dumps(_finite(record))
        self._out.write(line)
        self._out.write("\n")

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


def _finite(value: Any) -> Any:
    """``value`` with every NaN and infinity (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if value - value == 0.0 else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


class CSVWriter(Writer):
    """Rows as CSV with ``\\n`` line ends. A row with a carriage return in a cell is written fully quoted
    (the csv module only quotes characters of the line terminator, and a bare ``\\r`` would end the row
    for most readers)."""

    def __init__(self, stream: BinaryIO, columns: Sequence[str], types: dict[str, Any]) -> None:
        super().__init__(stream, columns, types)
        self._out = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
        self._csv = csv.writer(self._out, lineterminator="\n")
        self._quoted = csv.writer(self._out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self.write(self.columns)

    def write(self, row: Sequence[Any]) -> None:
        cells = [_csv_cell(v) for v in row]
        if any(type(c) is str and "\r" in c for c in cells):
            self._quoted.writerow(cells)
        else:
            self._csv.writerow(cells)

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if type(value) is float and value - value != 0.0:  # NaN and infinities: an empty cell, like null
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
