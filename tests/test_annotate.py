"""``modelname annotate`` and the batch library functions (issue 5).

Hub-shaped records come from fixtures/hub/ (written by hand in the API's documented shape);
the Hub itself is a stubbed ``HfApi``: no test touches the network.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import types
from datetime import datetime

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

import modelname
from modelname import annotate as annotate_function
from modelname.cli import cli

HUB = FIXTURES / "hub"
import modelname._annotate as A
from modelname._annotate import columns as C
from modelname._annotate import csv_input, json_array, outputs, parquet_input, records
from modelname._annotate import workers as W

IO = types.SimpleNamespace(
    JSONArrayReader=json_array.JSONArrayReader,
    CSVReader=csv_input.CSVReader,
    ParquetReader=parquet_input.ParquetReader,
    scrub=records.scrub,
    open_output=outputs.open_output,
    StreamFile=outputs.StreamFile,
    _descriptor=outputs._descriptor,
)


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, ["annotate", *args], input=input, catch_exceptions=False)


def rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def pick(records: list[dict], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in records]


# --------------------------------------------------------------------------- plain text


def test_plain_names_from_stdin_one_row_each_in_order():
    result = run(
        "--fields",
        "name,family,parameters_total,error,line",
        input="Qwen/Qwen2.5-7B-Instruct\n\nQwen-\ngpt-4o-mini\n",
    )
    assert result.exit_code == 0
    assert rows(result.stdout) == [
        {
            "name": "Qwen/Qwen2.5-7B-Instruct",
            "family": "Qwen",
            "parameters_total": 7000000000,
            "error": None,
            "line": 1,
        },
        {
            "name": "Qwen-",
            "family": None,
            "parameters_total": None,
            "error": "invalid name: the name ends with a separator (at character 5)",
            "line": 3,
        },
        {"name": "gpt-4o-mini", "family": "GPT", "parameters_total": None, "error": None, "line": 4},
    ]
    assert result.stderr == "annotated 3 rows: 2 parsed, 1 with errors, 2 fully recognized\n"


def test_dash_reads_stdin_and_default_columns_are_the_documented_ones():
    result = run("-", input="DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf\n")
    (row,) = rows(result.stdout)
    assert tuple(row) == A.COLUMNS
    assert row["kind"] == "gguf_file"
    assert (row["family"], row["version"], row["distill_teacher"], row["distill_base"]) == (
        "DeepSeek",
        "R1",
        "DeepSeek-R1",
        "Qwen",
    )
    assert (row["quantization_scheme"], row["quantization_bits"], row["quantization_bits_per_weight"]) == (
        "Q4_K_M",
        4,
        4.5,
    )
    assert (row["format_id"], row["format_extension"], row["role"]) == ("gguf", "gguf", "model")
    assert row["recognized"] is True and row["unrecognized"] is None and row["error"] is None


def test_strict_exits_1_when_a_row_failed_and_0_otherwise():
    assert run("--strict", input="Qwen-\ngpt-4o\n").exit_code == 1
    assert run("--strict", input="gpt-4o\n").exit_code == 0
    assert run(input="Qwen-\n").exit_code == 0


def test_quiet_prints_no_summary():
    result = run("-q", input="gpt-4o\n")
    assert result.stderr == ""
    assert len(rows(result.stdout)) == 1


def test_limit_reads_only_the_first_rows():
    result = run("--limit", "2", "--fields", "name", input="a-7B\nb-7B\nc-7B\n")
    assert rows(result.stdout) == [{"name": "a-7B"}, {"name": "b-7B"}]


def test_lang_adds_explanations_and_they_are_off_by_default():
    assert "explanations" not in rows(run(input="Qwen2.5-7B-Instruct\n").stdout)[0]
    (row,) = rows(
        run("--lang", "en", "--fields", "explanations", input="Qwen2.5-7B-Instruct-Q4_K_M.gguf\n").stdout
    )
    assert "7 billion" in row["explanations"] and " | " in row["explanations"]
    (row,) = rows(
        run("--lang", "zh", "--fields", "explanations", input="Qwen2.5-7B-Instruct-Q4_K_M.gguf\n").stdout
    )
    assert "70 亿" in row["explanations"]


def test_bytes_that_are_not_utf8_are_a_row_error():
    result = run("--fields", "name,error,line", input=b"gpt-4o\nqwen\xff7b\n")
    assert rows(result.stdout) == [
        {"name": "gpt-4o", "error": None, "line": 1},
        {"name": "qwen\ufffd7b", "error": "not UTF-8 text: byte 5 of the line, written as U+FFFD", "line": 2},
    ]


# --------------------------------------------------------------------------- Hub records: JSON array, JSON lines


def test_json_array_listing_keeps_records_and_uses_tags():
    result = run(str(HUB / "listing.json"))
    assert result.exit_code == 0
    out = rows(result.stdout)
    assert len(out) == 10
    # the input's own columns first, then the annotation columns
    assert list(out[0])[:11] == [
        "_id",
        "id",
        "likes",
        "trendingScore",
        "private",
        "downloads",
        "tags",
        "pipeline_tag",
        "library_name",
        "createdAt",
        "modelId",
    ]
    assert list(out[0])[11:] == list(A.COLUMNS)
    assert out[0]["downloads"] == 1893231 and out[0]["line"] == 2
    assert pick(out, "name", "family", "hub_base_model", "hub_base_relation")[:3] == [
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen", "Qwen/Qwen2.5-7B", "finetune"),
        ("bartowski/Qwen2.5-7B-Instruct-GGUF", "Qwen", "Qwen/Qwen2.5-7B-Instruct", "quantized"),
        ("Qwen/Qwen2.5-7B-Instruct-AWQ", "Qwen", "Qwen/Qwen2.5-7B-Instruct", "quantized"),
    ]
    assert result.stderr == "annotated 10 rows: 10 parsed, 0 with errors, 10 fully recognized\n"


def test_tags_fill_empty_fields_and_say_so():
    out = {r["name"]: r for r in rows(run(str(HUB / "listing.json")).stdout)}
    repo = out["Qwen/Qwen2.5-7B-Instruct"]
    assert (repo["format_id"], repo["format_extension"], repo["hub_filled"]) == (
        "safetensors",
        None,
        "format_id",
    )
    gguf = out["bartowski/Qwen2.5-7B-Instruct-GGUF"]
    assert (gguf["format_id"], gguf["hub_filled"], gguf["conflicts"]) == ("gguf", None, None)
    gptq = out["TheBloke/Llama-2-7B-Chat-GPTQ"]  # an old-style record: modelId only
    assert gptq["id"] is None
    assert (gptq["quantization_scheme"], gptq["quantization_method"], gptq["quantization_bits"]) == (
        "GPTQ",
        "gptq",
        4,
    )
    assert gptq["hub_filled"] == "format_id,quantization_bits"
    vl = out["Qwen/Qwen2-VL-7B-Instruct"]
    assert vl["category"] == "chat" and "vision" in vl["functions"].split(",")
    distill = out[
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"
    ]  # base model Qwen is the distill's base: no conflict
    assert (distill["family"], distill["distill_base"], distill["conflicts"]) == ("DeepSeek", "Qwen", None)


def test_disagreements_between_name_and_tags_are_reported():
    out = {r["name"]: r for r in rows(run(str(HUB / "listing.json")).stdout)}
    # a record written to disagree with its own tags in every way the annotator checks
    assert out["example/Mistral-7B-Instruct-v0.3-GGUF"]["conflicts"] == (
        "category: name says chat, pipeline_tag says sentence-similarity; "
        "format: name says gguf, tags say safetensors; "
        "family: name says Mistral, base_model tag says Qwen (Qwen/Qwen2.5-7B-Instruct)"
    )
    assert out["Qwen/Qwen2.5-7B-Instruct-AWQ"]["conflicts"] is None


def test_json_lines_with_broken_lines_keep_every_row():
    result = run(str(HUB / "broken.hub.ndjson"), "--fields", "id,name,family,error,line")
    assert result.exit_code == 0
    assert rows(result.stdout) == [
        {
            "id": "Qwen/Qwen2.5-7B-Instruct",
            "name": "Qwen/Qwen2.5-7B-Instruct",
            "family": "Qwen",
            "error": None,
            "line": 1,
        },
        {
            "id": None,
            "name": None,
            "family": None,
            "error": "broken JSON: Expecting ',' delimiter: column 78",
            "line": 2,
        },
        {"id": None, "name": None, "family": None, "error": "record has no id", "line": 4},
        {
            "id": "Qwen/Qwen2.5-7B-",
            "name": "Qwen/Qwen2.5-7B-",
            "family": None,
            "error": "invalid name: the name ends with a separator (at character 16)",
            "line": 5,
        },
        {
            "id": None,
            "name": None,
            "family": None,
            "error": "broken JSON: Expecting ',' delimiter: column 261",
            "line": 6,
        },
        {"id": None, "name": "openai/whisper-large-v3", "family": "Whisper", "error": None, "line": 7},
        {"id": None, "name": None, "family": None, "error": "not a model record: a JSON array", "line": 8},
        {
            "id": "BAAI/bge-reranker-v2-m3",
            "name": "BAAI/bge-reranker-v2-m3",
            "family": "BGE",
            "error": None,
            "line": 9,
        },
    ]
    assert result.stderr == "annotated 8 rows: 3 parsed, 5 with errors, 3 fully recognized\n"
    assert run(str(HUB / "broken.hub.ndjson"), "--strict").exit_code == 1


def test_a_record_with_no_id_keeps_its_own_columns():
    (row,) = rows(run("--fields", "_id,likes,error", input='{"_id": "x1", "likes": 3}\n').stdout)
    assert row == {"_id": "x1", "likes": 3, "error": "record has no id"}


def test_json_array_is_read_incrementally(monkeypatch):
    """Tiny chunks force a refill inside every record: the rows must be the same as reading it whole."""
    expected = run(str(HUB / "listing.json")).stdout
    monkeypatch.setattr(IO.JSONArrayReader, "CHUNK", 7)
    assert run(str(HUB / "listing.json")).stdout == expected
    assert len(rows(expected)) == len(json.loads((HUB / "listing.json").read_text()))


def test_broken_record_in_a_pretty_json_array_is_one_error_row(tmp_path):
    path = tmp_path / "models.json"
    path.write_text(
        "[\n"
        '  {\n    "id": "Qwen/Qwen2.5-7B-Instruct",\n    "likes": 1\n  },\n'
        '  {\n    "id": "meta-llama/Llama-3.1-8B-Instruct"\n    "likes": 2\n  },\n'
        '  {\n    "id": "gpt-4o-mini",\n    "likes": 3\n  },\n'
        '  "google/gemma-3-4b-it", 17, {"id": "mistralai/Mistral-7B-v0.1", "likes": 4}\n'
        "]\n"
    )
    out = rows(run(str(path), "--fields", "name,likes,error,line").stdout)
    assert out == [
        {"name": "Qwen/Qwen2.5-7B-Instruct", "likes": 1, "error": None, "line": 2},
        {"name": None, "likes": None, "error": "broken JSON: Expecting ',' delimiter: column 5", "line": 6},
        {"name": "gpt-4o-mini", "likes": 3, "error": None, "line": 10},
        {"name": "google/gemma-3-4b-it", "likes": None, "error": None, "line": 14},
        {"name": None, "likes": None, "error": "not a model record: a number", "line": 14},
        {"name": "mistralai/Mistral-7B-v0.1", "likes": 4, "error": None, "line": 14},
    ]


@pytest.mark.parametrize("chunk", [1 << 16, 5])
def test_broken_record_in_a_one_line_array_is_skipped_by_its_brackets(tmp_path, monkeypatch, chunk):
    """``curl …/api/models`` gives one long line: a broken record must not take the rest with it."""
    monkeypatch.setattr(IO.JSONArrayReader, "CHUNK", chunk)
    records = [
        json.dumps({"id": n, "siblings": [{"rfilename": "a.gguf"}]}) for n in ("gpt-4o", "x/y", "qwen2.5:7b")
    ]
    records[1] = records[1].replace('", "siblings"', '" "siblings"')  # a missing comma
    path = tmp_path / "models.json"
    path.write_text("[" + ", ".join(records) + "]")
    assert rows(run(str(path), "--fields", "name,error,line").stdout) == [
        {"name": "gpt-4o", "error": None, "line": 1},
        {"name": None, "error": "broken JSON: Expecting ',' delimiter: column 72", "line": 1},
        {"name": "qwen2.5:7b", "error": None, "line": 1},
    ]


def test_record_cut_short_in_an_array_of_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(IO.JSONArrayReader, "CHUNK", 3)
    path = tmp_path / "models.json"
    path.write_text(
        '[\n{"id": "gpt-4o", "tags": ["a"]},\n{"id": "x/y", "tags": ["b", \n{"id": "qwen2.5:7b"}\n]\n'
    )
    assert rows(run(str(path), "--fields", "name,error,line").stdout) == [
        {"name": "gpt-4o", "error": None, "line": 2},
        {"name": None, "error": "broken JSON: the input ends inside a record", "line": 3},
        {"name": "qwen2.5:7b", "error": None, "line": 4},
    ]


def test_truncated_json_array_flags_the_last_record(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"id": "gpt-4o"},\n {"id": "claude-3-5-sonn')
    out = rows(run(str(path), "--fields", "name,error,line").stdout)
    assert out == [
        {"name": "gpt-4o", "error": None, "line": 1},
        {"name": None, "error": "broken JSON: the input ends inside a record", "line": 2},
    ]


# --------------------------------------------------------------------------- --files


def test_files_gives_one_row_per_file_with_the_file_s_quant():
    result = run(
        str(HUB / "full.json"),
        "--files",
        "--fields",
        "name,file,kind,quantization_scheme,format_id,role,shard_index,shard_total,line",
    )
    out = rows(result.stdout)
    assert len(out) == 6 + 12 + 4 + 1
    assert out[:6] == [
        {
            "name": "bartowski/Qwen2.5-7B-Instruct-GGUF",
            "file": f,
            "kind": k,
            "quantization_scheme": q,
            "format_id": fmt,
            "role": role,
            "shard_index": None,
            "shard_total": None,
            "line": 2,
        }
        for f, k, q, fmt, role in [
            (".gitattributes", "file", None, None, None),
            ("Qwen2.5-7B-Instruct-IQ2_M.gguf", "gguf_file", "IQ2_M", "gguf", "model"),
            ("Qwen2.5-7B-Instruct-Q4_K_M.gguf", "gguf_file", "Q4_K_M", "gguf", "model"),
            ("Qwen2.5-7B-Instruct-Q8_0.gguf", "gguf_file", "Q8_0", "gguf", "model"),
            ("Qwen2.5-7B-Instruct.imatrix", "file", None, None, "imatrix"),
            ("README.md", "file", None, None, None),
        ]
    ]
    awq = {r["file"]: r for r in out if r["name"] == "Qwen/Qwen2.5-7B-Instruct-AWQ"}
    shard = awq["model-00001-of-00002.safetensors"]
    assert (shard["quantization_scheme"], shard["format_id"], shard["shard_index"], shard["shard_total"]) == (
        "AWQ",
        "safetensors",
        1,
        2,
    )
    assert awq["config.json"]["quantization_scheme"] is None
    deepseek = [r for r in out if r["name"] == "unsloth/DeepSeek-R1-GGUF"]
    assert [(r["quantization_scheme"], r["shard_index"]) for r in deepseek] == [
        (None, None),
        ("Q4_K_M", 1),
        ("Q4_K_M", 2),
        (None, None),
    ]
    assert out[-1] == {
        "name": "example/empty-repo",
        "file": None,
        "kind": "hf_repo",
        "quantization_scheme": None,
        "format_id": None,
        "role": None,
        "shard_index": None,
        "shard_total": None,
        "line": 80,
    }
    assert result.stderr == "annotated 23 rows: 23 parsed, 0 with errors, 23 fully recognized\n"


def test_file_rows_keep_who_made_it_from_the_repo():
    out = rows(run(str(HUB / "full.json"), "--files").stdout)
    q4 = next(r for r in out if r["file"] == "Qwen2.5-7B-Instruct-Q4_K_M.gguf")
    assert (q4["organization"], q4["vendor"], q4["family"], q4["version"], q4["parameters_label"]) == (
        "bartowski",
        "Alibaba",
        "Qwen",
        "2.5",
        "7B",
    )
    assert q4["hub_base_model"] == "Qwen/Qwen2.5-7B-Instruct" and q4["author"] == "bartowski"
    assert "siblings" not in q4


def test_without_files_a_full_record_is_one_row():
    out = rows(run(str(HUB / "full.json")).stdout)
    assert [r["file"] for r in out] == [None] * 4
    assert out[1]["quantization_scheme"] == "AWQ"


# --------------------------------------------------------------------------- CSV, TSV, Parquet in


def test_csv_input_with_default_column_keeps_its_columns():
    result = run(str(HUB / "names.csv"), "--fields", "rank,note,input_name,name,family,error,line")
    assert rows(result.stdout) == [
        {
            "rank": "1",
            "note": "chat, 7B",
            "input_name": "Qwen/Qwen2.5-7B-Instruct",
            "name": "Qwen/Qwen2.5-7B-Instruct",
            "family": "Qwen",
            "error": None,
            "line": 2,
        },
        {
            "rank": "2",
            "note": "",
            "input_name": "bartowski/Qwen2.5-7B-Instruct-GGUF",
            "name": "bartowski/Qwen2.5-7B-Instruct-GGUF",
            "family": "Qwen",
            "error": None,
            "line": 3,
        },
        {
            "rank": "3",
            "note": "an invalid name",
            "input_name": "Qwen-",
            "name": "Qwen-",
            "family": None,
            "error": "invalid name: the name ends with a separator (at character 5)",
            "line": 4,
        },
        {
            "rank": "4",
            "note": "no name",
            "input_name": "",
            "name": None,
            "family": None,
            "error": "record has no name",
            "line": 5,
        },
        {
            "rank": "5",
            "note": "api id",
            "input_name": "gpt-4o-mini",
            "name": "gpt-4o-mini",
            "family": "GPT",
            "error": None,
            "line": 6,
        },
    ]


def test_tsv_from_stdin_with_column():
    text = "repo\tkind\nQwen/Qwen2.5-7B-Instruct\thub\nqwen2.5:7b\tollama\n"
    result = run(
        "--input-format", "tsv", "--column", "repo", "--fields", "repo,input_kind,kind,family", input=text
    )
    assert rows(result.stdout) == [
        {"repo": "Qwen/Qwen2.5-7B-Instruct", "input_kind": "hub", "kind": "hf_repo", "family": "Qwen"},
        {"repo": "qwen2.5:7b", "input_kind": "ollama", "kind": "ollama_tag", "family": "Qwen"},
    ]


def test_missing_name_column_is_a_usage_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, ["annotate", str(path)])
    assert result.exit_code == 2
    assert (
        f"no id, modelId or name column in {path}; choose one with --column (columns: a, b)" in result.stderr
    )
    result = CliRunner().invoke(cli, ["annotate", str(path), "--column", "c"])
    assert result.exit_code == 2 and f"no column 'c' in {path} (columns: a, b)" in result.stderr


def test_unknown_field_and_missing_file_are_usage_errors():
    result = CliRunner().invoke(cli, ["annotate", "--fields", "family,colour"], input="gpt-4o\n")
    assert (
        result.exit_code == 2
        and "unknown field 'colour'; the columns are: name, file, kind," in result.stderr
    )
    result = CliRunner().invoke(cli, ["annotate", "no-such-file.txt"])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_parquet_in_and_out(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "listing.parquet"
    result = run(str(HUB / "listing.json"), "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    table = pq.read_table(out)
    assert table.num_rows == 10
    assert table.schema.names[11:] == list(A.COLUMNS)
    for column in A.COLUMNS:
        assert table.schema.field(column).type == A.output_schema().field(column).type, column
    assert str(table.schema.field("tags").type) == "list<element: string>"
    assert table.schema.field("downloads").type == A.output_schema().field("line").type  # int64
    # read it back: Parquet in, with its own columns passed through
    again = rows(run(str(out), "--fields", "id,input_family,family,input_line,line").stdout)
    assert again[0] == {
        "id": "Qwen/Qwen2.5-7B-Instruct",
        "input_family": "Qwen",
        "family": "Qwen",
        "input_line": 2,
        "line": 1,
    }
    # Parquet from standard input (spooled: Parquet is read from its end)
    piped = run("--fields", "id,line", input=out.read_bytes())
    assert rows(piped.stdout)[9] == {"id": None, "line": 10}


def test_csv_output_has_the_same_columns(tmp_path):
    out = tmp_path / "rows.csv"
    result = run(
        str(HUB / "listing.json"),
        "-o",
        str(out),
        "--fields",
        "id,tags,family,parameters_total,recognized,quantization_bits",
    )
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "id,tags,family,parameters_total,recognized,quantization_bits"
    assert lines[1].startswith('Qwen/Qwen2.5-7B-Instruct,"[""transformers"", ""safetensors""')
    assert lines[1].endswith(",Qwen,7000000000,true,")
    assert len(lines) == 11


def test_format_option_beats_the_extension(tmp_path):
    out = tmp_path / "rows.txt"
    run("--format", "csv", "-o", str(out), "--fields", "name", input="gpt-4o\n")
    assert out.read_text() == "name\ngpt-4o\n"
    out = tmp_path / "rows.jsonl"
    run("-o", str(out), "--fields", "name", input="gpt-4o\n")
    assert out.read_text() == '{"name": "gpt-4o"}\n'


def test_output_file_is_written_atomically(tmp_path, monkeypatch):
    out = tmp_path / "rows.jsonl"
    out.write_text("old\n")
    real = W._annotate_item
    seen = []

    def failing(item, lang):
        seen.append(item)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(item, lang)

    monkeypatch.setattr(W, "_annotate_item", failing)
    result = CliRunner().invoke(cli, ["annotate", "-o", str(out)], input="a-7B\nb-7B\nc-7B\nd-7B\n")
    assert result.exit_code == 1  # click: Aborted!
    assert out.read_text() == "old\n"  # untouched, not truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]  # no temporary file left
    monkeypatch.setattr(W, "_annotate_item", real)
    assert run("-o", str(out), "--fields", "name", input="a-7B\n").exit_code == 0
    assert out.read_text() == '{"name": "a-7B"}\n'


def test_new_output_file_gets_ordinary_permissions(tmp_path):
    out = tmp_path / "rows.csv"
    run("-o", str(out), input="gpt-4o\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


# --------------------------------------------------------------------------- scale: jobs, cache


def test_jobs_give_the_same_rows_in_the_same_order(monkeypatch):
    monkeypatch.setattr(W, "CHUNK_SIZE", 3)  # many chunks, each shared out among the workers
    one = run(str(HUB / "full.json"), "--files")
    two = run(str(HUB / "full.json"), "--files", "--jobs", "2")
    assert two.exit_code == 0
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    text = "\n".join(["gpt-4o", "Qwen-", "qwen2.5:7b"] * 20) + "\n"
    assert run("-j", "3", input=text).stdout == run(input=text).stdout


def test_repeated_names_are_parsed_once(monkeypatch):
    calls = []
    real = C.parse_uncached

    def counting(name):
        calls.append(name)
        return real(name)

    C._cached_flat.cache_clear()
    monkeypatch.setattr(C, "parse_uncached", counting)
    out = list(modelname.annotate(["Zephyr-7B-beta"] * 50 + ["Zephyr-7B-alpha"] * 50))
    assert len(out) == 100
    assert sorted(calls) == ["Zephyr-7B-alpha", "Zephyr-7B-beta"]
    C._cached_flat.cache_clear()


def test_progress_bar_only_on_a_terminal():
    # CliRunner's stderr is not a terminal: only the summary line is written
    result = run(input="gpt-4o\n")
    assert result.stderr == "annotated 1 row: 1 parsed, 0 with errors, 1 fully recognized\n"


# --------------------------------------------------------------------------- the Hub (stubbed HfApi)


class _Sibling:
    def __init__(self, rfilename: str) -> None:
        self.rfilename = rfilename


class _ModelInfo:
    """The attributes of ``huggingface_hub.ModelInfo`` that the annotator reads."""

    def __init__(self, record: dict) -> None:
        self.id = record["id"]
        self.author = record.get("author")
        self.pipeline_tag = record.get("pipeline_tag")
        self.library_name = record.get("library_name")
        self.tags = record.get("tags")
        self.downloads = record.get("downloads")
        self.likes = record.get("likes")
        self.created_at = datetime.fromisoformat(record["createdAt"])
        self.last_modified = None
        self.gated = record.get("gated")
        self.siblings = (
            [_Sibling(s["rfilename"]) for s in record["siblings"]] if "siblings" in record else None
        )


@pytest.fixture
def fake_hub(monkeypatch):
    calls: list[dict] = []
    state = {"fail": None}

    class HfApi:
        def list_models(self, **kwargs):
            calls.append(kwargs)
            source = "full.json" if kwargs.get("full") else "listing.json"
            records = json.loads((HUB / source).read_text())
            if kwargs.get("author"):
                records = [r for r in records if (r.get("id") or "").startswith(kwargs["author"] + "/")]

            def listing():
                if state["fail"] is not None:
                    raise state["fail"]
                for record in records[: kwargs.get("limit")]:
                    if "id" not in record:
                        record = {**record, "id": record["modelId"]}
                    yield _ModelInfo(record)

            return listing()

    module = types.ModuleType("huggingface_hub")
    module.HfApi = HfApi  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "huggingface_hub", module)
    return calls, state


def test_hub_listing_is_annotated(fake_hub):
    calls, _ = fake_hub
    result = run(
        "--hub", "author=Qwen", "--fields", "id,author,downloads,createdAt,family,quantization_method,line"
    )
    assert result.exit_code == 0
    assert calls == [{"author": "Qwen"}]
    assert rows(result.stdout) == [
        {
            "id": "Qwen/Qwen2.5-7B-Instruct",
            "author": None,
            "downloads": 1893231,
            "createdAt": "2024-09-16T11:55:40+00:00",
            "family": "Qwen",
            "quantization_method": None,
            "line": 1,
        },
        {
            "id": "Qwen/Qwen2.5-7B-Instruct-AWQ",
            "author": None,
            "downloads": 201554,
            "createdAt": "2024-09-17T13:05:01+00:00",
            "family": "Qwen",
            "quantization_method": "awq",
            "line": 2,
        },
        {
            "id": "Qwen/Qwen2-VL-7B-Instruct",
            "author": None,
            "downloads": 934201,
            "createdAt": "2024-08-28T09:03:13+00:00",
            "family": "Qwen",
            "quantization_method": None,
            "line": 3,
        },
    ]


def test_hub_files_limit_and_search(fake_hub):
    calls, _ = fake_hub
    result = run(
        "--hub",
        "author=bartowski,sort=downloads",
        "--hub-search",
        "Qwen",
        "--files",
        "--limit",
        "5",
        "--fields",
        "file,quantization_scheme",
    )
    assert calls == [{"author": "bartowski", "sort": "downloads", "search": "Qwen", "full": True, "limit": 5}]
    assert [r["quantization_scheme"] for r in rows(result.stdout)] == [
        None,
        "IQ2_M",
        "Q4_K_M",
        "Q8_0",
        None,
        None,
    ]


def test_hub_unreachable_is_one_clear_line(fake_hub, tmp_path):
    _, state = fake_hub
    state["fail"] = ConnectionError("Failed to resolve 'huggingface.co'\n(more detail)")
    out = tmp_path / "hub.jsonl"
    result = CliRunner().invoke(cli, ["annotate", "--hub", "author=Qwen", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        "modelname: cannot list models from the Hugging Face Hub (ConnectionError: Failed to resolve 'huggingface.co')\n"
    )
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_hub_needs_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    result = CliRunner().invoke(cli, ["annotate", "--hub", "author=Qwen"])
    assert result.exit_code == 1
    assert result.stderr == "modelname: --hub needs huggingface_hub: pip install 'modelname[hub]'\n"


def test_hub_usage_errors(fake_hub):
    result = CliRunner().invoke(cli, ["annotate", "--hub", "author=Qwen", str(HUB / "listing.json")])
    assert result.exit_code == 2 and "give INPUT files or --hub/--hub-search, not both" in result.stderr
    result = CliRunner().invoke(cli, ["annotate", "--hub", "Qwen"])
    assert (
        result.exit_code == 2
        and "--hub takes KEY=VALUE pairs such as author=Qwen, not 'Qwen'" in result.stderr
    )


# --------------------------------------------------------------------------- the library


def test_annotate_library_rows_are_typed_and_in_order():
    records = [
        "Qwen/Qwen2.5-7B-Instruct",
        {"id": "a//b", "downloads": 3},
        {"modelId": "gpt-4o", "name": "x"},
        7,
    ]
    out = list(modelname.annotate(records))
    assert [type(r) for r in out] == [modelname.AnnotatedRow] * 4
    assert [(r.name, r.family, r.line) for r in out] == [
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen", 1),
        ("a//b", None, 2),
        ("gpt-4o", "GPT", 3),
        (None, None, 4),
    ]
    assert out[1].error == "invalid name: unexpected character '/' (at character 3)"
    assert out[3].error == "not a model record: a number"
    assert out[1].input == {"id": "a//b", "downloads": 3}
    flat = out[2].to_dict()
    assert list(flat)[:3] == ["modelId", "input_name", "name"]
    assert (flat["input_name"], flat["name"]) == ("x", "gpt-4o")
    assert annotate_function is modelname.annotate


def test_annotate_library_files_and_jobs():
    records = json.loads((HUB / "full.json").read_text())
    one = list(modelname.annotate(records, files=True))
    two = list(modelname.annotate(records, files=True, jobs=2))
    assert one == two and len(one) == 23
    assert one[2].quantization_scheme == "Q4_K_M" and one[2].file == "Qwen2.5-7B-Instruct-Q4_K_M.gguf"


def test_output_schema_matches_columns():
    pa = pytest.importorskip("pyarrow")
    schema = A.output_schema()
    assert schema.names == list(A.COLUMNS)
    assert schema.field("parameters_total").type == pa.int64()
    assert schema.field("quantization_bits").type == pa.float64()
    assert schema.field("recognized").type == pa.bool_()
    assert schema.field("family").type == pa.string()
    with_input = A.output_schema(pa.schema([("id", pa.string()), ("name", pa.string())]), lang="en")
    assert with_input.names == ["id", "input_name", *A.COLUMNS, "explanations"]


def test_annotate_table_pyarrow():
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {
            "id": ["Qwen/Qwen2.5-7B-Instruct", None, "Qwen-"],
            "tags": [["gguf"], [], None],
            "downloads": [1, 2, 3],
        }
    )
    out = modelname.annotate_table(table)
    assert out.schema == A.output_schema(table.schema)
    assert out.column("family").to_pylist() == ["Qwen", None, None]
    assert out.column("format_id").to_pylist() == ["gguf", None, None]
    assert out.column("error").to_pylist()[1:] == [
        "record has no id",
        "invalid name: the name ends with a separator (at character 5)",
    ]
    assert out.column("line").to_pylist() == [1, 2, 3]
    batch = next(A.annotate_batches(table.to_batches()))
    assert isinstance(batch, pa.RecordBatch) and batch.num_rows == 3


def test_annotate_table_pandas_keeps_index_and_dtypes():
    pd = pytest.importorskip("pandas")
    records = json.loads((HUB / "listing.json").read_text())
    frame = pd.DataFrame(records, index=range(100, 110))
    out = modelname.annotate_table(frame, "modelId")
    assert list(out.index) == list(range(100, 110))
    assert list(out.columns) == [*frame.columns, *A.COLUMNS]
    assert out.loc[109, "family"] == "Llama" and out.loc[109, "quantization_bits"] == 4
    assert out.loc[108, "conflicts"].startswith(
        "category: name says chat, pipeline_tag says sentence-similarity; "
    )
    assert out.loc[100, "hub_filled"] == "format_id"
    empty = modelname.annotate_table(frame.iloc[:0], "modelId")
    assert list(empty.dtypes) == list(out.dtypes)  # so an empty frame is a valid Dask meta
    with pytest.raises(A.AnnotateUsageError, match="no column 'nope'"):
        modelname.annotate_table(frame, "nope")
    with pytest.raises(TypeError):
        modelname.annotate_table([1, 2])


def test_import_modelname_stays_light():
    import subprocess

    code = "import sys, modelname; print(sorted(m for m in ('pyarrow', 'pandas', 'multiprocessing', 'rich.progress') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- README


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## `modelname annotate`")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_readme_documents_every_column_and_the_exit_codes():
    section = _readme_section()
    for column in A.COLUMNS:
        assert f"| `{column}` |" in section, column
    for text in ("map_partitions", "mapInArrow", "map_batches", "--strict", "--files", "--jobs", "--hub"):
        assert text in section, text
    assert "| 0 |" in section and "| 1 |" in section and "| 2 |" in section
