"""How big a product may be to publish: the limits are the application's settings, checked before reading."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bom.configurator.model import Problem


@dataclass(frozen=True)
class Limits:
    """How big a product may be. The application reads them from its settings
    (CONFIGURATOR_MAX_OPTIONS, CONFIGURATOR_MAX_RULES) and passes them where a catalog is published
    or previewed; the engine itself has no ceiling."""

    options: int = 5000
    rules: int = 20000


def size_problems(definition: Mapping[str, Any], limits: Limits) -> list[Problem]:
    """A problem for each of the options and rules past its limit (then nothing else is read)."""
    problems = []
    for name, limit, setting in (
        ("options", limits.options, "CONFIGURATOR_MAX_OPTIONS"),
        ("rules", limits.rules, "CONFIGURATOR_MAX_RULES"),
    ):
        entries = definition.get(name) if isinstance(definition, Mapping) else None
        if isinstance(entries, list) and len(entries) > limit:
            problems.append(Problem(name, f"at most {limit} {name} ({setting}); this product has {len(entries)}"))
    return problems
