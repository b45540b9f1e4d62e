"""A refusal's problems, root causes first: what only follows from another problem is counted, not repeated."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bom.configurator.model import Problem

# What a problem says of a key whose definition is refused ("unknown name 'fabric'"), by kind.
CONSEQUENCE = {"name": re.compile(r"unknown name '([^']*)'"), "parent": re.compile(r"unknown parent '([^']*)'")}
# A grouped consequence names at most this many of the paths it stands for.
READERS_SHOWN = 5


def root_causes_first(problems: list[Problem], refused: Mapping[tuple[str, str], str]) -> list[Problem]:
    """The problems, root causes first: those that only follow from a refused definition (an
    "unknown name" of an option whose own entry is refused, an "unknown parent" of a refused BOM
    line) are taken out and counted in one problem right after the definition's own; the same
    unknown name again is counted after its first problem. One mistake, one or two lines."""
    roots: dict[tuple[str, str], int] = {}  # (kind, key) -> index in `kept` of the problem it follows
    readers: dict[tuple[str, str], list[str]] = {}
    kept: list[Problem] = []
    for problem in problems:
        cause = _cause(problem)
        if cause is not None and (cause in refused or cause in roots):
            readers.setdefault(cause, []).append(problem.path)
            continue
        if cause is not None:
            roots[cause] = len(kept)
        kept.append(problem)
    notes: list[tuple[int, Problem]] = []
    for (kind, key), paths in readers.items():
        shown = ", ".join(paths[:READERS_SHOWN])
        if len(paths) > READERS_SHOWN:
            shown += f" and {len(paths) - READERS_SHOWN} more"
        places = f"{len(paths)} {'place' if len(paths) == 1 else 'places'}: {shown}"
        root = refused.get((kind, key))
        if root is None:  # the same unknown name again: counted after its first problem
            at = roots[(kind, key)]
            notes.append((at, Problem(kept[at].path, f"'{key}' is unknown in more places too ({places})")))
            continue
        own = [i for i, p in enumerate(kept) if p.path == root or p.path.startswith((f"{root}.", f"{root}["))]
        what = f"what reads '{key}'" if kind == "name" else f"what is under '{key}'"
        noun = "option" if kind == "name" else "BOM line"
        message = f"{what} is checked once this {noun} is fixed ({places})"
        notes.append((own[-1] if own else len(kept) - 1, Problem(root, message)))
    for at, note in sorted(notes, key=lambda n: n[0], reverse=True):
        kept.insert(at + 1, note)
    return kept


def _cause(problem: Problem) -> tuple[str, str] | None:
    """What a problem says is missing: ("name", key) for an unknown name, ("parent", key) for an
    unknown parent; None for any other problem."""
    for kind, pattern in CONSEQUENCE.items():
        found = pattern.search(problem.message)
        if found:
            return kind, found.group(1)
    return None
