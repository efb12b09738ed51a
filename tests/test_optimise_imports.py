"""The optimiser never imports yaml, click or openpyxl; the checker never imports ortools."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules_after(imports: str) -> set[str]:
    # Load planner.optimise.* without running planner/__init__ (which loads the case readers).
    code = textwrap.dedent(f"""
        import sys, types
        pkg = types.ModuleType("planner"); pkg.__path__ = [{str(SRC / "planner")!r}]
        sys.modules["planner"] = pkg
        {imports}
        print("\\n".join(sorted(sys.modules)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {line.split(".")[0] for line in out.stdout.split()}


def test_the_optimiser_never_imports_yaml_click_or_openpyxl():
    loaded = _modules_after(
        "import planner.optimise, planner.optimise.solve, planner.optimise.cpsat, "
        "planner.optimise.highs, planner.optimise.bound, planner.optimise.remedy, "
        "planner.optimise.explain, planner.optimise.greedy, planner.optimise.check"
    )
    assert "ortools" in loaded
    assert not loaded & {"yaml", "click", "openpyxl"}


def test_the_checker_never_imports_ortools():
    loaded = _modules_after("import planner.optimise.check")
    assert not loaded & {"ortools", "yaml", "click", "openpyxl"}
