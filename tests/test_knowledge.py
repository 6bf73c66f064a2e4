"""What the name alone cannot say (issue 12): published checkpoints, real API ids, and words whose
meaning depends on the family.  The cases of the issue are rows of fixtures/knowledge.jsonl; these
tests check the tables as a whole and what reaches the user."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import modelname
from modelname._read import identify
from modelname.cli import cli
from modelname.tables import _cache, vocabulary


def test_every_checkpoint_id_reads_as_its_own_checkpoint():
    """The matching reads ids with the parser itself, so every row must be found from its own id
    (two rows that read alike are told apart by functions, dates and the spelled id)."""
    v = vocabulary()
    assert len(v.checkpoints) >= 400
    wrong = [
        (row.id, m.checkpoint.id if m.checkpoint else None)
        for row in v.checkpoints
        if (m := modelname.parse(row.id)).checkpoint is None or m.checkpoint.id != row.id
    ]
    assert not wrong


def test_every_real_api_id_and_its_other_spellings_go_unflagged():
    v = vocabulary()
    flagged = [s for s in v.api_models if modelname.parse(s).warnings]
    assert not flagged
    for prefixed in (
        "openrouter/openai/gpt-4o",
        "azure/gpt-4o-mini",
        "bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0",
    ):
        assert not modelname.parse(prefixed).warnings, prefixed


@pytest.mark.parametrize(
    "name",
    ["GPT-4o-Max", "gpt-4o-ultra", "Claude-Vision", "claude-3-5-sonnet-max", "gemini-2.5-pro-max"],
)
def test_names_no_real_model_has_are_warned_with_the_nearest_ids(name):
    (w,) = modelname.parse(name).warnings
    assert w.code == "unknown_model"
    assert "did you mean" in w.en and "是否想找" in w.zh


def test_warnings_are_kept_in_the_json_form():
    m = modelname.parse("GPT-4o-Max")
    data = m.model_dump(mode="json")
    assert data["warnings"][0]["code"] == "unknown_model"
    again = modelname.ModelName.model_validate(data)
    assert again.warnings == m.warnings
    assert any(e.field == "warnings" for e in again.explanations)


def test_true_sizes_reach_fit_and_explain():
    out = CliRunner().invoke(cli, ["fit", "Qwen2.5-72B-Instruct-Q4_K_M.gguf", "-m", "48"])
    assert out.output.startswith("Qwen2.5-72B-Instruct-Q4_K_M.gguf: does not fit in 48.00 GB")
    assert "72,706,203,648 parameters" in out.output
    text = CliRunner().invoke(cli, ["explain", "gpt-oss-120b"]).output
    assert "116,830,000,000" in text and "MXFP4" in text
    warned = CliRunner().invoke(cli, ["explain", "GPT-4o-Max"]).output
    assert "No OpenAI model of this name is known" in warned


def test_an_unknown_name_keeps_its_label_size():
    m = modelname.parse("SomeMerge-13B-Q4_K_M.gguf")
    assert m.checkpoint is None
    assert m.estimate_memory().parameters == 13_000_000_000


def test_a_fine_tune_takes_its_base_checkpoint_and_says_so():
    m = modelname.parse("NousResearch/Hermes-3-Llama-3.1-8B")
    assert m.checkpoint is not None and m.checkpoint.id == "meta-llama/Llama-3.1-8B"
    (e,) = [x for x in m.explanations if x.field == "checkpoint"]
    assert e.en.startswith("Built on meta-llama/Llama-3.1-8B")


def test_the_indexes_are_cached_and_a_damaged_cache_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("MODELNAME_CACHE", str(tmp_path))
    identify._INDEX.clear()
    try:
        v = vocabulary()
        built = identify.checkpoint_index(v)
        assert list(tmp_path.glob("checkpoints-*.json"))
        for damage in ("{", "[]", json.dumps({"exact": {"x": [[10**9, [], None]]}, "base": {}})):
            for path in tmp_path.glob("checkpoints-*.json"):
                path.write_text(damage, encoding="utf-8")
            identify._INDEX.clear()
            assert identify.checkpoint_index(v) == built
        assert _cache.read_json(identify._stamps(), "checkpoints") == built  # written again
    finally:
        identify._INDEX.clear()


def test_meanings_are_table_rows_each_with_a_fixture():
    """Adding a meaning is a row plus a fixture row: every row's family (or organization) appears
    among the fixture names that carry an attribute or a meaning's version."""
    rows = [row for rows in vocabulary().meanings.values() for row in rows]
    assert rows and all(row.source and row.en and row.zh for row in rows)
    for row in rows:
        text = row.en.format(text="X", value="Y")
        assert "{" not in text, row
