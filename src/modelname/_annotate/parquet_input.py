"""Parquet listings, read row group by row group; pyarrow is imported only here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .records import InputError, MissingExtra, Reader, _printable

__all__ = ["ParquetReader"]


_PARQUET_BATCH = 8192


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


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra("Parquet needs pyarrow: pip install 'modelname[parquet]'") from None
    return pq
