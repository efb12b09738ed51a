"""Strict YAML reading: duplicate keys are errors and every value remembers its line, so a
pydantic validation error can be reported as `file:line: field ...`."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from planner.errors import InputError
from planner.io.boundary import check_file, read_text
from planner.io.limits import limits

ModelT = TypeVar("ModelT", bound=BaseModel)


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of itself and of each of its keys (1-based)."""

    line: int
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    line: int
    item_lines: list[int]


class LineStr(str):
    """A whole document that is one text (a file that is not YAML keys, e.g. a link to a
    system file): it knows the line it starts on."""

    line: int


class _StrictLoader(yaml.SafeLoader):
    """A safe loader with limits: nesting depth, alias uses and the size aliases expand to are
    checked while composing, before any object is built (an alias bomb stops in milliseconds).
    Pure Python: its syntax errors name the character at fault (a tab, say), where libyaml's do
    not, so a file the fast loader (below) refuses is read again with this one for the message."""

    depth = 0
    aliases = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start()

    def _start(self) -> None:
        # read from the environment once per file: per node it was half of a case's loading
        # (examples/huong-khe: 0.86 s → 0.41 s)
        self.limits = limits()

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.yaml_aliases:
                raise _limit_error(self, "too many aliases (*name)", self.limits.yaml_aliases)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        self.depth += 1
        try:
            if self.depth > self.limits.yaml_depth:
                raise _limit_error(self, "nesting too deep", self.limits.yaml_depth)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


def _limit_error(loader: _StrictLoader, message: str, limit: int) -> InputError:
    mark = loader.peek_event().start_mark
    return InputError(
        message,
        path=loader.name,
        line=mark.line + 1,
        expected=f"at most {limit:,} (PLANNER_LIMIT_YAML_* raises it)",
    )


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes `root` stands for once every alias is expanded (stops past `limit`)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if done or not children:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[id(node)] = total
            if total > limit:
                return total
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes.get(id(root), 1)


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    own = [
        k
        for k, _ in node.value
        if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge"
    ]
    loader.flatten_mapping(node)
    # flatten_mapping puts the pairs of `<<:` merges first; a key of the mapping itself then
    # overrides a merged one (YAML merge semantics), which is not a duplicate.
    merged = len(node.value) - len(own)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    from_merge: set[Any] = set()
    for index, (key_node, value_node) in enumerate(node.value):
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError(
                "a key must be plain text or a number",
                path=loader.name,
                line=key_node.start_mark.line + 1,
                found="a list or mapping used as a key",
                expected="key: value",
            )
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise InputError(
                "a key must be plain text or a number",
                path=loader.name,
                line=key_node.start_mark.line + 1,
                expected="key: value",
            ) from None
        if key in result and key not in from_merge:
            raise InputError(
                "duplicate key",
                path=loader.name,
                line=key_node.start_mark.line + 1,
                field=str(key),
                expected="each key once per mapping",
            )
        if index < merged:
            from_merge.add(key)
        else:
            from_merge.discard(key)
        try:
            result[key] = loader.construct_object(value_node, deep=True)
        except InputError as exc:
            if exc.field is not None:
                if exc.field.split(".")[0] == str(key) or exc.path != loader.name:
                    raise
                field = f"{key}.{exc.field}"
            else:
                field = str(key)
            raise InputError(
                exc.message,
                path=exc.path,
                line=exc.line,
                field=field,
                found=exc.found,
                expected=exc.expected,
            ) from None
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    items = []
    index = 0
    try:
        for index, child in enumerate(node.value):  # noqa: B007 - index names the item
            items.append(loader.construct_object(child, deep=True))
    except InputError as exc:
        if exc.path != loader.name:
            raise
        field = str(index) if exc.field is None else f"{index}.{exc.field}"
        raise InputError(
            exc.message,
            path=exc.path,
            line=exc.line,
            field=field,
            found=exc.found,
            expected=exc.expected,
        ) from None
    result = LineList(items)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# A date written without leading zeros (2026-1-5) is clearly meant as a date; YAML 1.1 reads
# it as text, so it gets its own resolver.
_SHORT_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# Dates a planning case can mean: a birth in 1900 to a term end in 2200. Year 1 or 9999 is a
# placeholder or a typo, and would overflow date arithmetic further on.
DATE_WINDOW = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> object:
    match = _SHORT_DATE.match(node.value)
    try:
        if match:
            year, month, day = (int(p) for p in node.value.split("-"))
            value: object = dt.date(year, month, day)
        else:
            value = yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise InputError(
            f"invalid date: {exc}",
            path=loader.name,
            line=node.start_mark.line + 1,
            found=node.value,
            expected="a real date YYYY-MM-DD",
        ) from None
    day_value = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day_value, dt.date) and not DATE_WINDOW[0] <= day_value <= DATE_WINDOW[1]:
        raise InputError(
            "date outside the plausible window",
            path=loader.name,
            line=node.start_mark.line + 1,
            found=node.value,
            expected=f"a date from {DATE_WINDOW[0]} to {DATE_WINDOW[1]}",
        )
    return value


