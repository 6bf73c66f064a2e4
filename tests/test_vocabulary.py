"""Vocabulary lives in the tables: every spelling a table lists reads as itself, and a new quant
type, function tag or vendor is a table row — no code edit.

Each spelling is put in a neutral name (an unknown model ``Zorblax``, a size, the spelling) and
parsed; the reading must place it where its row says.
"""

from __future__ import annotations

import pytest

import modelname
import modelname.tables as tables
from modelname import _parse
from modelname.tables import key, load, vocabulary
from modelname.tables.schema import FileType, Function, Tag, Vendor

V = vocabulary()


def _spellings(row, *fields):
    out = []
    for f in fields:
        value = getattr(row, f)
        out.extend(value if isinstance(value, tuple) else [value])
    return [s for s in out if s]


FILE_TYPES = [
    (row.scheme, s) for row in load("file_types.toml") for s in _spellings(row, "scheme", "aliases")
]


@pytest.mark.parametrize("scheme, spelling", FILE_TYPES)
def test_every_llama_cpp_spelling_reads_as_its_file_type(scheme, spelling):
    m = modelname.parse(f"Zorblax-7B-{spelling}.gguf")
    assert m.quantization is not None and m.quantization.scheme == scheme
    assert m.quantization.method == "gguf"
    assert m.unrecognized == ()


QUANT_WORDS = [(row, s) for row in load("quant_words.toml") for s in _spellings(row, "word", "aliases")]


@pytest.mark.parametrize("row, spelling", QUANT_WORDS, ids=[s for _, s in QUANT_WORDS])
def test_every_quant_word_reads_as_its_scheme(row, spelling):
    m = modelname.parse(f"someone/Zorblax-7B-{spelling}")
    assert m.quantization is not None and m.quantization.scheme == row.scheme
    assert m.quantization.method == row.method


# A word that is also a family (bitnet) or a tag (gguf-my-repo) reads as that: families and tags
# are tried first (see _read/words.py WORD_RULES).
METHODS = [
    (row, s)
    for row in load("quant_methods.toml")
    if not row.as_format
    for s in _spellings(row, "id", "aliases")
    if key(s) not in V.family_by_alias
]


@pytest.mark.parametrize("row, spelling", METHODS, ids=[s for _, s in METHODS])
def test_every_method_word_reads_as_its_method(row, spelling):
    m = modelname.parse(f"someone/Zorblax-7B-{spelling}")
    assert m.quantization is not None and m.quantization.method == row.id


FORMAT_WORDS = [
    (row, s)
    for row in load("formats.toml")
    for s in row.aliases
    if key(s) not in V.method_by_alias and key(s) not in V.tags
]
EXTENSIONS = [(row, e) for row in load("formats.toml") for e in row.extensions]


@pytest.mark.parametrize("row, spelling", FORMAT_WORDS, ids=[s for _, s in FORMAT_WORDS])
def test_every_format_word_reads_as_its_format(row, spelling):
    m = modelname.parse(f"someone/Zorblax-7B-{spelling}")
    assert m.format is not None and m.format.id == row.id


@pytest.mark.parametrize("row, extension", EXTENSIONS, ids=[e for _, e in EXTENSIONS])
def test_every_extension_reads_as_its_format(row, extension):
    m = modelname.parse(f"Zorblax-7B.{extension}")
    assert m.format is not None and (m.format.id, m.format.extension) == (row.id, extension)
    assert m.kind == ("gguf_file" if row.id == "gguf" else "file")


TAGS = [(row, s) for row in load("tags.toml") for s in _spellings(row, "word", "aliases")]


def _placed(m, row) -> bool:
    if row.field == "functions":
        return row.id in m.functions
    if row.field == "variant":
        return row.word in (m.variant or "").split("-") or m.variant == row.word
    if row.field == "training":
        return row.word in m.training
    if row.field == "finetune":
        return row.word in m.finetune or row.word.isdigit() and any(w.isdigit() for w in m.finetune)
    if row.field == "role":
        return m.role == row.id
    return m.unrecognized == () and all(row.word not in w for w in m.finetune)  # marker, filler


