"""A cache of validated table rows (JSON), so a start does not parse TOML or run pydantic.

The cache is a JSON file in the user's cache folder (``$MODELNAME_CACHE``, else
``$XDG_CACHE_HOME/modelname``, else ``~/.cache/modelname``; ``MODELNAME_CACHE=off`` turns it off).
Its name holds a digest of the package version and of every table file's size and modification
time, so a changed table is read and validated again, never served stale.  It holds data only (JSON, never a
pickle): rows are rebuilt field by field (every field present, lists back to tuples, version
notes back to their type), and a cache that does not rebuild is ignored.  It is written atomically (a temporary file renamed into place) in a folder only the
user can write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .schema import TABLES, VersionNote

__all__ = ["cache_dir", "read_json", "write_json", "load_rows", "save_rows"]

FORMAT = 1
"""The layout of the cache file; a new layout makes a new file name."""


def cache_dir() -> Path | None:
    """Where caches go, or None when caching is off."""
    chosen = os.environ.get("MODELNAME_CACHE")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "0", "off", "no", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "modelname"


def _digest(texts: dict[str, str], what: str) -> str:
    from .. import __version__

    h = hashlib.sha256(f"{what} {FORMAT} {__version__}".encode())
    for filename in sorted(texts):
        h.update(filename.encode() + b"\0" + texts[filename].encode() + b"\0")
    return h.hexdigest()[:20]


def _path(texts: dict[str, str], what: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{what}-{_digest(texts, what)}.json"


def read_json(texts: dict[str, str], what: str) -> Any:
    """The cached JSON for these sources, or None (absent, unreadable, or caching off)."""
    path = _path(texts, what)
    if path is None:
        return None
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def write_json(texts: dict[str, str], what: str, data: Any) -> None:
    """Write the cache atomically; any failure (read-only home, full disk) is silently skipped."""
    path = _path(texts, what)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return
    for old in path.parent.glob(f"{what}-*.json"):  # caches of earlier tables or versions
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass


def load_rows(texts: dict[str, str], what: str = "tables") -> dict[str, tuple[Any, ...]] | None:
    """The rows of the tables named in ``texts`` from the cache ``what``, or None."""
    data = read_json(texts, what)
    if not isinstance(data, dict) or set(data) != set(texts):
        return None
    try:
        return {filename: tuple(_row(TABLES[filename][1], d) for d in data[filename]) for filename in texts}
    except (TypeError, KeyError, AttributeError):
        return None  # not what this version writes: read the tables again


def save_rows(texts: dict[str, str], rows: dict[str, tuple[Any, ...]], what: str = "tables") -> None:
    write_json(texts, what, {filename: [dataclasses.asdict(r) for r in rows[filename]] for filename in rows})


def _row(cls: type[Any], data: dict[str, Any]) -> Any:
    """A row from its JSON form, with exactly the row type's fields (its constructor's work without
    the per-field calls: the values were validated when the table was read)."""
    names, tuples, versions = _SHAPES[cls]
    if data.keys() != names:
        raise KeyError(cls.__name__)
    for name in tuples:
        value = data[name]
        if type(value) is list:
            data[name] = tuple(value)
    for name in versions:
        data[name] = {k: _row(VersionNote, v) for k, v in data[name].items()}
    row = object.__new__(cls)
    row.__dict__.update(data)
    return row


def _shape(cls: type[Any]) -> tuple[set[str], tuple[str, ...], tuple[str, ...]]:
    """(field names, fields holding tuples, fields holding version notes) of a row type."""
    tuples, versions = [], []
    for f in dataclasses.fields(cls):
        annotation = str(f.type)
        if annotation.startswith(("tuple", "Annotated[tuple")):
            tuples.append(f.name)
        elif "VersionNote" in annotation:
            versions.append(f.name)
    return {f.name for f in dataclasses.fields(cls)}, tuple(tuples), tuple(versions)


_SHAPES = {cls: _shape(cls) for cls in {*(model for _, model in TABLES.values()), VersionNote}}
