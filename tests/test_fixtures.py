"""Every hand-labelled row in fixtures/*.jsonl (see fixtures/README.md).

Rows marked ``xfail`` are known gaps, run as strict xfails: a gap fixed by
accident fails the suite until the marker is removed.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES

import modelname
from modelname.evaluate import compare, load_fixtures, report

ROWS = list(load_fixtures([FIXTURES]))


def _param(fx):
    marks = [pytest.mark.xfail(reason=fx.xfail, strict=True)] if fx.xfail else []
    return pytest.param(fx, id=f"{fx.where.split('/')[-1]}:{fx.name}", marks=marks)


@pytest.mark.parametrize("fx", [_param(fx) for fx in ROWS])
def test_fixture(fx):
    actual = modelname.parse(fx.name).model_dump(mode="json")
    bad = compare(fx.expected, actual)
    assert not bad, "\n".join(f"{m.field}: expected {m.expected!r}, got {m.actual!r}" for m in bad)


def test_fixture_names_are_unique():
    seen = {}
    for fx in ROWS:
        assert fx.name not in seen, f"{fx.name} is in {seen[fx.name]} and {fx.where}"
        seen[fx.name] = fx.where


def test_fixture_keys_are_result_keys():
    keys = set(modelname.ModelName.model_fields) | {"explanations", "canonical"}
    for fx in ROWS:
        unknown = set(fx.expected) - keys
        assert not unknown, f"{fx.where}: unknown keys {unknown}"


def test_accuracy_report_runs(capsys):
    share = report([FIXTURES], wrong=5)
    out = capsys.readouterr().out
    assert "labelled field values" in out
    assert 0 < share <= 1