@pytest.mark.parametrize("row, spelling", TAGS, ids=[f"{r.field}:{s}" for r, s in TAGS])
def test_every_tag_spelling_goes_where_its_row_says(row, spelling):
    # a zero-padded revision (gemini-1.5-pro-002) follows a version
    version = "-1.5" if spelling.isdigit() else ""
    m = modelname.parse(f"Zorblax{version}-7B-{spelling}-Q4_K_M.gguf")
    assert _placed(m, row), (spelling, m.model_dump(exclude={"explanations"}))


FAMILIES = [(row, s) for row in load("families.toml") for s in _spellings(row, "name", "aliases")]


@pytest.mark.parametrize("row, spelling", FAMILIES, ids=[s for _, s in FAMILIES])
def test_every_family_spelling_reads_as_its_family(row, spelling):
    m = modelname.parse(f"{spelling}-7B-Q4_K_M.gguf")
    assert m.family == row.name
    assert m.vendor == row.vendor


ORGS = [(row, org) for row in load("vendors.toml") for org in row.orgs]


@pytest.mark.parametrize("row, org", ORGS, ids=[o for _, o in ORGS])
def test_every_vendor_namespace_names_its_vendor(row, org):
    m = modelname.parse(f"{org}/Zorblax-7B")
    assert m.vendor == row.name
    assert m.organization == org


PREFIXES = [
    (row, s)
    for row in load("providers.toml")
    if row.where == "prefix"
    for s in _spellings(row, "name", "aliases")
]


@pytest.mark.parametrize("row, spelling", PREFIXES, ids=[s for _, s in PREFIXES])
def test_every_serving_prefix_is_a_provider(row, spelling):
    m = modelname.parse(f"{spelling}/someone/Zorblax-7B")
    assert m.provider is not None and m.provider.split("/")[0] == spelling


# --------------------------------------------------------------------------- new rows, no code


@pytest.fixture
def extra_rows(monkeypatch):
    """Add rows to tables for one test: ``extra_rows({"file_types.toml": [row, …]})``."""
    original = tables.load

    def add(extra):
        def patched(filename):
            return (*original(filename), *extra.get(filename, ()))

        monkeypatch.setattr(tables, "load", patched)
        _clear()

    yield add
    monkeypatch.undo()
    _clear()


def _clear():
    tables.vocabulary.cache_clear()
    _parse._cached.cache_clear()
    from modelname._grammar import _PLANS

    _PLANS.clear()


def test_a_new_quant_type_function_tag_and_vendor_are_table_rows_alone(extra_rows):
    before = modelname.parse("zorgco/Zorblax-2-7B-Legal-IQ4_KSX.gguf")
    assert before.quantization.scheme == "IQ4_KSX" and before.quantization.bits_per_weight is None
    assert "legal" not in before.functions and before.vendor is None
    extra_rows(
        {
            "file_types.toml": [
                FileType(
                    scheme="IQ4_KSX",
                    tensor_type="IQ4_XS",
                    bits=4,
                    en="A 4-bit i-quant.",
                    zh="4 位量化。",
                    source="test",
                )
            ],
            "functions.toml": [
                Function(id="legal", word="Legal", chat=True, en="Legal work.", zh="法律工作。")
            ],
            "tags.toml": [
                Tag(
                    word="Legal",
                    field="functions",
                    id="legal",
                    aliases=("law",),
                    en="For legal work.",
                    zh="用于法律工作。",
                )
            ],
            "vendors.toml": [
                Vendor(
                    name="Zorg",
                    full_name="Zorg Co.",
                    country="US",
                    orgs=("zorgco",),
                    en="A maker.",
                    zh="厂商。",
                    source="test",
                )
            ],
        }
    )
    after = modelname.parse("zorgco/Zorblax-2-7B-Legal-IQ4_KSX.gguf")
    assert after.quantization.scheme == "IQ4_KSX"
    assert after.quantization.bits_per_weight == V.ggml_types["IQ4_XS"].bits_per_weight
    assert after.source_of("quantization") == "table"
    assert after.functions == ("legal",) and after.category == "chat"
    assert after.vendor == "Zorg"
    assert modelname.parse("Zorblax-7B-law").functions == ("legal",)
    assert "Legal" in after.canonical
    assert any(e.field == "functions" and e.en == "For legal work." for e in after.explanations)
