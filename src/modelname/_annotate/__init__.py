"""Batch annotation: whole listings of names (Hub, ModelScope, Ollama, API catalogues) to flat rows.

>>> rows = modelname.annotate(["Qwen/Qwen2.5-7B-Instruct", "a//b"])
>>> [(r.family, r.parameters_total, r.error) for r in rows]
[('Qwen', 7000000000, None), (None, None, "invalid name: unexpected character '/' (at character 3)")]

Each input row gives exactly one :class:`AnnotatedRow` (with ``files=True``, one per record and
file), in input order; rows that cannot be read carry ``error`` and ``line`` instead of failing
the run.  The columns (:data:`COLUMNS`) are flat scalars with a fixed Arrow type each
(:func:`output_schema`), the same in JSON lines, CSV and Parquet.

==============  ============================================================================
api             annotate(), annotate_table(), annotate_batches() — the library functions
listing         annotate_listing(): inputs → one output file (the ``annotate`` command)
columns         the columns, and one name's reading as flat values (cached)
items           input rows → items (name, file, tags …) → values
metadata        a listing's own tags filling or contradicting the name
hub             listing models from the Hugging Face Hub
workers         several processes, results in order; signals
records         the reader base, text, JSON lines, repairing text UTF-8 cannot write
json_array, csv_input, parquet_input   the other input formats; inputs: opening one
outputs         the output file and the writers
==============  ============================================================================

pyarrow and pandas are imported only when a table or Parquet is used.
"""

from __future__ import annotations

from .api import annotate, annotate_batches, annotate_table
from .columns import COLUMN_TYPES, COLUMNS, AnnotatedRow, output_schema
from .errors import AnnotateError, AnnotateStopped, AnnotateUsageError
from .hub import hub_query
from .items import NAME_COLUMNS
from .listing import Summary, annotate_listing

__all__ = [
    "annotate",
    "annotate_table",
    "annotate_batches",
    "annotate_listing",
    "output_schema",
    "hub_query",
    "AnnotatedRow",
    "Summary",
    "COLUMNS",
    "COLUMN_TYPES",
    "NAME_COLUMNS",
    "AnnotateError",
    "AnnotateUsageError",
    "AnnotateStopped",
]
