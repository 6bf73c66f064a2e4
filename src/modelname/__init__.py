"""modelname — read the name of a large model and say what it is.

>>> import modelname
>>> m = modelname.parse("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf")
>>> m.family, m.version, m.parameters.label, m.quantization.scheme
('DeepSeek', 'R1', '7B', 'Q4_K_M')
"""

from __future__ import annotations

from ._parse import parse
from .errors import InvalidModelName
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
    "__version__",
]

__version__ = "0.1.0"
