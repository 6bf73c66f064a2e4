"""Whole listings to an output file: the work behind ``modelname annotate``."""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from . import inputs, outputs
from .columns import _HUB_TYPES, COLUMN_TYPES, COLUMNS, _arrow_type, _passthrough_name
from .errors import AnnotateError, AnnotateStopped, AnnotateUsageError
from .hub import _HubReader
from .items import _items, _name_column
from .records import InputError, MissingExtra
from .workers import _jobs, _run, _stop_on_signals, _Stopped, _Workers

__all__ = ["annotate_listing", "Summary"]


class Summary(NamedTuple):
    rows: int
    """Rows written."""
    parsed: int
    """Rows without an error."""
    errors: int
    """Rows with an error (invalid name, broken JSON, record with no id)."""
    recognized: int
    """Rows whose every token was placed."""

    def __str__(self) -> str:
        return (
            f"annotated {self.rows} {'row' if self.rows == 1 else 'rows'}: {self.parsed} parsed, "
            f"{self.errors} with errors, {self.recognized} fully recognized"
        )


def annotate_listing(
    inputs: Sequence[str],
    *,
    output: str | None = None,
    output_format: str | None = None,
    input_format: str | None = None,
    column: str | None = None,
    files: bool = False,
    fields: Sequence[str] | None = None,
    lang: str | None = None,
    limit: int | None = None,
    jobs: int = 1,
    hub: dict[str, Any] | None = None,
    progress: bool = False,
) -> Summary:
    """Annotate listing files (``-`` for standard input) or a Hub query to ``output`` (None: stdout).

    The work behind ``modelname annotate``.  A regular output file is written atomically: under a
    temporary name, synced and renamed into place only when every row is written; a FIFO or a
    device is written as a stream.  SIGTERM and SIGHUP stop the run cleanly (:class:`AnnotateStopped`).
    """
    out_format = outputs.output_format_for(output, output_format)
    if out_format == "parquet" and output in (None, "-") and sys.stdout.isatty():
        raise AnnotateUsageError("Parquet is not written to a terminal; use -o FILE.parquet or a pipe")
    run = _Run(output)
    restore = _stop_on_signals()
    try:
        run.readers = _open_readers(inputs, input_format, hub, files, limit)
        layout = _layout(run.readers, column, fields, lang, out_format)
        rows: Iterable[tuple[int, Any, str | None]] = itertools.chain.from_iterable(run.readers)
        if limit is not None:
            rows = itertools.islice(rows, limit)
        return run.write(_items(rows, layout.column, files), layout, out_format, lang, _jobs(jobs), progress)
    except _Stopped as stop:
        raise run.stopped(stop.signum) from None
    except InputError as err:  # an input became unreadable midway (Parquet lying about its rows)
        raise AnnotateError(str(err)) from None
    except OSError as err:  # reading failed (an I/O error on the input's disk)
        raise AnnotateError(f"cannot read the input: {_reason(err)}") from None
    finally:
        for reader in run.readers:
            reader.close()
        restore()


def _open_readers(
    paths: Sequence[str], input_format: str | None, hub: dict[str, Any] | None, files: bool, limit: int | None
) -> list[Any]:
    """A reader per input path (``-``: standard input), or the Hub listing."""
    readers: list[Any] = []
    try:
        if hub is not None:
            return [_HubReader(hub, files, limit)]
        for path in paths or ["-"]:
            readers.append(inputs.open_reader(path, input_format))
        return readers
    except MissingExtra as err:
        raise AnnotateError(str(err)) from None
    except InputError as err:
        for reader in readers:
            reader.close()
        raise AnnotateUsageError(str(err)) from None


class _Layout(NamedTuple):
    """The output's columns: the inputs' own first (pass-through), then the annotation's."""

    column: str | None
    """Where the names are."""
    passthrough: list[str]
    chosen: list[str]
    """The columns written (``--fields``), in order."""
    pick: Any
    """Takes the chosen columns out of a full row."""
    types: dict[str, Any]
    """Arrow types of the chosen columns, for Parquet."""


