"""The strict YAML reader (`io/yamlio.py`) on libyaml's parser: the same documents, lines and
limits as the pure-Python loader, and on a syntax error the pure loader's own wording (it names
the character at fault: a tab, say, where libyaml only says "found character")."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
from planner.io import yamlio
from planner.io.loading import bundled_dir


def _both(path: Path) -> tuple[object, object]:
    text = path.read_text(encoding="utf-8")
    return yamlio._parse(yamlio._FastLoader, text, path), yamlio._parse(
        yamlio._StrictLoader, text, path
    )


@pytest.mark.parametrize("folder", ["rules", "catalogs"])
def test_the_bundled_files_read_the_same_with_the_same_lines(folder: str) -> None:
    files = sorted(bundled_dir(folder).rglob("*.yaml"))
    assert files
    for path in files:
        fast, pure = _both(path)
        assert fast == pure, path
        assert _lines(fast) == _lines(pure), path


def _lines(data: object) -> list[object]:
    """Every line a document remembers (its mappings' keys and its lists' items), in order."""
    out: list[object] = []
    if isinstance(data, yamlio.LineDict):
        out.append(sorted(data.key_lines.items(), key=str))
        for value in data.values():
            out.extend(_lines(value))
    elif isinstance(data, yamlio.LineList):
        out.append(list(data.item_lines))
        for value in data:
            out.extend(_lines(value))
    return out


def test_a_tab_is_named_in_the_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text("courses:\n\t- id: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        yamlio.read_yaml(path)
    text = str(caught.value)
    assert "tab.yaml:2" in text and "'\\t'" in text


def test_the_nesting_limit_holds_on_the_fast_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_LIMIT_YAML_DEPTH", "3")
    path = tmp_path / "deep.yaml"
    path.write_text("a:\n  b:\n    c:\n      d: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        yamlio._parse(yamlio._FastLoader, path.read_text(encoding="utf-8"), path)
    assert "nesting too deep" in str(caught.value)
    assert "deep.yaml:" in str(caught.value)
