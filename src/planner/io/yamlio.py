"""Strict YAML reading: duplicate keys are errors and every value remembers its line, so a
pydantic validation error can be reported as `file:line: field ...`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from planner.errors import InputError

ModelT = TypeVar("ModelT", bound=BaseModel)


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of itself and of each of its keys (1-based)."""

    line: int
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    line: int
    item_lines: list[int]


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(
                "duplicate key",
                path=loader.name,
                line=key_node.start_mark.line + 1,
                field=str(key),
                expected="each key once per mapping",
            )
        try:
            result[key] = loader.construct_object(value_node, deep=True)
        except InputError as exc:
            if exc.field is not None:
                raise
            raise InputError(
                exc.message,
                path=exc.path,
                line=exc.line,
                field=str(key),
                found=exc.found,
                expected=exc.expected,
            ) from None
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise InputError(
            f"invalid date: {exc}",
            path=loader.name,
            line=node.start_mark.line + 1,
            found=node.value,
            expected="a real date YYYY-MM-DD",
        ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path) -> Any:
    """Parse `path` strictly: a syntax error or duplicate key is an InputError with the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError("file is not UTF-8 text", path=path, found=str(exc)) from None
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"YAML syntax error: {exc.problem or exc}", path=path, line=line) from None
    finally:
        loader.dispose()


def resolve_location(data: Any, loc: tuple[Any, ...]) -> tuple[int | None, list[Any]]:
    """Follow a pydantic error location through `data`: the line of the deepest node reached
    and the path of keys that exist in the data (union and validator tags are skipped)."""
    line = getattr(data, "line", None)
    node = data
    path: list[Any] = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = node.key_lines.get(part, line) if isinstance(node, LineDict) else line
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part] if isinstance(node, LineList) else line
            node = node[part]
            path.append(part)
        elif isinstance(part, str) and not isinstance(node, (dict, list)):
            break
        elif (
            isinstance(part, str)
            and isinstance(node, dict)
            and part not in node
            and ("[" in part or part[:1].isupper())
        ):
            continue  # a union member or validator name, not a key of the data
        else:
            path.append(part)
            break
    return line, path


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    return resolve_location(data, loc)[0]


def validation_to_input_error(exc: ValidationError, data: Any, source: Path | str) -> InputError:
    """The first pydantic error as an InputError naming file, line and field path."""
    errors = exc.errors()
    # An unknown key is the most useful thing to say; other errors are often its consequence.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(err["loc"])
    line, path = resolve_location(data, loc)
    field = ".".join(str(p) for p in path) or None
    found = err.get("input")
    if isinstance(found, (dict, list)):
        found = None  # a whole mapping says nothing useful; the line points at it
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key"
    elif err["type"] == "missing":
        message = "required key missing"
    return InputError(message, path=source, line=line, field=field, found=found)


def parse_model(model: type[ModelT], data: Any, path: Path | str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_to_input_error(exc, data, path) from None


def load_model(model: type[ModelT], path: Path) -> ModelT:
    """Read `path` strictly and validate it as `model`."""
    return parse_model(model, read_yaml(path), path)


def yaml_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise InputError("folder not found", path=folder)
    files = sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    if not files:
        raise InputError("no YAML files", path=folder, expected="*.yaml files")
    return files


def item_line(raw: Any, section: str, index: int) -> int | None:
    if isinstance(raw, LineDict) and section in raw:
        items = raw[section]
        lines = getattr(items, "item_lines", None)
        if lines is not None and index < len(lines):
            return lines[index]
    return None


def parsed_files(location: Path, model: type[ModelT]) -> Iterator[tuple[Path, Any, ModelT]]:
    """Each YAML file below `location` (a folder or one file) that is not empty: its path, its
    raw data (for item lines) and its contents parsed as `model`."""
    for path in yaml_files(location):
        raw = read_yaml(path)
        if raw is not None:
            yield path, raw, parse_model(model, raw, path)


def duplicate_id(
    what: str, found: object, first: tuple[Path, int | None], path: Path, line: int | None
) -> InputError:
    """An id defined a second time (at `path`:`line`; first at `first`)."""
    return InputError(
        f"duplicate {what} id (first defined at {first[0]}:{first[1]})",
        path=path,
        line=line,
        field="id",
        found=found,
    )
