"""Render a parsed name in the GGUF naming-convention order (filled in by the accuracy work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import ModelName


def render(m: ModelName) -> str | None:
    return None
