"""The optimiser never imports yaml, click, openpyxl, the message catalogs or the case loading
code; the checker never imports ortools. Run on the real package (no stubs)."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


FORBIDDEN = {"yaml", "click", "openpyxl", "planner.i18n", "planner.io.loading", "planner.io.case"}


def _forbidden(loaded: set[str]) -> set[str]:
    return {m for m in loaded if m in FORBIDDEN or m.split(".")[0] in FORBIDDEN}


def test_the_optimiser_never_imports_yaml_click_openpyxl_i18n_or_loading():
    loaded = _modules_after(
        "import planner.optimise, planner.optimise.solve, planner.optimise.remedy, "
        "planner.optimise.aggregate, planner.optimise.explain, planner.optimise.greedy, "
        "planner.optimise.check, planner.optimise.transport"
    )
    assert "ortools" in {m.split(".")[0] for m in loaded}
    assert not _forbidden(loaded)


def test_the_checker_never_imports_ortools():
    loaded = _modules_after("import planner.optimise.check")
    assert "ortools" not in {m.split(".")[0] for m in loaded}
    assert not _forbidden(loaded)
