"""modelname.pick on realistic repository listings, and the pick command."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

import modelname
from modelname._pick import parse_file_size, pick, read_listing
from modelname.cli import cli

GiB = 2**30
PREFIX = "Qwen_Qwen2.5-VL-32B-Instruct"
Q8 = f"{PREFIX}-Q8_0/{PREFIX}-Q8_0"
MMPROJ = f"mmproj-{PREFIX}-f16.gguf"

# bartowski/Qwen_Qwen2.5-VL-32B-Instruct-GGUF as a download script sees it: sizes as on bartowski's
# Qwen2.5-32B-Instruct-GGUF card (Q8_0 34.82 GB, here split in two parts), plus the vision projector.
LISTING = [
    (".gitattributes", 2_134),
    ("README.md", 18_911),
    (f"{Q8}-00001-of-00002.gguf", 17_410_000_000),
    (f"{Q8}-00002-of-00002.gguf", 17_410_000_000),
    (f"{PREFIX}-Q6_K_L.gguf", 27_260_000_000),
    (f"{PREFIX}-Q5_K_M.gguf", 23_260_000_000),
    (f"{PREFIX}-Q4_K_M.gguf", 19_850_000_000),
    (f"{PREFIX}-IQ4_XS.gguf", 17_690_000_000),
    (f"{PREFIX}-Q3_K_L.gguf", 17_250_000_000),
    (f"{PREFIX}-IQ3_XS.gguf", 13_710_000_000),
    (f"{PREFIX}-Q2_K.gguf", 12_310_000_000),
    (f"{PREFIX}-IQ2_XS.gguf", 9_960_000_000),
    (MMPROJ, 1_380_000_000),
    (f"{PREFIX}.imatrix", 14_100_000),
]

# bartowski/Meta-Llama-3.1-8B-Instruct-GGUF (sizes from its card, rounded)
LLAMA = [
    ("Meta-Llama-3.1-8B-Instruct-Q8_0.gguf", 8_540_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q6_K_L.gguf", 6_850_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q6_K.gguf", 6_600_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q5_K_M.gguf", 5_730_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", 4_920_000_000),
    ("Meta-Llama-3.1-8B-Instruct-IQ4_XS.gguf", 4_450_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q3_K_L.gguf", 4_320_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q3_K_M.gguf", 4_020_000_000),
    ("Meta-Llama-3.1-8B-Instruct-IQ3_M.gguf", 3_780_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q3_K_S.gguf", 3_660_000_000),
    ("Meta-Llama-3.1-8B-Instruct-Q2_K.gguf", 3_180_000_000),
]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


# --------------------------------------------------------------------------- the four budgets


def test_6gb_nothing_fits_a_32b():
    c = pick(LISTING, memory="6GB")
    assert not c.chosen and c.files == () and c.mmproj is None and c.estimate is None
    assert c.reasons[0] == "nothing fits in 6.00 GB (5.59 GiB)"
    assert c.reasons[1].startswith("the smallest, IQ2_XS, does not fit: needs 14.56 GB")
    assert len(c.rejected) == 10  # nine models (Q8_0 as one) and the projector


def test_12gb_nothing_fits_either():
    c = pick(LISTING, memory="12GB")
    assert not c.chosen
    assert c.rejected[-2].file == f"{PREFIX}-IQ2_XS.gguf"
    assert c.rejected[-2].why == (
        "does not fit: needs 14.56 GB (9.96 GB weights + 1.38 GB projector + 2.15 GB KV cache for 8,192 tokens "
        "+ 1.07 GB overhead) > 12.00 GB"
    )


def test_24gb_takes_iq4_xs_with_the_projector():
    c = pick(LISTING, memory="24GB")
    assert c.files == (f"{PREFIX}-IQ4_XS.gguf",)
    assert c.mmproj == MMPROJ
    assert c.scheme == "IQ4_XS"
    assert c.total_bytes == 17_690_000_000 + 1_380_000_000
    est = c.estimate
    assert est is not None and est.complete
    assert est.weights.bytes == 17_690_000_000 and est.projector.bytes == 1_380_000_000
    assert est.kv_cache.bytes == 2 * GiB  # Qwen2.5-32B: 64 layers × 8 KV heads × 128 × 2 × 2 × 8,192
    assert est.total.bytes == 17_690_000_000 + 1_380_000_000 + 3 * GiB <= 24e9
    assert c.reasons[0] == "chose IQ4_XS: the highest-quality quant that fits"
    rejected = {r.file: r.why for r in c.rejected}
    assert rejected[f"{PREFIX}-Q4_K_M.gguf"].startswith("does not fit: needs 24.45 GB")
    assert rejected[f"{PREFIX}-Q3_K_L.gguf"] == "fits, but IQ4_XS is higher quality"


def test_24gib_card_takes_q4_k_m():
    """A GPU sold as "24 GB" has 24 GiB: written that way, Q4_K_M fits with the projector."""
    c = pick(LISTING, memory="24GiB")
    assert c.files == (f"{PREFIX}-Q4_K_M.gguf",)
    assert c.mmproj == MMPROJ


def test_80gb_takes_both_parts_of_q8_0_in_order():
    c = pick(LISTING, memory="80GB")
    assert c.files == (f"{Q8}-00001-of-00002.gguf", f"{Q8}-00002-of-00002.gguf")
    assert c.mmproj == MMPROJ
    assert c.scheme == "Q8_0"
    assert c.total_bytes == 34_820_000_000 + 1_380_000_000
    assert c.reasons[0] == "chose Q8_0 (2 parts): the highest-quality quant that fits"
    assert [r.file for r in c.rejected] == [
        f"{PREFIX}-{s}.gguf"
        for s in ("Q6_K_L", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_L", "IQ3_XS", "Q2_K", "IQ2_XS")
    ]


def test_order_of_the_listing_does_not_matter():
    shuffled = LISTING[:]
    random.Random(7).shuffle(shuffled)
    for memory in ("24GB", "80GB"):
        assert pick(shuffled, memory=memory).files == pick(LISTING, memory=memory).files


def test_ignored_files_say_why():
    c = pick(LISTING, memory="24GB")
    assert [(r.file, r.why) for r in c.ignored] == [
        (".gitattributes", "not a model file"),
        ("README.md", "not a model file"),
        (f"{PREFIX}.imatrix", "an importance matrix: input for quantizing, not a model to run"),
    ]


def test_llama_8b_for_small_budgets():
    six = pick(LLAMA, memory="6GB")
    assert six.files == ("Meta-Llama-3.1-8B-Instruct-IQ3_M.gguf",)  # 3.78 + 1.07 KV + 1.07 overhead
    twelve = pick(LLAMA, memory="12GB")
    assert twelve.files == ("Meta-Llama-3.1-8B-Instruct-Q8_0.gguf",)
    eight = pick(LLAMA, memory="8GB")
    assert eight.files == ("Meta-Llama-3.1-8B-Instruct-Q5_K_M.gguf",)


# --------------------------------------------------------------------------- quality order and prefer


def test_quality_order_without_sizes():
    names = [
        f"Model-7B-{s}.gguf"
        for s in (
            "Q4_0",
            "Q3_K_L",
            "IQ4_XS",
            "Q4_K_S",
            "Q4_K_M",
            "Q4_K_L",
            "Q5_0",
            "Q5_K_S",
            "Q6_K",
            "Q6_K_L",
            "F32",
            "F16",
            "Q8_0",
        )
    ]
    c = pick(names, memory="1TB")
    order = [c.files[0]] + [r.file for r in c.rejected]
    assert [n.split("-")[-1][:-5] for n in order] == [
        "F16",
        "F32",
        "Q8_0",
        "Q6_K_L",
        "Q6_K",
        "Q5_K_S",
        "Q5_0",
        "Q4_K_L",
        "Q4_K_M",
        "Q4_K_S",
        "IQ4_XS",
        "Q4_0",
        "Q3_K_L",
    ]


def test_prefer_a_scheme():
    c = pick(LISTING, memory="80GB", prefer="Q4_K_M")
    assert c.files == (f"{PREFIX}-Q4_K_M.gguf",)
    assert c.reasons[:2] == (
        "chose Q4_K_M because you preferred it",
        "Q8_0 (2 parts) would also fit and is higher quality",
    )
    assert {r.file: r.why for r in c.rejected}[f"{PREFIX}-Q6_K_L.gguf"] == "fits, but you preferred Q4_K_M"
    fallback = pick(LISTING, memory="24GB", prefer="q4_k_m")
    assert fallback.files == (f"{PREFIX}-IQ4_XS.gguf",)
    assert fallback.reasons[0].startswith("Q4_K_M (preferred): does not fit: needs 24.45 GB")
    absent = pick(LISTING, memory="24GB", prefer="Q5_K_S")
    assert absent.reasons[0] == "the listing has no Q5_K_S file (preferred)"


def test_prefer_a_minimum():
    assert not pick(LISTING, memory="12GB", prefer="bits>=4").chosen
    c = pick(LISTING, memory="80GB", prefer="bits<=5")
    assert c.files == (f"{PREFIX}-Q5_K_M.gguf",)
    assert {r.file: r.why for r in c.rejected}[
        f"{PREFIX}-Q6_K_L.gguf"
    ] == "below your minimum bits<=5 (bits 6)"
    assert pick(LISTING, memory="80GB", prefer="bpw >= 4.5").files[0].startswith(Q8)
    with pytest.raises(ValueError, match="neither a GGUF quant scheme"):
        pick(LISTING, memory="80GB", prefer="fast")


# --------------------------------------------------------------------------- shards, projectors, inputs


def test_incomplete_split_is_rejected():
    listing = [row for row in LISTING if "00002-of" not in row[0]]
    c = pick(listing, memory="80GB")
    assert c.files == (f"{PREFIX}-Q6_K_L.gguf",)
    assert (c.rejected[-1].file, c.rejected[-1].why) == (
        f"{Q8}-00001-of-00002.gguf",
        "incomplete split model: part 2 of 2 missing",
    )


def test_projector_preference_and_no_mmproj():
    listing = LISTING + [
        (f"mmproj-{PREFIX}-bf16.gguf", 1_380_000_000),
        (f"mmproj-{PREFIX}-Q8_0.gguf", 740_000_000),
    ]
    c = pick(listing, memory="80GB")
    assert c.mmproj == MMPROJ  # F16 first
    assert {r.file: r.why for r in c.rejected}[f"mmproj-{PREFIX}-bf16.gguf"] == "F16 projector chosen instead"
    # at 24 GB the smaller Q8_0 projector lets Q4_K_M fit, which beats IQ4_XS with the F16 one
    tight = pick(listing, memory="24GB")
    assert (tight.files, tight.mmproj) == ((f"{PREFIX}-Q4_K_M.gguf",), f"mmproj-{PREFIX}-Q8_0.gguf")
    assert tight.estimate.total.bytes == 19_850_000_000 + 740_000_000 + 3 * GiB
    without = pick(LISTING, memory="24GB", mmproj=False)
    assert without.mmproj is None and without.files == (f"{PREFIX}-Q4_K_M.gguf",)
    assert without.estimate.projector is None


def test_plain_names_use_estimates():
    names = [name for name, _ in LISTING]
    c = pick(names, memory="24GB")
    assert c.files == (f"{PREFIX}-Q4_K_M.gguf",)  # 32e9 × 4.8944 ÷ 8 = 19.58 GB, projector size unknown
    assert c.total_bytes is None
    assert "the projector is not counted: the listing does not give its size" in c.reasons


def test_hub_record_with_generic_safetensors_names():
    record = {
        "id": "Qwen/Qwen2.5-7B-Instruct",
        "siblings": [
            {"rfilename": "config.json", "size": 663},
            {"rfilename": "model-00001-of-00004.safetensors", "size": 3_945_441_440},
            {"rfilename": "model-00002-of-00004.safetensors", "size": 3_864_726_352},
            {"rfilename": "model-00003-of-00004.safetensors", "size": 3_864_726_424},
            {"rfilename": "model-00004-of-00004.safetensors", "size": 3_556_377_672},
            {"rfilename": "model.safetensors.index.json", "size": 27_752},
            {"rfilename": "tokenizer.json", "size": 7_031_645},
        ],
    }
    c = pick(record, memory="24GB")
    assert c.files == tuple(f"model-0000{i}-of-00004.safetensors" for i in range(1, 5))
    assert c.estimate.architecture == "qwen2.5-7b"  # from the record's id
    assert c.estimate.weights.bytes == 15_231_271_888
    assert not pick(record, memory="16GB").chosen


def test_read_listing_formats():
    text = "# a comment\nREADME.md\nModel-7B-Q4_K_M.gguf 4.68 GB\n4370000000\tModel-7B-IQ4_XS.gguf\nModel-7B-Q8_0.gguf 8100000000\n"
    rows, repo = read_listing(text)
    assert (
        rows
        == [
            ("README.md", None),
            ("Model-7B-Q4_K_M.gguf", 4_680_000_000),
            ("Model-7B-IQ4_XS.gguf", 4_370_000_000),
            ("Model-7B-Q8_0.gguf", 8_100_000_000),
        ]
        and repo is None
    )
    assert read_listing(json.dumps(["a.gguf", {"rfilename": "b.gguf", "lfs": {"size": 10}}]))[0] == [
        ("a.gguf", None),
        ("b.gguf", 10),
    ]
    with pytest.raises(ValueError, match="line 1: cannot read 'big' as a file size"):
        read_listing("Model-7B-Q8_0.gguf big\n")
    with pytest.raises(ValueError, match="no 'siblings'"):
        read_listing('{"id": "x"}')
    assert (
        parse_file_size("19.85 GB") == 19_850_000_000
        and parse_file_size("12") == 12
        and parse_file_size("x") is None
    )


def test_bad_entries():
    with pytest.raises(ValueError, match="cannot read a file entry"):
        pick([42], memory="1GB")
    with pytest.raises(ValueError, match="not a byte count"):
        pick([("a.gguf", -5)], memory="1GB")
    assert pick(["README.md"], memory="1GB").reasons == ("the listing has no complete model file",)


# --------------------------------------------------------------------------- modelname pick


def _listing_text() -> str:
    return "".join(f"{name} {size}\n" for name, size in LISTING)


def test_pick_command_text(tmp_path):
    path = tmp_path / "listing.txt"
    path.write_text(_listing_text())
    result = run("pick", str(path), "--memory", "24GB")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == [
        f"download  {PREFIX}-IQ4_XS.gguf",
        f"          {MMPROJ}",
        "          19.07 GB (17.76 GiB) in all",
        "why       chose IQ4_XS: the highest-quality quant that fits",
    ]
    assert f"rejected  {Q8}-00001-of-00002.gguf (+1 more part): does not fit: needs 39.42 GB" in result.output
    assert lines[-3:] == [
        "ignored   .gitattributes: not a model file",
        "          README.md: not a model file",
        f"          {PREFIX}.imatrix: an importance matrix: input for quantizing, not a model to run",
    ]


def test_pick_command_stdin_json_and_exit_codes():
    record = json.dumps(
        {
            "id": "bartowski/Qwen_Qwen2.5-VL-32B-Instruct-GGUF",
            "siblings": [{"rfilename": n, "size": s} for n, s in LISTING],
        }
    )
    result = run("pick", "-", "--memory", "80GB", "--json", input=record)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["files"] == [f"{Q8}-00001-of-00002.gguf", f"{Q8}-00002-of-00002.gguf"]
    assert data["mmproj"] == MMPROJ
    assert data["estimate"]["kv_cache"]["bytes"] == 2 * GiB
    assert data["rejected"][0] == {
        "file": f"{PREFIX}-Q6_K_L.gguf",
        "parts": 1,
        "why": "fits, but Q8_0 (2 parts) is higher quality",
    }
    nothing = run("pick", "-", "--memory", "12GB", input=_listing_text())
    assert nothing.exit_code == 1 and nothing.output.startswith("nothing fits in 12.00 GB (11.18 GiB)\n")
    bad = run("pick", "-", "--memory", "12GB", "--prefer", "fast", input=_listing_text())
    assert bad.exit_code == 2 and bad.output.startswith("modelname: prefer='fast' is neither")


def test_public_api():
    assert modelname.pick is pick
    c = modelname.pick(LISTING, memory=80 * 10**9, context_length=32768)
    assert type(c) is modelname.Choice
    assert c.context_length == 32768 and c.estimate.kv_cache.bytes == 8 * GiB
