"""Every name of the shared corpus parses without an exception other than InvalidModelName."""

from __future__ import annotations

import csv

import pytest
from conftest import CORPUS

import modelname

pytestmark = pytest.mark.skipif(
    not CORPUS.is_file(), reason="../shared/corpus/names.tsv is not beside the project"
)


def test_whole_corpus_parses():
    failures = []
    with CORPUS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            try:
                m = modelname.parse(row["name"])
                m.model_dump(mode="json")
            except modelname.InvalidModelName:
                pass
            except Exception as err:  # noqa: BLE001 - this is what the test looks for
                failures.append(f"{row['name']}: {type(err).__name__}: {err}")
    assert not failures, "\n".join(failures[:20])
