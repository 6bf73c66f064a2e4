"""Stage 5 — conclusions from the whole name: category, what a number means for a speech
model, what a quantization implies about its method, and the kind of name.
"""

from __future__ import annotations

from .._grammar import Skeleton
from ..tables import Vocabulary, key
from .quant import file_type_quant
from .state import Reading

__all__ = ["read_category", "read_sample_rate", "read_quant_method", "read_kind"]


def read_category(r: Reading, v: Vocabulary) -> None:
    """The kind of model: a non-chat word in the name (reranker, tts) first, then embedding or
    reranker functions, then the family's own category, then functions that generate text, then
    — for a sized or quantized model in a language-model format — chat, as a guess.  A projector
    or imatrix file is not a model of any kind."""
    if r.role in ("mmproj", "imatrix"):
        r.set_category(None, None)
        return
    fns = set(r.functions)
    fam = r.family_row
    family_category = fam.category if fam is not None and fam.category != "none" else None
    word = r.category if r.category not in (None, "chat") else None
    if word is not None:
        found = (word, "table")
    elif "embedding" in fns or "reranker" in fns:
        found = ("embedding" if "embedding" in fns else "reranker", "table")
    elif family_category is not None:
        found = (family_category, "table")
    elif any(v.functions[f].chat for f in fns if f in v.functions) or r.category == "chat":
        found = ("chat", "table")
    elif (
        r.family is not None and (r.parameters is not None or r.quantization is not None) and r.role != "lora"
    ):
        fmt = v.formats.get(r.format["id"]) if r.format is not None else None
        if r.format is not None and (fmt is None or not fmt.llm):
            r.category = None
            return
        found = ("chat", "pattern")
    else:
        r.set_category(None, None)
        return
    r.set_category(*found)
    # An embedding or reranker family says so in functions too (bge-m3 → embedding).
    if found[0] in ("embedding", "reranker") and not fns & {"embedding", "reranker"}:
        r.functions.append(found[0])
        r.source("functions", "table")


def read_sample_rate(r: Reading, v: Vocabulary) -> None:
    """``speech_…_16k``: in a speech model's name a k-number is the audio sample rate, not a context."""
    if r.category != "speech" or r.context_length is None:
        return
    for note in r.notes:
        if note.field == "context_length":
            note.field, note.info = "finetune", {"sample_rate": note.token}
            r.finetune.append(note.token)
            r.source("finetune", "pattern")
    r.context_length = None
    r.drop("context_length")


def read_quant_method(r: Reading, v: Vocabulary) -> None:
    """What the file says about its quantization's method: a llama.cpp code in a ``.bin`` is a
    legacy GGML file; a dtype in a GGUF file is its file type; an MLX quant's bits per weight
    include one 16-bit scale and bias per 64 weights."""
    q = r.quantization
    if q is None:
        return
    if r.format == {"id": "pytorch", "extension": "bin"} and q.get("method") in ("gguf", "ggml"):
        r.format = {"id": "ggml", "extension": "bin"}  # a llama.cpp quant code in a .bin name: GGML
    fmt = r.format["id"] if r.format else None
    if q.get("method") == "gguf" and fmt == "ggml":
        q["method"] = "ggml"
    file_type = v.file_types.get(key(q["scheme"]))
    container = v.formats[fmt].container if fmt in v.formats else None
    if q.get("method") is None and container is not None and container == fmt and file_type is not None:
        q.update(file_type_quant(file_type, v))
        q["method"] = fmt
    if q.get("method") is None and fmt == "mlx":
        q["method"] = "mlx"
    if q.get("method") == "mlx":
        bits = q.get("bits")
        if bits is not None and q.get("bits_per_weight") is None and bits < 16:
            q["bits_per_weight"] = bits + 0.5  # one 16-bit scale and bias per 64 weights
    if r.kind == "ollama_tag" and q.get("method") is None and file_type is not None:
        q.update(file_type_quant(file_type, v))


def read_kind(skel: Skeleton, r: Reading, v: Vocabulary) -> None:
    """A repo id (namespace/name) is ``hf_repo`` unless it is served (a provider) or names a
    closed model; files and Ollama tags keep the kind read from them; the rest are API ids."""
    if r.kind in ("gguf_file", "file", "ollama_tag"):
        return
    if skel.namespaces or skel.url:
        fam = r.family_row
        closed = fam is not None and fam.weights == "closed"
        downloadable = r.parameters is not None or r.quantization is not None or r.format is not None
        own = v.vendor_by_org.get((r.organization or "").lower())
        vendor_namespace = closed and own is not None and own.name == fam.vendor
        r.kind = "api_name" if r.provider or (closed and not downloadable) or vendor_namespace else "hf_repo"
        return
    r.kind = "file" if r.format is not None and r.format.get("extension") else "api_name"
