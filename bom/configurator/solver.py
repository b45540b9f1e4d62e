"""The one interface configuring asks of a solver, whichever answers a component.

Two solvers implement it: the compiled models (`domains.CompiledSolver`: the compiled search of
compiled.py, or SAT with assumptions, sat.py) and the reference search (`search.Solver`, value by
value over each option's grid), which answers where a compiled model cannot hold the values (a
text that rules compare with each other, see compiled.Model.bit_for). `for_values` picks, per
component and spec, the one that answers; the engine never asks which it got.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bom.configurator.components import Base, Component, ComponentAnswer, Solution
    from bom.configurator.model import Option


class ComponentSolver(Protocol):
    """Feasibility, witnesses, domains and explanations of one component's values."""

    def for_values(self, component: Component, values: Mapping[str, object]) -> ComponentSolver:
        """The solver that answers this component with these values (itself, or its fallback)."""
        ...

    def solve(
        self,
        component: Component,
        base: Mapping[str, object],
        forced_key: str | None = None,
        forced_value: object = None,
    ) -> Solution | None:
        """A complete valid configuration keeping `base` (and the forced value), or None."""
        ...

    def feasible(self, component: Component, base: Mapping[str, object]) -> bool:
        """Whether a complete valid configuration keeps `base`."""
        ...

    def domains(
        self, component: Component, given: Mapping[str, object], base: Base, applicable: list[str]
    ) -> ComponentAnswer:
        """Every applicable option's values that extend to a complete valid configuration."""
        ...

    def explain(self, component: Component, option: Option, value: object, base: Mapping[str, object]) -> str:
        """Why option=value has no valid completion given `base`."""
        ...

    def conflict(self, component: Component, values: Mapping[str, object]) -> list[Option]:
        """A minimal set of `values`' options (display order) that no valid configuration keeps."""
        ...


__all__ = ["ComponentSolver"]
