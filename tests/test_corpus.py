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


KEPT = ("family", "version", "parameters", "quantization", "format", "shard")


def test_every_canonical_name_of_the_corpus_parses_back_to_the_same_model():
    """The README's promise: the canonical name reads back as the same family, version, size,
    quantization, format and shard — on every real name, not only the fixtures."""
    wrong = []
    with CORPUS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            m = modelname.parse(row["name"])
            if m.canonical is None:
                continue
            again = modelname.parse(m.canonical)
            changed = [f for f in KEPT if getattr(again, f) != getattr(m, f)]
            if changed or len(m.canonical) > 512:
                wrong.append(f"{row['name']} → {m.canonical}: {changed}")
    assert not wrong, "\n".join(wrong[:20])
