from __future__ import annotations

from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "names.tsv"

# Machines here are shared and noisy: no per-example deadlines (timing is measured by scripts).
settings.register_profile("modelname", deadline=None)
settings.load_profile("modelname")

# The caches of validated tables and parser tables go to a folder of this test run, not ~/.cache.
import os  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("MODELNAME_CACHE", tempfile.mkdtemp(prefix="modelname-test-cache-"))
