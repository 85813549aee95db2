"""Parse YAML while remembering where every value came from (line and column per path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a source file."""

    line: int
    column: int


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; carries where the parser gave up."""

    def __init__(self, message: str, mark: Mark, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


@dataclass(frozen=True, slots=True)
class MarkedDocument:
    """Plain Python data plus the position of every mapping key and value by path."""

    data: Any
    value_marks: dict[PathKey, Mark]
    key_marks: dict[PathKey, Mark]

    def mark_for(self, path: PathKey, *, key: bool = False) -> Mark:
        """The closest known position for ``path``: itself, else its nearest ancestor."""
        table = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.value_marks:
                return self.value_marks[probe]
            probe = probe[:-1]
        return self.value_marks.get((), Mark(1, 1))


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(
    node: yaml.Node,
    path: PathKey,
    values: dict[PathKey, Mark],
    keys: dict[PathKey, Mark],
) -> None:
    values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            keys[(*path, key)] = _mark(key_node)
            _walk(value_node, (*path, key), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), values, keys)


def _syntax_hint(problem: str, line_text: str) -> str:
    if "\t" in line_text or "tab" in problem:
        return "YAML indentation must use spaces, not tabs: replace the tab with spaces"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or a key is indented wrongly"
    if "could not find expected ':'" in problem:
        return "each key needs a colon and a space after it ('key: value')"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return "check the &anchor / *alias names"
    return "check the indentation and punctuation on this line and the one above"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects a key given twice in one mapping instead of keeping the last."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Mark] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            first = seen[key]
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key '{key}' (first given on line {first.line})",
                key_node.start_mark,
            )
        seen[key] = _mark(key_node)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def parse_marked(text: str) -> MarkedDocument:
    """Parse one YAML document; raise :class:`YamlSyntaxError` with a position and a hint."""
    try:
        root = yaml.compose(text, Loader=_UniqueKeyLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = str(exc.problem or exc.context or "invalid YAML")
        if "duplicate key" in problem:
            hint = "remove or rename one of the two keys"
        else:
            hint = _syntax_hint(problem, line_text)
        raise YamlSyntaxError(problem, Mark(line, column), hint) from exc
    values: dict[PathKey, Mark] = {}
    keys: dict[PathKey, Mark] = {}
    if root is not None:
        _walk(root, (), values, keys)
    return MarkedDocument(data=data, value_marks=values, key_marks=keys)
