"""Give the pieces of a parsed name their meaning: the reading pipeline.

Input: a :class:`~modelname._grammar.Skeleton` (the name's shapes, from the grammar).  Output: a
:class:`~modelname._read.state.Reading` — the result's fields, their provenance and the notes
that explain them.  The stages run in this order, each reading what the one before left:

===========  ==============================================================================
path         URL host and folders → ``provider``, ``organization`` (``path.py``); a dotted
             Bedrock vendor or an embedded namespace (``mistralai_Ministral-…``) likewise
suffix       the extension → ``format``, file kind; what follows ``:`` → serving suffixes or
             an Ollama tag's words (``suffix.py``)
words        every chunk: by its shape (``shapes.py``), else by the word rules — families,
             tags, quant words, methods, formats, vendors, glued words (``words.py``); the
             placing rules they share are in ``place.py``, quantization in ``quant.py``
resolve      second families → base model or distillation; versions; the maker; known
             totals; what a version implies; Ollama aliases (``resolve.py``)
conclude     category, sample rates, the quantization's method, the kind of name
             (``conclude.py``)
identify     the published checkpoint the name is (true sizes, context, release), and a
             warning for an API id no real model has (``identify.py``)
===========  ==============================================================================

Which word means what comes only from the tables (``modelname/tables``); the stages hold rules.
"""

from __future__ import annotations

from .._grammar import Skeleton
from ..tables import vocabulary
from . import conclude, path, resolve, suffix, words
from . import identify as identify_
from .state import Note, Reading

__all__ = ["read", "Reading", "Note"]


def read(skel: Skeleton, identify: bool = True) -> Reading:
    """Read a name's skeleton into a :class:`Reading` (the pipeline above, in order); ``identify``
    False stops before stage 6 (the checkpoint table's own ids are read that way)."""
    v = vocabulary()
    r = Reading()
    # 1. path
    path.read_path(skel, r, v)
    chunks = suffix.read_extension(skel.text, list(skel.leaf), r, v)
    chunks = suffix.read_tags(skel, chunks, r, v)
    chunks = path.read_dotted_prefixes(chunks, r, v)
    chunks = path.read_embedded_namespace(chunks, r, v)
    # 3. words
    words.read_words(chunks, r, v)
    # 4. resolve
    resolve.read_families(r, v)
    resolve.read_versions(r, v)
    resolve.read_provider_suffixes(r, v)
    resolve.read_vendor(r, v)
    resolve.read_known_totals(r, v)
    resolve.read_implied_functions(r, v)
    resolve.read_small_m_size(r, v)
    # 5. conclude
    conclude.read_category(r, v)
    conclude.read_sample_rate(r, v)
    conclude.read_quant_method(r, v)
    conclude.read_kind(skel, r, v)
    if r.kind == "ollama_tag":
        last = skel.namespaces[-1] if skel.namespaces else None
        resolve.read_ollama_alias(skel.text, last.start + len(last.text) if last else 0, r, v)
    # 6. identify
    if identify:
        identify_.read_checkpoint(skel, r, v)
        identify_.read_known_model(skel, r, v)
    return r
