"""Every vocabulary table: valid rows, both languages, no duplicate spellings, exact bits per weight."""

from __future__ import annotations

import collections
import dataclasses
import tomllib
from importlib import resources

import pytest

from modelname.tables import TableError, key, load, vocabulary
from modelname.tables.schema import ROLE_IDS, TABLES, Row


def _raw(filename: str) -> list[dict]:
    array = TABLES[filename][0]
    text = resources.files("modelname.tables").joinpath(filename).read_text(encoding="utf-8")
    return tomllib.loads(text).get(array, [])


@pytest.mark.parametrize("filename", sorted(TABLES))
def test_rows_validate_when_loaded(filename):
    rows = load(filename)
    assert len(rows) == len(_raw(filename))
    assert all(isinstance(row, TABLES[filename][1]) for row in rows)


def test_a_misspelt_column_is_refused_with_the_row_named(monkeypatch):
    import modelname.tables as tables

    text = "[[tag]]\nword = 'Zorp'\nfeild = 'functions'\nen = 'x'\nzh = '测'\n"
    monkeypatch.setattr(tables, "_source", lambda _name: text)
    with pytest.raises(TableError, match=r"tags.toml: row 'Zorp': .*"):
        tables._read_toml("tags.toml")


@pytest.mark.parametrize("filename", sorted(f for f, (_, model) in TABLES.items() if issubclass(model, Row)))
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


def test_references_between_tables_are_checked(monkeypatch):
    import modelname.tables as tables

    vocabulary()  # the shipped tables refer only to rows that exist
    original = tables.load

    def broken(filename):
        rows = original(filename)
        if filename == "tags.toml":
            rows = (*rows, dataclasses.replace(rows[0], word="Zorp", aliases=(), id="zorping"))
        return rows

    monkeypatch.setattr(tables, "load", broken)
    vocabulary.cache_clear()
    try:
        with pytest.raises(TableError, match="tags.toml: Zorp: unknown function 'zorping'"):
            vocabulary()
    finally:
        monkeypatch.undo()
        vocabulary.cache_clear()


def test_bits_per_weight_match_the_gguf_package():
    gguf = pytest.importorskip("gguf")
    sizes = {t.name: (block, size) for t, (block, size) in gguf.constants.GGML_QUANT_SIZES.items()}
    for row in load("ggml_types.toml"):
        if row.name not in sizes:
            continue  # newer than the installed gguf package (Q2_0)
        block, size = sizes[row.name]
        assert (row.block_size, row.type_size) == (block, size), row.name
        assert row.bits_per_weight == size * 8 / block, row.name
        assert row.id == int(gguf.GGMLQuantizationType[row.name]), row.name


def test_every_gguf_type_and_file_type_is_in_the_tables():
    gguf = pytest.importorskip("gguf")
    types = {row.name for row in load("ggml_types.toml")}
    assert {t.name for t in gguf.GGMLQuantizationType} <= types
    ftypes = {row.ftype for row in load("file_types.toml") if row.ftype is not None}
    known = {int(t) for t in gguf.LlamaFileType if t.name != "GUESSED"}
    assert known <= ftypes, sorted(known - ftypes)


def test_role_ids_are_the_results_roles():
    roles = {row.id for row in load("tags.toml") if row.field == "role"}
    assert roles <= set(ROLE_IDS)


def test_quant_explanations_say_what_you_get():
    for row in load("file_types.toml"):
        if row.removed:
            continue
        assert "bit" in row.en and "位" in row.zh, row.scheme


def test_ollama_aliases_agree_with_the_real_models_names():
    """What an alias row says of its real model (distillation, base, size) is what that name says."""
    import modelname

    for row in load("ollama.toml"):
        assert modelname.parse(row.name).kind == "ollama_tag", row.name
        real = modelname.parse(row.resolves_to)
        assert (row.distill_teacher, row.distill_base) == (
            (real.distill.teacher, real.distill.base) if real.distill else (None, None)
        ), row.name
        assert row.base_model == real.base_model, row.name
        assert row.parameters == (real.parameters.label if real.parameters else None), row.name


def test_sources_are_upstream_not_the_projects_own_notes():
    """Users do not have ../shared/reference: a row cites the model card, paper, docs or code the
    fact comes from."""
    import re

    from modelname.tables import TABLES, load

    notes = re.compile(r"shared/reference|(?<![-\w])reference/\w+\.(md|tsv)")
    bad = [
        (f, getattr(r, "source", None))
        for f in TABLES
        for r in load(f)
        if notes.search(str(getattr(r, "source", "") or ""))
    ]
    assert not bad, bad[:5]
