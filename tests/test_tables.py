"""Every vocabulary table: valid rows, both languages, no duplicate spellings, exact bits per weight."""

from __future__ import annotations

import collections
import tomllib
from importlib import resources

import pytest

from modelname.tables import key, load, vocabulary
from modelname.tables.schema import FORMAT_IDS, FUNCTION_IDS, METHOD_IDS, ROLE_IDS, TABLES


def _raw(filename: str) -> list[dict]:
    array = TABLES[filename][0]
    text = resources.files("modelname.tables").joinpath(filename).read_text(encoding="utf-8")
    return tomllib.loads(text).get(array, [])


@pytest.mark.parametrize("filename", sorted(TABLES))
def test_rows_validate(filename):
    model = TABLES[filename][1]
    for row in _raw(filename):
        model.model_validate(row)


@pytest.mark.parametrize("filename", sorted(TABLES))
def test_every_row_has_english_and_chinese(filename):
    for row in _raw(filename):
        assert row.get("en", "").strip(), f"{filename}: {row} has no English text"
        zh = row.get("zh", "").strip()
        assert zh, f"{filename}: {row} has no Chinese text"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), f"{filename}: zh of {row} is not Chinese"


def _duplicates(filename, fields):
    seen = collections.defaultdict(list)
    for row in _raw(filename):
        spellings = set()
        for f in fields:
            value = row.get(f)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str):
                    spellings.add(key(v))
        for s in spellings:
            seen[s].append(row.get("name") or row.get("scheme") or row.get("word") or row.get("id"))
    return {s: rows for s, rows in seen.items() if len(rows) > 1}


@pytest.mark.parametrize(
    "filename, fields",
    [
        ("families.toml", ("name", "aliases")),
        ("vendors.toml", ("name", "aliases")),
        ("file_types.toml", ("scheme", "aliases")),
        ("quant_words.toml", ("word",)),
        ("quant_methods.toml", ("id", "aliases")),
        ("formats.toml", ("id", "aliases")),
        ("uploaders.toml", ("name", "aliases")),
    ],
)
def test_no_duplicate_alias(filename, fields):
    assert _duplicates(filename, fields) == {}


def test_no_duplicate_tag_spelling_within_a_field():
    rows = _raw("tags.toml")
    seen = collections.defaultdict(set)
    for row in rows:
        for s in {key(row["word"]), *(key(a) for a in row.get("aliases", []))}:
            seen[s].add(row["word"])
    dup = {s: words for s, words in seen.items() if len(words) > 1}
    assert dup == {}


def test_family_aliases_are_not_tag_words():
    tags = set(vocabulary().tags)
    clash = sorted(a for a in vocabulary().family_by_alias if a in tags)
    assert clash == []


def test_every_family_has_a_known_vendor():
    vendors = {row["name"] for row in load("vendors.toml")}
    missing = [row["name"] for row in load("families.toml") if row["vendor"] not in vendors]
    assert missing == []


def test_bits_per_weight_match_the_gguf_package():
    gguf = pytest.importorskip("gguf")
    sizes = {t.name: (block, size) for t, (block, size) in gguf.constants.GGML_QUANT_SIZES.items()}
    for row in load("ggml_types.toml"):
        if row["name"] not in sizes:
            continue  # newer than the installed gguf package (Q2_0)
        block, size = sizes[row["name"]]
        assert (row["block_size"], row["type_size"]) == (block, size), row["name"]
        assert row["bits_per_weight"] == size * 8 / block, row["name"]
        assert row["id"] == int(gguf.GGMLQuantizationType[row["name"]]), row["name"]


def test_every_gguf_type_and_file_type_is_in_the_tables():
    gguf = pytest.importorskip("gguf")
    types = {row["name"] for row in load("ggml_types.toml")}
    assert {t.name for t in gguf.GGMLQuantizationType} <= types
    ftypes = {row["ftype"] for row in load("file_types.toml") if row.get("ftype") is not None}
    known = {int(t) for t in gguf.LlamaFileType if t.name != "GUESSED"}
    assert known <= ftypes, sorted(known - ftypes)


def test_file_types_point_at_known_tensor_types():
    types = {row["name"] for row in load("ggml_types.toml")}
    for row in load("file_types.toml"):
        assert row["tensor_type"] in types, row["scheme"]


def test_ids_are_from_the_fixed_vocabularies():
    for row in load("tags.toml"):
        if row["field"] == "functions":
            assert row["id"] in FUNCTION_IDS, row
        if row["field"] == "role":
            assert row["id"] in ROLE_IDS, row
    for row in load("quant_methods.toml"):
        assert row["id"] in METHOD_IDS
    for row in load("quant_words.toml"):
        assert row.get("method") in (None, *METHOD_IDS), row
    for row in load("formats.toml"):
        assert row["id"] in FORMAT_IDS


def test_quant_explanations_say_what_you_get():
    for row in load("file_types.toml"):
        if row.get("removed"):
            continue
        assert "bit" in row["en"] and "位" in row["zh"], row["scheme"]


def test_ollama_aliases_parse():
    import modelname

    for row in load("ollama.toml"):
        m = modelname.parse(row["name"])
        assert m.kind == "ollama_tag", row["name"]
        modelname.parse(row["resolves_to"])
