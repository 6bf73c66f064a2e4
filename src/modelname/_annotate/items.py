"""Input rows to items: one output row's work (name, file, tags, …), and an item to its values."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .columns import _PARSE_COLUMNS, _flat, _merge
from .errors import AnnotateUsageError
from .metadata import apply_metadata
from .records import scrub

__all__ = ["NAME_COLUMNS"]


NAME_COLUMNS = ("id", "modelId", "name")
"""Where the name is looked for, in this order, when no column is given."""


# An item is one output row's work: (name, file, tags, pipeline_tag, library_name, error, line).
_Item = tuple[Any, Any, tuple[str, ...], Any, Any, Any, int]


_NO_TAGS: tuple[str, ...] = ()


def _annotate_item(item: _Item, lang: str | None) -> tuple[Any, ...]:
    """The values of one output row, in :data:`COLUMNS` order, then ``explanations``."""
    name, file, tags, pipeline_tag, library_name, error, line = item
    if error is None:
        flat = _flat(name, lang)
        if isinstance(flat, str):
            error = flat
    if error is not None:
        return (name, file, *_EMPTY, None, None, None, None, error, line, None)
    if file is not None:
        flat = _merge(flat, _flat(file.rpartition("/")[2], lang))  # type: ignore[arg-type]
    if tags or pipeline_tag or library_name:
        out = list(flat.values)  # type: ignore[union-attr]
        hub = apply_metadata(out, flat.guessed, tags, pipeline_tag, library_name, file is not None)  # type: ignore[union-attr]
        values: Sequence[Any] = out
    else:
        values, hub = flat.values, (None, None, None, None)  # type: ignore[union-attr]
    explained = None
    if flat.explanations is not None:  # type: ignore[union-attr]
        explained = " | ".join(text for _, text in flat.explanations)  # type: ignore[union-attr]
    return (name, file, *values, *hub, None, line, explained)


_EMPTY = (None,) * len(_PARSE_COLUMNS)


def _annotate_items(items: list[_Item], lang: str | None) -> list[tuple[Any, ...]]:
    return [_annotate_item(item, lang) for item in items]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None or isinstance(value, float):  # NaN from pandas
        return _NO_TAGS
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):  # JSON text, or a Python list's repr (pandas writes those to CSV)
            import ast
            import json

            try:
                value = json.loads(value)
            except ValueError:
                try:
                    value = ast.literal_eval(value)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    return _NO_TAGS
        else:
            return tuple(t.strip() for t in value.split(",") if t.strip())
    try:
        return tuple(t for t in value if isinstance(t, str))
    except TypeError:
        return _NO_TAGS


def _kind_of(value: Any) -> str:
    return {list: "a JSON array", int: "a number", float: "a number", bool: "true or false"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _items(
    rows: Iterable[tuple[int, Any, str | None]], column: str | None, files: bool
) -> Iterator[tuple[Mapping[str, Any] | None, _Item]]:
    """Each input row ``(line, value, error)`` → one (or, with ``files``, several) ``(input, item)``.

    A row with an error is one error row; when it still has a value (text that had to be repaired, a
    CSV row with too few cells) its name and columns are kept in that row.
    """
    for line, value, error in rows:
        if error is not None:
            name = value if isinstance(value, str) else None
            data = None
            if isinstance(value, Mapping):
                data = {k: v for k, v in value.items() if k != "siblings"}
                name = _name_of(value, column)[1]
            yield data, (name if isinstance(name, str) else None, None, _NO_TAGS, None, None, error, line)
            continue
        if isinstance(value, str):
            yield None, (value, None, _NO_TAGS, None, None, None, line)
            continue
        if not isinstance(value, Mapping):
            yield None, (None, None, _NO_TAGS, None, None, f"not a model record: {_kind_of(value)}", line)
            continue
        siblings = value.get("siblings")
        data = {k: v for k, v in value.items() if k != "siblings"} if siblings is not None else value
        key, name = _name_of(value, column)
        if not isinstance(name, str) or not name:
            if _missing(name):
                error = "record has no id" if column is None else f"record has no {column}"
            else:
                error = f"record {key} is not text: {name!r}"
            yield data, (None, None, _NO_TAGS, None, None, error, line)
            continue
        tags = _tags(value.get("tags"))
        pipeline_tag, library_name = _text(value.get("pipeline_tag")), _text(value.get("library_name"))
        paths = _sibling_paths(siblings) if files else []
        if not paths:
            yield data, (name, None, tags, pipeline_tag, library_name, None, line)
            continue
        for path in paths:
            if path is None:
                yield data, (name, None, tags, None, None, "file entry has no rfilename", line)
            else:
                yield data, (name, path, tags, pipeline_tag, library_name, None, line)


def _name_of(record: Mapping[str, Any], column: str | None) -> tuple[str, Any]:
    """The key holding a record's name and its value: ``column``, else the first of :data:`NAME_COLUMNS`."""
    if column is not None:
        return column, record.get(column)
    key = next((k for k in NAME_COLUMNS if isinstance(record.get(k), str) and record.get(k)), None) or next(
        (k for k in NAME_COLUMNS if k in record), "id"
    )
    return key, record.get(key)


def _missing(value: Any) -> bool:
    """None, empty, NaN or pandas' NA/NaT."""
    if value is None or isinstance(value, str):
        return not value
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _sibling_paths(siblings: Any) -> list[str | None]:
    if siblings is None or isinstance(siblings, (str, bytes, float)):
        return []
    paths: list[str | None] = []
    try:
        for entry in siblings:
            if isinstance(entry, Mapping):
                path = entry.get("rfilename")
            else:
                path = getattr(entry, "rfilename", entry)
            paths.append(path if isinstance(path, str) and path else None)
    except TypeError:
        return []
    return paths


def _checked(records: Iterable[Any], undecodable: bool = False) -> Iterator[tuple[int, Any, str | None]]:
    """Numbered rows of the caller's values, each made writable (lone surrogates → U+FFFD) and flagged."""
    for line, value in enumerate(records, 1):
        value, error = scrub(value, undecodable)
        yield line, value, error


def _name_column(columns: Sequence[str], column: str | None, label: str = "the table") -> str:
    if column is not None:
        if column not in columns:
            raise AnnotateUsageError(
                f"no column {column!r} in {label} (columns: {', '.join(columns) or 'none'})"
            )
        return column
    for name in NAME_COLUMNS:
        if name in columns:
            return name
    raise AnnotateUsageError(
        f"no id, modelId or name column in {label}; choose one with --column (columns: {', '.join(columns) or 'none'})"
    )