def _layout(
    readers: list[Any], column: str | None, fields: Sequence[str] | None, lang: str | None, out_format: str
) -> _Layout:
    # Pass-through columns: every input's own columns, in order (siblings are expanded, not kept).
    seen: dict[str, Any] = {}
    for reader in readers:
        for c in reader.columns:
            if c != "siblings" and c not in seen:
                seen[c] = reader.types.get(c) or (
                    _HUB_TYPES.get(c) if reader.format in ("json", "jsonl") else None
                )
    for reader in readers:
        if reader.format in ("csv", "tsv", "parquet"):
            chosen = _name_column(reader.columns, column, reader.label)
            if column is None:
                column = chosen
            reader.name_column = column  # a CSV reader checks that no name cell spans lines
    all_columns = [_passthrough_name(c) for c in seen] + list(COLUMNS) + (["explanations"] if lang else [])
    unknown = [f for f in fields or () if f not in all_columns]
    if unknown:
        raise AnnotateUsageError(f"unknown field {unknown[0]!r}; the columns are: {', '.join(all_columns)}")
    chosen_columns = list(fields) if fields else all_columns
    indexes = [all_columns.index(c) for c in chosen_columns]
    pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda row, i=indexes[0]: (row[i],))
    types: dict[str, Any] = {}
    if out_format == "parquet":
        spec = {**{_passthrough_name(c): t for c, t in seen.items() if t is not None}, **COLUMN_TYPES}
        types = {c: _arrow_type(spec[c]) for c in chosen_columns if c in spec}
    return _Layout(column, list(seen), chosen_columns, pick, types)


class _Run:
    """One run: its readers, its output (a file renamed into place, or a stream) and rows written."""

    def __init__(self, output: str | None) -> None:
        self.output = output
        self.dest = output if output not in (None, "-") else "standard output"
        self.readers: list[Any] = []
        self.target: Any = None
        self.count = self.errors = self.recognized = 0

    def write(
        self,
        pairs: Iterable[Any],
        layout: _Layout,
        out_format: str,
        lang: str | None,
        jobs: int,
        progress: bool,
    ) -> Summary:
        if self.output not in (None, "-"):
            try:
                self.target = outputs.open_output(
                    self.dest
                )  # a regular file atomically; a FIFO or device as a stream
            except OSError as err:
                raise AnnotateError(f"cannot write {self.dest}: {_reason(err)}") from None
        stream = self.target.file if self.target is not None else outputs.stdout_binary()
        workers = _Workers(jobs, lang) if jobs > 1 else None  # started before any thread (the progress bar)
        try:
            try:
                writer = outputs.open_writer(out_format, stream, layout.chosen, layout.types)
            except InputError as err:
                raise AnnotateError(str(err)) from None
            self._rows(pairs, layout, writer, lang, workers, progress)
            self._finish(writer)
        except BrokenPipeError:  # the reader of standard output or of a FIFO went away
            if self.target is None:
                _quiet_broken_pipe()
        finally:
            if workers is not None:
                workers.close()
            if self.target is not None:
                self.target.abort()
        return Summary(self.count, self.count - self.errors, self.errors, self.recognized)

    def _rows(
        self,
        pairs: Iterable[Any],
        layout: _Layout,
        writer: Any,
        lang: str | None,
        workers: Any,
        progress: bool,
    ) -> None:
        """Write every row, counting those with an error and those fully recognized."""
        error_at, recognized_at = COLUMNS.index("error"), COLUMNS.index("recognized")
        n_values = len(COLUMNS) + (1 if lang else 0)
        passthrough, empty = layout.passthrough, [None] * len(layout.passthrough)
        bar = _progress_bar(self.readers) if progress else None
        if bar is not None:
            pairs = bar.counting(pairs)
            bar.__enter__()
        try:
            for data, values in _run(pairs, lang, workers):
                self.count += 1
                if values[error_at] is not None:
                    self.errors += 1
                elif values[recognized_at]:
                    self.recognized += 1
                full = [data.get(c) for c in passthrough] if data is not None else list(empty)
                full.extend(values[:n_values])
                self._write(writer, layout.pick(full))
                if bar is not None and self.count % 512 == 0:
                    bar.update(self.count)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)

    def _write(self, writer: Any, row: Any) -> None:
        try:
            writer.write(row)
        except BrokenPipeError:
            raise
        except OSError as err:  # a full disk, a lost network share
            raise AnnotateError(f"cannot write {self.dest}: {_reason(err)}") from None

    def _finish(self, writer: Any) -> None:
        try:
            writer.close()
            if self.target is not None:
                self.target.commit()
                self.target = None
        except BrokenPipeError:
            raise
        except OSError as err:
            raise AnnotateError(f"cannot write {self.dest}: {_reason(err)}") from None

    def stopped(self, signum: int) -> AnnotateStopped:
        name = signal.Signals(signum).name
        if isinstance(self.target, outputs.AtomicFile):
            message = f"stopped by {name}: nothing written to {self.output} (its temporary file is removed)"
        else:
            message = f"stopped by {name} after {self.count} rows: the output is incomplete"
        return AnnotateStopped(message, signum)


def _reason(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def _quiet_broken_pipe() -> None:
    """``… | head``: the reader went away; stop quietly (Python would complain at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _progress_bar(readers: Sequence[Any]) -> Any:
    from ..render import ProgressBar  # rich is imported only for a bar on a terminal

    return ProgressBar(readers)
