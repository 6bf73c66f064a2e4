"""Plain-language explanations (stub)."""
from __future__ import annotations
def explanations(m):
    return ()
