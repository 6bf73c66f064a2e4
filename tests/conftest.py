from __future__ import annotations

from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "names.tsv"

# Machines here are shared and noisy: no per-example deadlines (timing is measured by scripts).
settings.register_profile("modelname", deadline=None)
settings.load_profile("modelname")
