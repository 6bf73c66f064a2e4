"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

from conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme
    assert "python -m pip install . && modelname explain DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf" in readme
