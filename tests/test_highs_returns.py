"""HiGHS returns from every sub-MIP the neighbourhood search hands it (`lns.py`), at its time
limit at the latest: the search's rounds, and so the whole command's time limit, rest on it.

The fixture is a sub-MIP of 2,000 officials × 5 years (individual needs, seed 1, the search's
seed 1) on which highspy 1.16.0 with its default options never left its presolve
(`HPresolve::strengthenInequalities`), ignoring its 1 s limit and `cancelSolve` for 10 minutes
and more; without the presolve rule "parallel rows and columns" (`arrays.HIGHS_PRESOLVE_RULES_OFF`,
part of `lns.sub_mip_options`) it stops at the limit, as 1.14 and 1.15.1 do with it. The solve
runs in a child process, so a HiGHS that hangs again fails this test instead of the suite: the
child's deadline is a liveness guard a hundred times the limit, not a speed target."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "highs" / "strengthen_inequalities_hang.mps.gz"
LIMIT_S = 1.0
GUARD_S = 100 * LIMIT_S

CHILD = """
import json, sys
import highspy
from planner.optimise.lns import sub_mip_options
from planner.optimise.highs_session import quiet_highs
highs = quiet_highs()
highs.readModel(sys.argv[1])
for name, value in sub_mip_options(float(sys.argv[2])):
    highs.setOptionValue(name, value)
highs.run()
print(json.dumps({"status": highs.modelStatusToString(highs.getModelStatus())}))
"""


def test_highs_stops_at_its_limit_on_the_sub_mip_1_16_0_hung_on(tmp_path: Path) -> None:
    model = tmp_path / "sub.mps"
    model.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(model), str(LIMIT_S)],
            capture_output=True,
            text=True,
            timeout=GUARD_S,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"HiGHS did not return from {FIXTURE.name} within {GUARD_S:.0f} s "
            f"(its limit: {LIMIT_S} s) with the search's options"
        ) from None
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout.strip().splitlines()[-1])["status"]
    assert status in ("Time limit reached", "Optimal", "Iteration limit reached"), status
