"""Listing models from the Hugging Face Hub (``modelname annotate --hub``); huggingface_hub is optional."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .columns import _HUB_TYPES
from .errors import AnnotateError, AnnotateUsageError
from .records import scrub

__all__ = ["hub_query"]


_HUB_COLUMNS = [
    "id",
    "author",
    "pipeline_tag",
    "library_name",
    "tags",
    "downloads",
    "likes",
    "createdAt",
    "lastModified",
    "gated",
]


def hub_query(specs: Sequence[str], search: str | None = None) -> dict[str, Any]:
    """``--hub "author=Qwen,filter=gguf"`` (repeatable) → keyword arguments for ``HfApi.list_models``."""
    query: dict[str, Any] = {}
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise AnnotateUsageError(f"--hub takes KEY=VALUE pairs such as author=Qwen, not {part!r}")
            key, val = key.strip(), _hub_value(value.strip())
            if key in query:
                query[key] = (query[key] if isinstance(query[key], list) else [query[key]]) + [val]
            else:
                query[key] = val
    if search:
        query["search"] = search
    return query


def _hub_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


class _HubReader:
    """Models listed by ``huggingface_hub.HfApi().list_models(**query)``, as Hub API records."""

    format = "hub"

    def __init__(self, query: dict[str, Any], files: bool, limit: int | None) -> None:
        try:
            from huggingface_hub import HfApi
        except ImportError:
            raise AnnotateError("--hub needs huggingface_hub: pip install 'modelname[hub]'") from None
        self.query = dict(query)
        if files:
            self.query["full"] = True
        if limit is not None:
            self.query["limit"] = limit
        self.api = HfApi()
        self.columns = list(_HUB_COLUMNS)
        self.types = {c: _HUB_TYPES[c] for c in self.columns if c in _HUB_TYPES}
        self.done, self.total = 0, limit
        self.label = "the Hugging Face Hub"

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        try:
            listing = iter(self.api.list_models(**self.query))
        except TypeError as err:
            raise AnnotateUsageError(f"--hub: {err}") from None
        except Exception as err:
            raise AnnotateError(_hub_failure(err)) from None
        number = 0
        while True:
            try:
                info = next(listing)
            except StopIteration:
                return
            except Exception as err:
                raise AnnotateError(_hub_failure(err)) from None
            number += 1
            self.done = number
            yield number, *scrub(_hub_record(info))

    def progress(self) -> tuple[int, int | None]:
        return self.done, self.total

    def close(self) -> None:
        pass


def _hub_failure(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    detail = f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
    return f"cannot list models from the Hugging Face Hub ({detail})"


def _hub_record(info: Any) -> dict[str, Any]:
    if isinstance(info, Mapping):
        return dict(info)
    record: dict[str, Any] = {}
    for key, attr in (
        ("id", "id"),
        ("author", "author"),
        ("pipeline_tag", "pipeline_tag"),
        ("library_name", "library_name"),
        ("tags", "tags"),
        ("downloads", "downloads"),
        ("likes", "likes"),
        ("createdAt", "created_at"),
        ("lastModified", "last_modified"),
        ("gated", "gated"),
    ):
        value = getattr(info, attr, None)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        record[key] = value
    siblings = getattr(info, "siblings", None)
    if siblings is not None:
        record["siblings"] = [{"rfilename": getattr(s, "rfilename", None)} for s in siblings]
    return record
