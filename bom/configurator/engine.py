"""The compiled product: `configure(spec)` and the publish-time checks of `compile_product`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import networkx as nx

from bom.configurator import budget as search_budget
from bom.configurator import svg
from bom.configurator.compiled import Model
from bom.configurator.components import (
    Base,
    Component,
    ComponentAnswer,
    applies,
    build_base,
    build_components,
    chosen,
    outcome,
    rule_holds,
)
from bom.configurator.decimals import fmt, to_decimal
from bom.configurator.domains import CompiledSolver
from bom.configurator.i18n import EN, speaking, tr
from bom.configurator.model import ANY_TEXT, BomLine, CatalogError, Operation, Option, Problem, Rule
from bom.configurator.outputs import BuildError, explode_bom, footprint, plan_routing, priced
from bom.configurator.schema import Definition, read_definition
from bom.configurator.search import Solver
from bom.configurator.solver import ComponentSolver

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"
REQUIRED = "This option is required."


def compile_product(definition: Mapping[str, Any], resources: Mapping[str, Any], language: str = EN) -> CompiledProduct:
    """Check a product definition whole and compile it for configuring.

    `resources` holds the facts of items, work centers and the grid (docs/CATALOG.md). Raises
    CatalogError listing every problem: schema, expressions, references, cycles, a rule set that
    no configuration satisfies, and formulas that fail on sample valid configurations.
    The product speaks `language` (bom.configurator.i18n): its texts, reasons and errors.
    """
    parts = read_definition(definition, resources, language)
    if not parts.searchable:
        raise CatalogError(parts.problems)
    product = CompiledProduct(parts, language)
    problems = list(parts.problems)
    samples = product._sample_configurations()
    if samples is None:
        stuck = product._infeasible_rules()
        problems.append(
            Problem(
                "rules",
                "no valid configuration: the rules contradict each other" + (f" ({', '.join(stuck)})" if stuck else ""),
            )
        )
    elif not problems:
        problems.extend(product._check_formulas(samples))
    if problems:
        raise CatalogError(problems)
    return product


class CompiledProduct:
    """A product definition compiled for configuring; immutable and safe to share between threads.

    `warnings` lists what does not stop publishing but an author should know: rules that are not
    linear in the numbers (bom.configurator.analysis reports more)."""

    def __init__(self, parts: Definition, language: str = EN) -> None:
        self.language = language
        self.slug = parts.slug
        self.name = parts.name
        self.description = parts.description
        self.currency = parts.currency
        self.base_price = parts.base_price
        self._options = tuple(parts.options)
        self._by_key = {o.key: o for o in self._options}
        self._rules = tuple(parts.rules)
        self._prices = tuple(parts.prices)
        self._items = parts.items
        self._centers = parts.work_centers
        self._grid = parts.grid_co2e_kg_per_kwh
        self._bom = _preorder(parts.bom)
        self._routing = _topological(parts.routing)
        self._drawing = parts.drawing
        self._components = tuple(build_components(list(self._options), list(self._rules)))
        self._component_of = {key: c for c in self._components for key in c.keys}
        # Each component with rules or conditions compiled for fast exact domains (compiled.py);
        # the reference search (search.py) stays for what a model cannot hold.
        self._models: dict[int, Model] = {}
        self.warnings: list[Problem] = []
        for component in self._components:
            if component.free:
                continue
            model = Model(component.order, component.rules)
            self.warnings.extend(model.warnings)
            if model.encodable({o.key: o.default for o in model.options if o.default is not None}):
                self._models[component.index] = model

    # -- description -----------------------------------------------------------------------

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options as API.md's product description lists them (decimals as strings)."""
        return [_describe(o) for o in self._options]

    def describe_options(self) -> list[dict[str, Any]]:
        return self.options

    @property
    def conditions(self) -> dict[str, str]:
        """Option key -> its applicability condition (`when`), for the options that have one."""
        return {o.key: o.when.source for o in self._options if o.when is not None}

    @property
    def rules(self) -> list[dict[str, str]]:
        return [{"key": r.key, "expr": r.expr.source, "message": r.message} for r in self._rules]

    # -- picture ---------------------------------------------------------------------------

    def picture(self, spec: Mapping[str, object]) -> str:
        """The product's picture for a partial or complete spec, as inline SVG ('' when the catalog
        has no drawing, or its canvas reads an option without a value). Never raises: values the
        engine refuses are ignored, and shapes that read an option without a value are left out."""
        if self._drawing is None:
            return ""
        with speaking(self.language):
            env, assumed = self._picture_env(spec)
            drawn = self._drawing.draw(env, assumed)
            return "" if drawn is None else svg.render(drawn, label=self.name)

    def _picture_env(self, spec: Mapping[str, object]) -> tuple[dict[str, object], frozenset[str]]:
        """The spec's sound values, then each option's default, then the drawing's assumed value
        (whose keys come second); options that do not apply are dropped."""
        assert self._drawing is not None
        env: dict[str, object] = dict(self._clean(spec, {}))
        assumed: set[str] = set()
        for option in self._options:
            if option.key in env:
                continue
            if option.default is not None:
                env[option.key] = option.default
            elif option.key in self._drawing.defaults:
                env[option.key] = self._drawing.defaults[option.key]
                assumed.add(option.key)
            elif option.type == "text" and not option.required:
                env[option.key] = ""
            elif option.type == "boolean" and not option.required:
                env[option.key] = False
        dropped = True
        while dropped:
            dropped = False
            for option in self._options:
                if option.key in env and not applies(option, env):
                    del env[option.key]
                    dropped = True
        return env, frozenset(assumed)

    # -- configure -------------------------------------------------------------------------

    def configure(
        self,
        spec: Mapping[str, object],
        *,
        strict: bool = False,
        budget: int | None = None,
        prefer: str | None = None,
    ) -> dict[str, Any]:
        """Check a partial or complete spec: errors, applicable options, domains and, when valid,
        price and its breakdown, BOM, routing and footprint (API.md's configure answer, without
        product, version and ship date). `normalized_spec` is the cleaned spec with the defaults
        that apply.

        `prefer` names an option of the spec whose value the customer has just set: the values
        that conflict with it (a minimal set, see `_conflicting_with`) are dropped before
        configuring and listed in `cleared` (always present; `{}` without `prefer`).

        The search has a budget of `budget` steps (default: the one registered in budget.py, the
        setting CONFIGURATOR_SEARCH_BUDGET); when it runs out, the call is logged and raises the
        registered error (SearchBudgetExceeded by default), never a partial answer.
        """
        limit = budget if budget is not None else search_budget.default_limit()
        try:
            return self.configure_metered(spec, strict=strict, budget=limit, prefer=prefer)
        except search_budget.SearchBudgetExceeded as exc:
            logger.warning(
                "configure of %s ran out of its search budget of %d steps (options set: %s)",
                self.slug,
                exc.limit,
                ", ".join(sorted(map(str, spec))) if isinstance(spec, Mapping) else "-",
            )
            raise search_budget.error_for(exc) from exc

    def configure_metered(
        self, spec: Mapping[str, object], *, strict: bool = False, budget: int | None, prefer: str | None = None
    ) -> dict[str, Any]:
        """`configure` with a budget of `budget` steps (None: unmetered); raises
        SearchBudgetExceeded as is (the publish-time analysis uses it)."""
        with search_budget.metered(budget):
            return self._configure(spec, strict, compiled=True, prefer=prefer)

    def configure_reference(
        self, spec: Mapping[str, object], *, strict: bool = False, prefer: str | None = None
    ) -> dict[str, Any]:
        """`configure` on the reference search (search.py): a value-by-value search over the grid,
        exact and slow; the baseline of tests and benchmarks (unmetered)."""
        return self._configure(spec, strict, compiled=False, prefer=prefer)

    def _solver(self, compiled: bool = True) -> ComponentSolver:
        return CompiledSolver(self._models) if compiled else Solver()

    def _configure(
        self, spec: Mapping[str, object], strict: bool, *, compiled: bool, prefer: str | None = None
    ) -> dict[str, Any]:
        with speaking(self.language):
            return self._configure_spoken(spec, strict, compiled=compiled, prefer=prefer)

    def _configure_spoken(
        self, spec: Mapping[str, object], strict: bool, *, compiled: bool, prefer: str | None = None
    ) -> dict[str, Any]:
        shared = self._solver(compiled)
        cleared = self._conflicting_with(shared, spec, prefer) if prefer is not None else {}
        if cleared:
            spec = {k: v for k, v in spec.items() if k not in cleared}
        errors: dict[str, list[str]] = {}
        given = self._clean(spec, errors)
        values: dict[str, object] = {}
        applicable: set[str] = set()
        domains: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        for component in self._components:
            base, answer, keys = self._answer_component(shared, component, given, errors)
            domains.update(answer.domains)
            applicable.update(keys)
            values.update(base.values)
            # Among the applicable options (`keys`, in option order), not every option.
            members = component.members
            missing += [k for k in keys if base.status[k] is True and members[k].required and k not in base.values]
        complete = not missing
        # API.md: a missing required option is reported only when the spec is otherwise complete
        # (it is the one thing missing) or the caller asks for strictness (placing an order), so
        # a customer who is still choosing is not nagged about every option at once; a conflict
        # already says what to change first.
        if strict or (len(missing) == 1 and not errors):
            for key in missing:
                if key not in errors:  # a refused value already says what is wrong
                    errors[key] = [tr(REQUIRED)]
        env = self._final_env(values, given, errors) if complete and not errors else None
        result: dict[str, Any] = {
            "complete": complete,
            "valid": False,
            "errors": {},
            "applicable": [o.key for o in self._options if o.key in applicable],
            "domains": {o.key: domains[o.key] for o in self._options if o.key in domains},
            "price": None,
            "price_breakdown": None,
            "currency": self.currency,
            "bom": None,
            "routing": None,
            "footprint": None,
            "normalized_spec": {o.key: _json(values[o.key]) for o in self._options if o.key in values},
            "cleared": {o.key: _json(cleared[o.key]) for o in self._options if o.key in cleared},
        }
        if env is not None and not errors:
            try:
                result.update(self._build(env))
                result["valid"] = True
            except BuildError as exc:
                errors[NON_FIELD] = [
                    tr("This configuration cannot be built ({path}: {message}).", path=exc.path, message=exc.message)
                ]
        result["errors"] = self._ordered(errors)
        return result

    def _answer_component(
        self,
        shared: ComponentSolver,
        component: Component,
        given: Mapping[str, object],
        errors: dict[str, list[str]],
    ) -> tuple[Base, ComponentAnswer, list[str]]:
        """One component's base, domains and applicable options; its errors go into `errors`
        (values that do not apply, rules broken, else a conflict named)."""
        mine = {k: v for k, v in given.items() if k in component.keys}
        solver = shared.for_values(component, mine)
        base = self._base_without_inapplicable(solver, component, mine, errors)
        keys = [
            o.key
            for o in component.options
            if base.status[o.key] is True or (base.status[o.key] is None and o.key in base.values)
        ]
        answer = solver.domains(component, mine, base, keys)
        broken = self._rule_errors(component, base, mine, errors)
        if not broken and answer.solution is None and not component.free:
            self._conflict_errors(solver, component, mine, answer, errors)
        return base, answer, keys

    def _conflicting_with(self, solver: ComponentSolver, spec: object, prefer: str) -> dict[str, object]:
        """The values of `spec` that conflict with its value of `prefer` (typed), a minimal set.

        None when the values of that option's component have a valid completion (values of other
        components never conflict with it: components are independent). Else a deletion filter:
        starting from the preferred value alone, each other value of the component, in option
        order, is kept when a valid completion keeps it with those kept so far, and cleared
        otherwise; none either when the preferred value has no valid completion even so (the
        answer's errors then say why). No cleared value could then be restored alone."""
        given = self._clean(spec, {})
        if prefer not in given:
            return {}
        component = self._component_of[prefer]
        mine = {k: v for k, v in given.items() if k in component.keys}
        if component.free or solver.feasible(component, mine):
            return {}
        kept = {prefer: mine[prefer]}
        possible = solver.feasible(component, kept)
        cleared: dict[str, object] = {}
        for option in component.options:
            if option.key == prefer or option.key not in mine:
                continue
            trial = {**kept, option.key: mine[option.key]}
            if solver.feasible(component, trial):
                kept, possible = trial, True
            else:
                cleared[option.key] = mine[option.key]
        if not possible:
            return {}
        # Keeping a value never makes room for another, except a typed text: an optional text left
        # out reads as '', which a rule may refuse. So a value cleared before a text was kept gets
        # another chance, until none can be restored alone.
        restored = True
        while restored:
            restored = False
            for key in list(cleared):
                trial = {**kept, key: cleared[key]}
                if solver.feasible(component, trial):
                    kept, restored = trial, True
                    del cleared[key]
        return cleared

    def _clean(self, spec: object, errors: dict[str, list[str]]) -> dict[str, object]:
        if spec is None:
            return {}
        if not isinstance(spec, Mapping):
            errors[NON_FIELD] = [tr("The spec must be an object of option values.")]
            return {}
        given: dict[str, object] = {}
        for key, raw in spec.items():
            option = self._by_key.get(key) if isinstance(key, str) else None
            if option is None:
                errors[str(key)] = [tr("Unknown option.")]
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue  # null or an empty field: not set
            value, messages = _clean_value(option, raw)
            if messages:
                errors[key] = messages
            elif value is not None:
                given[key] = value
        return given

    def _base_without_inapplicable(
        self, solver: ComponentSolver, component: Component, mine: dict[str, object], errors: dict[str, list[str]]
    ) -> Base:
        """The component's base, after refusing the values of options that do not apply."""
        while True:
            base = build_base(solver, component, mine)
            dropped = [o for o in component.options if o.key in mine and base.status[o.key] is False]
            if not dropped:
                return base
            for option in dropped:
                errors.setdefault(option.key, []).append(self._does_not_apply(option, base.values))
                del mine[option.key]

    def _does_not_apply(self, option: Option, values: Mapping[str, object]) -> str:
        assert option.when is not None
        reads = [o for o in self._options if o.key in option.when.names and o.key in values]
        if not reads:
            return tr("Does not apply to this configuration.")
        return tr("Does not apply: you chose {chosen}.", chosen=chosen(reads, values))

    def _rule_errors(
        self, component: Component, base: Base, mine: Mapping[str, object], errors: dict[str, list[str]]
    ) -> bool:
        """Report the rules that the values given already break; whether there were any."""
        broken = False
        env = base.env
        for rule in _reading_any(component, env):
            # A rule that reads no option with a value is left out: it stops at the first it reads
            # (missing), or it reads none and is the same everywhere, true (a product whose rule
            # is false everywhere is not published).
            kind, value = outcome(rule.expr, env)
            if kind == "missing" or value is True:
                continue  # holds; or undecided yet, or reads an option that does not apply
            broken = True
            keys = [o.key for o in component.options if o.key in rule.expr.names and o.key in mine]
            for key in keys or [NON_FIELD]:
                if rule.message not in errors.get(key, []):
                    errors.setdefault(key, []).append(rule.message)
        return broken

    def _conflict_errors(
        self,
        solver: ComponentSolver,
        component: Component,
        mine: Mapping[str, object],
        answer: ComponentAnswer,
        errors: dict[str, list[str]],
    ) -> None:
        """No completion exists although no single rule is broken yet: name the conflicting values."""
        reported = False
        for option in component.options:
            if option.key not in mine or option.type == "text" or option.key not in answer.feasible:
                continue
            value = mine[option.key]
            if value in answer.feasible[option.key]:
                continue
            reason = solver.explain(component, option, value, answer.bases[option.key].values)
            errors.setdefault(option.key, []).append(reason)
            reported = True
        if not reported:
            # Every value is fine without the others: name a minimal set that cannot go together.
            keep = solver.conflict(component, answer.base.values)
            message = (
                tr("These choices cannot be combined: {chosen}.", chosen=chosen(keep, answer.base.values))
                if keep
                else tr("No valid configuration is possible with these choices.")
            )
            errors.setdefault(NON_FIELD, []).append(message)

    def _final_env(
        self, values: Mapping[str, object], given: Mapping[str, object], errors: dict[str, list[str]]
    ) -> dict[str, object]:
        """The complete spec as formulas read it; checks it as final (unset optional options stay unset)."""
        env = dict(values)
        for component in self._components:
            for option in component.order:
                if not applies(option, env):
                    if option.key in env:
                        del env[option.key]
                        if option.key in given:
                            errors.setdefault(option.key, []).append(self._does_not_apply(option, env))
                    continue
                if option.key not in env:
                    if option.type == "text" and not option.required:
                        env[option.key] = ""
                    elif option.type == "boolean" and not option.required:
                        env[option.key] = False
            for rule in component.rules:
                if rule.expr.names.isdisjoint(env):
                    continue  # reads no option with a value: holds (see _rule_errors)
                if not rule_holds(rule, env):
                    keys = [o.key for o in component.options if o.key in rule.expr.names and o.key in given]
                    keys = keys or [NON_FIELD]
                    for key in keys:
                        errors.setdefault(key, []).append(rule.message)
        return env

    def _build(self, env: Mapping[str, object]) -> dict[str, Any]:
        bom, materials = explode_bom(self._bom, self._items, env)
        routing, energy = plan_routing(self._routing, self._centers, env)
        total, breakdown = priced(self.base_price, self._options, self._prices, env)
        return {
            "price": str(total),
            "price_breakdown": breakdown,
            "bom": bom,
            "routing": routing,
            "footprint": footprint(materials, energy, self._grid),
        }

    def _ordered(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        ordered = {o.key: errors[o.key] for o in self._options if o.key in errors}
        ordered.update({k: v for k, v in errors.items() if k not in ordered and k != NON_FIELD})
        if NON_FIELD in errors:
            ordered[NON_FIELD] = errors[NON_FIELD]
        return ordered

    # -- valid configurations --------------------------------------------------------------

    def find_valid_configuration(self) -> dict[str, object] | None:
        """A complete valid spec (JSON values, defaults included), or None if there is none."""
        solver = self._solver()
        spec: dict[str, object] = {}
        for component in self._components:
            base = build_base(solver, component, {})
            solution = solver.solve(component, base.values)
            if solution is None:
                return None
            for key, value in solution.env.items():
                option = self._by_key[key]
                if value == "" and option.type == "text":
                    continue
                spec[key] = _sample_text(option) if value is ANY_TEXT else _json(value)
        return {o.key: spec[o.key] for o in self._options if o.key in spec}

    def _sample_configurations(self) -> list[dict[str, object]] | None:
        """Valid configurations (as formula environments) that try every choice and boolean value
        and each number's extremes somewhere; None when there is no valid configuration at all."""
        solver = self._solver()
        per_component: list[list[dict[str, object]]] = []
        for component in self._components:
            base = build_base(solver, component, {})
            first = solver.solve(component, base.values)
            if first is None:
                return None
            found = [first.env]
            if not component.free:
                for option in component.options:
                    own = (
                        base if option.key not in base.values else build_base(solver, component, {}, exclude=option.key)
                    )
                    tries = option.values if option.type != "number" else option.values[:1] + option.values[-1:]
                    for value in tries:
                        solution = solver.solve(component, own.values, option.key, value)
                        if solution is not None and solution.env not in found:
                            found.append(solution.env)
            per_component.append(found)
        firsts: dict[str, object] = {}
        for found in per_component:
            firsts.update(found[0])
        samples = [firsts]
        for found in per_component:
            for alternative in found[1:]:
                sample = dict(firsts)
                for key in found[0]:
                    sample.pop(key, None)
                sample.update(alternative)
                samples.append(sample)
        return samples

    def _infeasible_rules(self) -> list[str]:
        """The rules of a component without a valid configuration: a minimal set that contradict
        each other (no rule of it can be left out), or all of its rules when that cannot be told."""
        solver = self._solver()
        for component in self._components:
            if solver.solve(component, build_base(solver, component, {}).values) is None:
                return [r.key for r in _contradicting(component, self._models.get(component.index))]
        return []

    def _check_formulas(self, samples: list[dict[str, object]]) -> list[Problem]:
        problems: dict[str, Problem] = {}
        for env in samples:
            try:
                self._build(env)
            except BuildError as exc:
                if exc.path not in problems:
                    names = exc.expression.names if exc.expression is not None else env.keys()
                    example = ", ".join(f"{k}={_json(env[k])}" for k in sorted(names) if k in env)
                    where = f" (for example with {example})" if example else ""
                    problems[exc.path] = Problem(exc.path, f"{exc.message}{where}")
        return list(problems.values())


# -- helpers ---------------------------------------------------------------------------------


def _contradicting(component: Component, model: Model | None) -> list[Rule]:
    """A minimal set of the component's rules that no configuration satisfies (the conditions
    kept): from the SAT solver's core over rule selectors when the model is all clauses, else a
    deletion filter that compiles the component without each rule in turn (up to
    _CONTRADICTION_REBUILDS rules); else all of them."""
    rules = list(component.rules)
    if model is not None:
        found = model.guarded.contradicting_rules()
        if found is not None:
            return [r for r in rules if r.index in found]
    if len(rules) > _CONTRADICTION_REBUILDS:
        return rules
    keep = rules
    for candidate in list(keep):
        trial = [r for r in keep if r is not candidate]
        if not Model(component.order, tuple(trial), tables=False).satisfiable():
            keep = trial
    return keep


_CONTRADICTION_REBUILDS = 60


def _reading_any(component: Component, env: Mapping[str, object]) -> list[Rule]:
    """The component's rules that read some option of `env`, in rule order: from the rules of
    each option when `env` holds few options (a partial spec of a large product), so the call
    does not scan every rule of the product."""
    if len(env) * 8 >= len(component.rules):
        return [rule for rule in component.rules if not rule.expr.names.isdisjoint(env)]
    reading = component.rules_reading
    found = {rule.index: rule for key in env for rule in reading.get(key, ())}
    return [found[index] for index in sorted(found)]


def _clean_value(option: Option, raw: object) -> tuple[object, list[str]]:
    """The typed value of a spec entry, or the customer-facing reasons it is refused."""
    if option.type == "choice":
        listed = ", ".join(map(str, option.values))
        if not isinstance(raw, str):
            return None, [tr("Must be one of: {listed}.", listed=listed)]
        if raw not in option.values:
            return None, [tr("'{raw}' is not one of: {listed}.", raw=raw, listed=listed)]
        return raw, []
    if option.type == "boolean":
        if not isinstance(raw, bool):
            return None, [tr("Must be true or false.")]
        return raw, []
    if option.type == "number":
        number = to_decimal(raw) if not isinstance(raw, Decimal) or raw.is_finite() else None
        if number is None:
            return None, [tr("Must be a number.")]
        assert option.min is not None and option.max is not None and option.step is not None
        if number < option.min:
            return None, [tr("Must be at least {value}.", value=fmt(option.min))]
        if number > option.max:
            return None, [tr("Must be at most {value}.", value=fmt(option.max))]
        steps = (number - option.min) / option.step
        # Snap to the grid value itself, so equal numbers are the same value everywhere after.
        if steps != steps.to_integral_value() or option.values[int(steps)] != number:
            return None, [tr("Must be in steps of {value}.", value=fmt(option.step))]
        return option.values[int(steps)], []
    if not isinstance(raw, str):
        return None, [tr("Must be text.")]
    text = raw.strip()
    if not text:
        return None, []
    messages = []
    if option.max_length is not None and len(text) > option.max_length:
        messages.append(tr("At most {count} characters.", count=option.max_length))
    if option.allowed is not None and not option.allowed.fullmatch(text):
        messages.append(tr("Only {allowed} are allowed.", allowed=option.allowed_label))
    return text, messages


def _json(value: object) -> object:
    if isinstance(value, Decimal):
        return fmt(value)
    return value


def _sample_text(option: Option) -> str:
    for candidate in ("A", "a", "1", "x", "\u4e2d"):
        if option.allowed is None or option.allowed.fullmatch(candidate):
            return candidate
    return "A"


def _describe(option: Option) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": option.key, "label": option.label, "type": option.type, "required": option.required}
    if option.group:
        entry["group"] = option.group
    if option.help:
        entry["help"] = option.help
    if option.type == "choice":
        entry["choices"] = [
            {"value": c.value, "label": c.label, "price_delta": str(c.price_delta.quantize(Decimal("0.01")))}
            for c in option.choices
        ]
    elif option.type == "number":
        assert option.min is not None and option.max is not None and option.step is not None
        entry.update(unit=option.unit, min=fmt(option.min), max=fmt(option.max), step=fmt(option.step))
    elif option.type == "text":
        entry["max_length"] = option.max_length
        if option.allowed_label:
            entry["allowed_label"] = option.allowed_label
    if option.default is not None:
        entry["default"] = _json(option.default)
    return entry


def _preorder(lines: list[BomLine]) -> tuple[BomLine, ...]:
    children: dict[str | None, list[BomLine]] = {}
    for line in lines:
        children.setdefault(line.parent, []).append(line)
    out: list[BomLine] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        line = stack.pop()
        out.append(line)
        stack.extend(reversed(children.get(line.key, [])))
    return tuple(out)


def _topological(operations: list[Operation]) -> tuple[Operation, ...]:
    graph = nx.DiGraph()
    by_key = {op.key: op for op in operations}
    graph.add_nodes_from(by_key)
    for op in operations:
        graph.add_edges_from((before, op.key) for before in op.after if before in by_key)
    if not nx.is_directed_acyclic_graph(graph):  # only while the definition has problems
        return tuple(operations)
    order = nx.lexicographical_topological_sort(graph, key=lambda k: by_key[k].index)
    return tuple(by_key[k] for k in order)