def _construct_str(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    if len(text) > loader.limits.cell_chars:  # a 10 MB name is a broken file, not a name
        raise InputError(
            "text too long",
            path=loader.name,
            line=node.start_mark.line + 1,
            found=f"{len(text):,} characters",
            expected=f"at most {loader.limits.cell_chars:,} (PLANNER_LIMIT_CELL_CHARS)",
        )
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _refuse(loader: _StrictLoader, node: yaml.Node) -> object:
    raise InputError(
        "unsupported YAML tag",
        path=loader.name,
        line=node.start_mark.line + 1,
        found=node.tag,
        expected="plain values (text, numbers, dates, lists, mappings)",
    )


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
for _tag in ("binary", "set", "omap", "pairs"):
    _StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
_StrictLoader.add_constructor(None, _refuse)  # any other tag (!foo, !!python/…)
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:timestamp", _SHORT_DATE, list("0123456789"))

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure loader only
    CParser = None


_FastLoader: type[_StrictLoader] = _StrictLoader
if CParser is not None:

    class _CLoader(_StrictLoader, CParser):  # type: ignore[misc, valid-type]
        """The same loader on libyaml's scanner and parser (C) under PyYAML's composer and
        constructor (Python, with the limits and lines above): the pure-Python scanner was most
        of a case's loading (examples/huong-khe: 0.41 s → 0.10-0.15 s)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start()

        # the Python composer's, not libyaml's (which would skip the limits)
        get_single_node = yaml.composer.Composer.get_single_node
        compose_document = yaml.composer.Composer.compose_document
        check_node = yaml.composer.Composer.check_node
        get_node = yaml.composer.Composer.get_node
        # the C parser's events for the Python composer
        check_event = CParser.check_event
        peek_event = CParser.peek_event
        get_event = CParser.get_event

    _FastLoader = _CLoader


def read_yaml(path: Path) -> Any:
    """Parse `path` strictly: a syntax error, duplicate key, control character, bad encoding or
    a limit passed is an InputError with the line."""
    text = read_text(path, limits().yaml_bytes, "YAML file", allow_declared=True)
    try:
        return _parse(_FastLoader, text, path)
    except yaml.YAMLError:
        # libyaml refused it: the pure loader says why in its own, more specific words
        return _parse(_StrictLoader, text, path)


def _parse(kind: type[_StrictLoader], text: str, path: Path) -> Any:
    """The document in `text` read by a loader of `kind`; a YAML error of the fast loader is
    raised as it is (for the pure loader to word it), of the pure one as an InputError."""
    loader = kind(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, loader.limits.yaml_nodes)
        if size > loader.limits.yaml_nodes:
            raise InputError(
                "document too large once aliases are expanded",
                path=path,
                found=f"more than {loader.limits.yaml_nodes:,} nodes",
                expected="a smaller file or fewer aliases (*name)",
            )
        document = loader.construct_document(node)
        if isinstance(document, str):
            document = LineStr(document)
            document.line = node.start_mark.line + 1
        return document
    except yaml.MarkedYAMLError as exc:
        if kind is not _StrictLoader:
            raise
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"YAML syntax error: {exc.problem or exc}", path=path, line=line) from None
    except yaml.YAMLError as exc:  # a ReaderError (a character YAML does not allow) or other
        if kind is not _StrictLoader:
            raise
        raise InputError(f"YAML error: {str(exc).splitlines()[0]}", path=path) from None
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
    elif isinstance(found, str) and len(found) > 80:
        found = found[:77] + "..."  # a short excerpt, never a whole file
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = "unknown key"
    elif err["type"] == "missing":
        message = "required key missing"
    return InputError(message, path=source, line=line, field=field, found=found)


def parse_model(model: type[ModelT], data: Any, path: Path | str) -> ModelT:
    """`data` (read by `read_yaml`) validated as `model`; an InputError with file, line and
    field otherwise. A document that is not a mapping at all (an empty file, one long text, a
    list) is said so at the line it starts on, quoting a short excerpt only."""
    if not isinstance(data, dict):
        found: object = None if isinstance(data, list) else data  # None: an empty file
        if isinstance(data, str) and len(data) > 80:
            found = data[:77] + "..."  # a short excerpt, never a whole (system) file
        keys = [name for name, info in model.model_fields.items() if info.is_required()]
        raise InputError(
            "the file is not a mapping of keys",
            path=path,
            line=getattr(data, "line", 1),
            field="(top level)",
            found=found,
            expected=f"key: value lines, with the keys {', '.join(keys) or '—'}",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_to_input_error(exc, data, path) from None


def load_model(model: type[ModelT], path: Path) -> ModelT:
    """Read `path` strictly and validate it as `model`."""
    return parse_model(model, read_yaml(path), path)


def yaml_files(folder: Path) -> list[Path]:
    try:
        mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise InputError("folder not found", path=folder) from None
    except OSError:
        check_file(folder)  # raises the reason (a loop, a too-long name…)
        raise
    if stat.S_ISREG(mode):
        return [folder]
    if not stat.S_ISDIR(mode):
        check_file(folder)
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
