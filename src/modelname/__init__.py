"""modelname — read the name of a large model and say what it is.

>>> import modelname
>>> m = modelname.parse("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")
>>> m.family, m.version, m.parameters.label, m.quantization.scheme
('DeepSeek', 'R1', '7B', 'Q4_K_M')
"""

from __future__ import annotations

from ._parse import parse
from .annotate import AnnotatedRow, annotate, annotate_table
from .errors import InvalidModelName
from ._inspect import InspectError, Inspection, inspect
from .memory import MemoryEstimate
from .model import (
    Distill,
    Explanation,
    Format,
    ModelName,
    Parameters,
    Quantization,
    Resolved,
    Shard,
)
from ._pick import Choice, pick

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
    "AnnotatedRow",
    "MemoryEstimate",
    "pick",
    "Choice",
    "inspect",
    "Inspection",
    "InspectError",
    "__version__",
]

__version__ = "0.1.0"
