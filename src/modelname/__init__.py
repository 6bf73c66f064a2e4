"""modelname — read the name of a large model and say what it is.

>>> import modelname
>>> m = modelname.parse("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")
>>> m.family, m.version, m.parameters.label, m.quantization.scheme
('DeepSeek', 'R1', '7B', 'Q4_K_M')

The public names load their module on first use, so ``import modelname`` (and ``modelname
--help``) costs almost nothing; ``modelname.parse`` brings in the reader and the tables,
``modelname.annotate`` the batch machinery.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._annotate import COLUMNS, AnnotatedRow, annotate, annotate_batches, annotate_table, output_schema
    from ._inspect import InspectError, Inspection, inspect
    from ._parse import parse
    from ._pick import Choice, pick
    from .errors import InvalidModelName
    from .memory import MemoryEstimate
    from .model import ModelName
    from .parts import Distill, Explanation, Format, Parameters, Quantization, Resolved, Shard

__version__ = "0.1.0"

_WHERE = {
    "parse": "._parse",
    "ModelName": ".model",
    "InvalidModelName": ".errors",
    "Parameters": ".parts",
    "Quantization": ".parts",
    "Format": ".parts",
    "Shard": ".parts",
    "Distill": ".parts",
    "Resolved": ".parts",
    "Explanation": ".parts",
    "annotate": "._annotate",
    "annotate_table": "._annotate",
    "annotate_batches": "._annotate",
    "output_schema": "._annotate",
    "COLUMNS": "._annotate",
    "AnnotatedRow": "._annotate",
    "MemoryEstimate": ".memory",
    "pick": "._pick",
    "Choice": "._pick",
    "inspect": "._inspect",
    "Inspection": "._inspect",
    "InspectError": "._inspect",
}

__all__ = [
    "parse",
    "ModelName",
    "InvalidModelName",
    "Parameters",
    "Quantization",
    "Format",
    "Shard",
    "Distill",
    "Resolved",
    "Explanation",
    "annotate",
    "annotate_table",
    "annotate_batches",
    "output_schema",
    "COLUMNS",
    "AnnotatedRow",
    "MemoryEstimate",
    "pick",
    "Choice",
    "inspect",
    "Inspection",
    "InspectError",
    "__version__",
]


def __getattr__(name: str) -> Any:  # PEP 562: a public name loads its module on first use
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
