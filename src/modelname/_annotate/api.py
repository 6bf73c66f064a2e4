"""The library functions: :func:`annotate` for names and records, :func:`annotate_table` for data
frames (pandas, pyarrow — and so Dask ``map_partitions``, Spark ``mapInArrow`` through
:func:`annotate_batches`, Ray ``map_batches``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .columns import (
    _RESERVED,
    COLUMN_TYPES,
    COLUMNS,
    AnnotatedRow,
    _arrow_type,
    _passthrough_name,
    output_schema,
)
from .items import _annotate_item, _checked, _items, _name_column
from .outputs import to_arrow_array
from .workers import _jobs, _run, _Workers

__all__ = ["annotate", "annotate_table", "annotate_batches"]


def annotate(
    records: Iterable[str | Mapping[str, Any]],
    *,
    column: str | None = None,
    files: bool = False,
    lang: str | None = None,
    jobs: int = 1,
) -> Iterator[AnnotatedRow]:
    """Annotate names or Hub records, one :class:`AnnotatedRow` per input row, in order, lazily.

    ``records`` may hold names (``str``) or records (mappings shaped like the Hub's ``/api/models``
    answers: ``id``/``modelId``, ``tags``, ``pipeline_tag``, ``library_name``, ``siblings`` …); the name
    is ``record[column]``, else the first of ``id``, ``modelId``, ``name``.  With ``files=True`` a
    record gives one row per file in ``siblings`` (a record with no files still gives one row).
    ``lang`` (``en``/``zh``) adds explanations; ``jobs`` > 1 uses that many processes (0: all cores).
    Rows that cannot be read carry ``error`` rather than raising.
    """
    pairs = _items(_checked(records), column, files)
    jobs = _jobs(jobs)
    workers = _Workers(jobs, lang) if jobs > 1 else None
    try:
        for data, values in _run(pairs, lang, workers):
            yield AnnotatedRow(*values, data if data is not None else {})
    finally:
        if workers is not None:
            workers.close()


def annotate_table(table: Any, column: str | None = None, *, lang: str | None = None) -> Any:
    """A pyarrow ``Table``/``RecordBatch`` or pandas ``DataFrame`` with the annotation columns added.

    The result has the input's columns (renamed ``input_…`` where a name clashes), then
    :data:`COLUMNS` with the types of :data:`OUTPUT_SCHEMA` (pandas: Arrow-backed dtypes, so an
    empty frame has the same dtypes as a full one — use ``annotate_table(ddf._meta, "id")`` as Dask's
    ``meta``).  ``column`` holds the names (default: the first of ``id``, ``modelId``, ``name``);
    ``tags``, ``pipeline_tag`` and ``library_name`` columns are used when present.  ``line`` is the
    1-based row number within this table.
    """
    import pyarrow as pa

    if isinstance(table, (pa.Table, pa.RecordBatch)):
        names = list(table.column_names)
        column = _name_column(names, column)
        lists = [_pylist(table.column(c)) if c in names else (None, False) for c in (column, *_HUB_INPUTS)]
        annotation = _annotation_arrays(
            *(values for values, _ in lists),
            lang=lang,
            column=column,
            undecodable=any(bad for _, bad in lists),
        )
        schema = output_schema(table.schema, lang=lang)
        arrays = [*table.columns, *annotation]
        if isinstance(table, pa.RecordBatch):
            return pa.RecordBatch.from_arrays(arrays, schema=schema)
        return pa.Table.from_arrays(arrays, schema=schema)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas absent
        pd = None
    if pd is not None and isinstance(table, pd.DataFrame):
        names = [str(c) for c in table.columns]
        column = _name_column(names, column)
        annotation = _annotation_arrays(
            table[column].tolist(),
            *(table[c].tolist() if c in names else None for c in _HUB_INPUTS),
            lang=lang,
            column=column,
        )
        schema = output_schema(lang=lang)
        frame = pa.Table.from_arrays(annotation, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)
        frame.index = table.index
        renamed = table.rename(columns={c: _passthrough_name(c) for c in names if c in _RESERVED})
        return pd.concat([renamed, frame], axis=1)
    raise TypeError(
        f"annotate_table() takes a pyarrow Table or RecordBatch or a pandas DataFrame, not {type(table).__name__}"
    )


_HUB_INPUTS = ("tags", "pipeline_tag", "library_name")


def _pylist(column: Any) -> tuple[list[Any], bool]:
    """An Arrow column as Python values, and whether some text in it was not UTF-8 (decoded as surrogates)."""
    try:
        return column.to_pylist(), False
    except UnicodeDecodeError:  # a string column whose bytes were never validated (``.view(pa.string())``)
        import pyarrow as pa

        raw = column.cast(pa.binary()).to_pylist()
        return [v.decode("utf-8", "surrogateescape") if v is not None else None for v in raw], True


def _annotation_arrays(
    names: list[Any],
    tags: list[Any] | None,
    pipeline_tags: list[Any] | None,
    libraries: list[Any] | None,
    *,
    lang: str | None,
    column: str = "id",
    undecodable: bool = False,
) -> list[Any]:
    import pyarrow as pa

    n = len(names)
    hub = tuple(zip(_HUB_INPUTS, (tags, pipeline_tags, libraries)))
    records = (
        {column: names[i], **{k: v[i] if v is not None else None for k, v in hub if k != column}}
        for i in range(n)
    )
    rows = _checked(records, undecodable)
    values = [_annotate_item(item, lang) for _, item in _items(rows, column, False)]
    width = len(COLUMNS) + (1 if lang else 0)
    columns = list(zip(*values))[:width] if values else [()] * width
    types = [_arrow_type(COLUMN_TYPES[c]) for c in COLUMNS] + ([pa.string()] if lang else [])
    return [to_arrow_array(list(col), t) for col, t in zip(columns, types)]


def annotate_batches(
    batches: Iterable[Any], column: str | None = None, *, lang: str | None = None
) -> Iterator[Any]:
    """Annotate an iterator of pyarrow ``RecordBatch`` es — the function for Spark's ``mapInArrow``."""
    for batch in batches:
        yield annotate_table(batch, column, lang=lang)
