"""Reading catalog files: the definition, and the line of the file each problem path points at."""

import re
from typing import Any

import yaml

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class CatalogSource:
    """A catalog file parsed once into its definition and its node tree (for line numbers)."""

    def __init__(self, text: str | bytes, *, name: str) -> None:
        self.name = name
        self.definition: Any = yaml.safe_load(text)
        self._root = yaml.compose(text, Loader=yaml.SafeLoader)

    def line_of(self, path: str) -> int | None:
        """The 1-based line of `rules[3].expr` (or of the nearest enclosing entry that exists)."""
        node = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for key, index in _SEGMENT.findall(path):
            node = _child(node, key, int(index) if index else None)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def locate(self, problem: str) -> str:
        """'rules[3].expr: ...' -> 'mtm-suit.yaml, line 88: rules[3].expr: ...'."""
        path = problem.split(":", 1)[0].strip()
        line = self.line_of(path) if _SEGMENT.match(path) else None
        return f"{self.name}, line {line}: {problem}" if line else f"{self.name}: {problem}"


def _child(node: Any, key: str, index: int | None) -> Any:
    if index is not None:
        if isinstance(node, yaml.SequenceNode) and 0 <= index < len(node.value):
            return node.value[index]
        return None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v
    return None
