"""Parse YAML while remembering where every value came from (line and column per path)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

PathKey = tuple[str | int, ...]

_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?"
    r"(?:(?P<key>[^\s#'\"\-][^:#]*?|'[^']*'|\"[^\"]*\")[ \t]*:(?:[ \t]|$))?"
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a source file."""

    line: int
    column: int


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; carries where the parser gave up and the key it was reading."""

    def __init__(self, message: str, mark: Mark, hint: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint
        self.field = field


@dataclass(frozen=True, slots=True)
class TabIndent:
    """A line indented with a tab, which YAML forbids."""

    mark: Mark
    field: str


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


def _parts_of(line_text: str) -> tuple[int, int | None, int, str | None]:
    """(indent, dash column or None, key column, key or None) of one line; columns 0-based."""
    found = _LINE.match(line_text)
    assert found is not None  # the pattern matches any line, at worst the empty prefix
    indent = len(found.group("indent"))
    dash = indent if found.group("dash") else None
    key_col = found.start("key") if found.group("key") else found.end()
    key = found.group("key")
    return indent, dash, key_col, key.strip().strip("'\"") if key else None


def field_at_line(text: str, line: int) -> str:
    """Best guess of the key path (``facts[1].say``) being written on ``line``, from indentation alone.

    Used when the YAML cannot be parsed, so that a syntax error still names the field it is in.
    """
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return ""
    parts: list[str | int] = []
    _, dash, limit, key = _parts_of(lines[line - 1])
    if key:
        parts.append(key)
    pending: int | None = dash  # column of the dashes of the list we are inside, while counting items
    count = 0
    for line_text in reversed(lines[: line - 1]):
        if not line_text.strip() or line_text.lstrip().startswith("#"):
            continue
        indent, dash, key_col, key = _parts_of(line_text)
        if pending is not None:
            if dash == pending:
                count += 1
                continue
            if indent > pending:
                continue
            parts.append(count)
            limit, pending, count = pending + 1, None, 0
        if dash is not None and dash < limit:
            if key and key_col < limit:
                parts.append(key)
            pending, count = dash, 0
        elif key and key_col < limit:
            parts.append(key)
            limit = key_col
    if pending is not None:
        parts.append(count)
    out = ""
    for part in reversed(parts):
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def tab_indents(text: str) -> list[TabIndent]:
    """Every line whose indentation contains a tab (YAML only allows spaces there)."""
    found: list[TabIndent] = []
    for number, line_text in enumerate(text.splitlines(), start=1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent and line_text.strip():
            found.append(TabIndent(Mark(number, indent.index("\t") + 1), field_at_line(text, number)))
    return found


def _syntax_hint(problem: str, context: str, line_text: str) -> str:
    if "\t" in line_text or "tab" in problem:
        return "YAML indentation must use spaces, not tabs: replace the tab with spaces"
    if "duplicate key" in problem:
        return "remove or rename one of the two keys"
    if "mapping values are not allowed" in problem:
        return (
            "a value containing ': ' must be quoted (\"…\"), "
            "or the line above is missing its colon or is indented wrongly"
        )
    if "could not find expected ':'" in problem:
        return "each key needs a colon and a space after it ('key: value')"
    if "quoted scalar" in context:
        return "a quoted value is never closed: add the matching quote"
    if "flow sequence" in context or "flow mapping" in context:
        return "a [list] or {mapping} is never closed: add the matching bracket, or quote text with { or ["
    if "another document" in problem:
        return "one file holds one item: remove the '---' line or split the file"
    if "block end" in problem or "block mapping" in context:
        return "keys at the same level must line up exactly; check this line's indentation"
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return "check the &anchor / *alias names"
    if "found character" in problem and "cannot start any token" in problem:
        return "quote the value: text starting with @ or ` must be in quotes"
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


def _error_mark(exc: yaml.MarkedYAMLError, text: str) -> yaml.Mark | None:
    """Where to point: the problem, unless the parser only noticed it at the end of the file."""
    problem, context = exc.problem_mark, exc.context_mark
    if problem is not None and context is not None:
        at_end = problem.index >= len(text.rstrip())
        if at_end:
            return context
    return problem or context


_QUOTED_VALUE = re.compile(r"^[ \t]*(?:-[ \t]+)*(?:[^\s#'\"][^:#]*:[ \t]+)?(?P<quote>['\"])")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """(line, column) of the first value that opens a quote and does not close it on its line."""
    for number, line_text in enumerate(lines[:upto], start=1):
        found = _QUOTED_VALUE.match(line_text)
        if found is None:
            continue
        quote = found.group("quote")
        rest = line_text[found.end() :]
        # drop escaped quotes: \" inside "…", '' inside '…'
        escapes = ("\\\\", '\\"') if quote == '"' else ("''",)
        for escape in escapes:
            rest = rest.replace(escape, "")
        if quote not in rest:
            return number, found.start("quote") + 1
    return None


def parse_marked(text: str) -> MarkedDocument:
    """Parse one YAML document; raise :class:`YamlSyntaxError` with a position and a hint."""
    try:
        root = yaml.compose(text, Loader=_UniqueKeyLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = _error_mark(exc, text)
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        lines = text.splitlines()
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = str(exc.problem or exc.context or "invalid YAML")
        hint = _syntax_hint(problem, str(exc.context or ""), line_text)
        unclosed = _unclosed_quote(lines, line)
        if unclosed is not None:
            # a quoted value may run over several lines, so the parser fails far below the real mistake
            line, column = unclosed
            problem = "a quoted value is never closed"
            hint = "add the matching quote at the end of the value, or remove the opening one"
        raise YamlSyntaxError(problem, Mark(line, column), hint, field_at_line(text, line)) from exc
    values: dict[PathKey, Mark] = {}
    keys: dict[PathKey, Mark] = {}
    if root is not None:
        _walk(root, (), values, keys)
    return MarkedDocument(data=data, value_marks=values, key_marks=keys)
