"""``annotate_table`` as Dask's partition function, on the local scheduler (needs the test extra)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT

dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")

import modelname

LISTING = json.loads((FIXTURES / "hub" / "listing.json").read_text())


def test_map_partitions_gives_what_one_call_gives():
    frame = pd.DataFrame(LISTING)[["modelId", "tags", "pipeline_tag", "library_name", "downloads"]]
    ddf = dd.from_pandas(frame, npartitions=3)
    meta = modelname.annotate_table(ddf._meta, "modelId")
    annotated = ddf.map_partitions(modelname.annotate_table, "modelId", meta=meta)
    result = annotated.compute(scheduler="threads")
    whole = modelname.annotate_table(frame, "modelId")
    assert list(result.columns) == list(whole.columns)
    assert list(result.dtypes) == list(meta.dtypes)
    annotation = [c for c in whole.columns[frame.shape[1] :] if c != "line"]  # line counts within a partition
    pd.testing.assert_frame_equal(result[annotation], whole[annotation])  # same values, same Arrow dtypes
    assert result["line"].tolist() == [1, 2, 3, 4, 1, 2, 3, 1, 2, 3]
    assert result["modelId"].tolist() == frame["modelId"].tolist()  # (Dask may convert input strings' dtype)
    assert result["family"].tolist()[:2] == ["Qwen", "Qwen"]


def test_readme_dask_example_runs(tmp_path, monkeypatch):
    """The README's Dask example, verbatim, against a fixture listing written to Parquet."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\nimport dask.dataframe as dd")
    code = readme[start + len("```python\n") : readme.index("```", start + 10)]
    pd.DataFrame(LISTING).to_parquet(tmp_path / "models.parquet")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    done = pq.read_table(tmp_path / "annotated")
    assert done.num_rows == len(LISTING)
    assert done.column("family").to_pylist()[0] == "Qwen"
