"""Finding the header row of a table as offices write it: one or more title rows above the
header ("UBND HUYỆN THỚI BÌNH", "DANH SÁCH CÁN BỘ, CÔNG CHỨC …", often in merged cells, whose
text sits in the first cell of the merge), blank rows, then the column headers.

The header is the first row, among the first `SCAN_ROWS`, with at least `MIN_KNOWN` cells that
name a known column; a table with no such row keeps its first row as the header (so a table of
unknown columns fails as before, on row 1, naming the column).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

SCAN_ROWS = 20  # title blocks of office forms are a handful of rows
MIN_KNOWN = 2  # a title row holds one text; a header names several columns

Rows = Iterator[tuple[int, list[object]]]


def find_header(rows: Rows, known: Callable[[str], bool]) -> tuple[int, list[object], Rows] | None:
    """(header row number, header cells, the rows after it), or None for an empty table."""
    seen: list[tuple[int, list[object]]] = []
    for number, values in rows:
        seen.append((number, values))
        hits = sum(1 for v in values if isinstance(v, str) and v.strip() and known(v))
        if hits >= MIN_KNOWN:
            return number, values, rows
        if len(seen) >= SCAN_ROWS:
            break
    if not seen:
        return None
    first_number, first = seen[0]
    return first_number, first, itertools.chain(seen[1:], rows)


__all__ = ["MIN_KNOWN", "SCAN_ROWS", "find_header"]
