"""Reads of the catalog, and the compiled engines of published versions (cached per process)."""

from collections.abc import Iterable
from decimal import Decimal
from threading import Lock
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from bom import ports
from bom.configurator import CatalogError, CompiledProduct, Problem, compile_product
from bom.configurator.analysis import ANALYSIS_BUDGET_FACTOR
from bom.configurator.budget import SearchBudgetExceeded, metered
from bom.configurator.i18n import EN, ZH_HANS, join, pick
from bom.configurator.limits import Limits, size_problems
from bom.models import Choice, Option, Product, ProductVersion, RoutingOperation
from config.errors import NotFound

_engines: dict[tuple[int, Any, str], CompiledProduct] = {}
_engines_lock = Lock()


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def catalog_language() -> str:
    """The catalog's language (bom.configurator.i18n) for the active language of the request: the
    pages show product names, option labels and rule messages in the page's language."""
    return ZH_HANS if (translation.get_language() or "").lower().startswith("zh") else EN


def product_list_published() -> list[ProductVersion]:
    """The current (newest published) version of every active product, by product name."""
    versions = (
        ProductVersion.objects.filter(status=ProductVersion.Status.PUBLISHED, product__is_active=True)
        .select_related("product")
        .order_by("product__name", "product_id", "-number")
    )
    latest: dict[int, ProductVersion] = {}
    for version in versions:
        latest.setdefault(version.product_id, version)
    return list(latest.values())


def version_get_published(*, slug: str) -> ProductVersion:
    """The current published version of a product. Raises NotFound."""
    version = (
        ProductVersion.objects.filter(
            product__slug=slug, product__is_active=True, status=ProductVersion.Status.PUBLISHED
        )
        .select_related("product")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NotFound(gettext("There is no product '%(slug)s'.") % {"slug": slug})
    return version


def definition_for(version: ProductVersion) -> dict[str, Any]:
    """The version's rows as the plain definition the engine compiles (the catalog file's shape)."""
    version = (
        ProductVersion.objects.select_related("product")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=Option.objects.prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position"))
                ),
            ),
            "rules",
            "price_adders",
            "bom_lines",
            "operations",
        )
        .get(pk=version.pk)
    )
    product = version.product
    options: list[dict[str, Any]] = []
    for opt in version.options.all():
        shown = opt.translations or {}
        entry: dict[str, Any] = {
            "key": opt.key,
            "label": join(opt.label, shown.get("label")),
            "type": opt.type,
            "required": opt.required,
        }
        for name, value in (
            ("group", opt.group),
            ("help", opt.help),
            ("when", opt.when),
            ("unit", opt.unit),
            ("allowed", opt.allowed),
            ("allowed_label", opt.allowed_label),
        ):
            if value:
                entry[name] = join(value, shown.get(name))
        if opt.default is not None:
            entry["default"] = opt.default
        if opt.type == Option.Type.NUMBER:
            entry.update(min=_num(opt.min_value), max=_num(opt.max_value), step=_num(opt.step))
        if opt.max_length is not None:
            entry["max_length"] = opt.max_length
        if opt.type == Option.Type.CHOICE:
            entry["choices"] = [
                {
                    "value": c.value,
                    "label": join(c.label, (c.translations or {}).get("label")),
                    "price_delta": str(c.price_delta),
                }
                for c in opt.choices.all()
            ]
        options.append(entry)
    return {
        "slug": product.slug,
        "name": join(product.name, (product.translations or {}).get("name")),
        "description": join(product.description, (product.translations or {}).get("description")),
        "currency": product.currency,
        "base_price": str(version.base_price),
        "options": options,
        "rules": [
            {"key": r.key, "expr": r.expr, "message": join(r.message, (r.translations or {}).get("message"))}
            for r in version.rules.all()
        ],
        "prices": [
            {
                "key": p.key,
                "label": join(p.label, (p.translations or {}).get("label")),
                "amount": p.amount,
                **({"when": p.when} if p.when else {}),
            }
            for p in version.price_adders.all()
        ],
        "bom": [_bom_line(b) for b in version.bom_lines.all()],
        "routing": [_operation(o) for o in version.operations.all()],
        **({"drawing": version.drawing} if version.drawing else {}),
    }


def _bom_line(line: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": line.key, "quantity": line.quantity, "scrap_pct": str(line.scrap_pct)}
    if line.item_sku:
        entry["item"] = line.item_sku
    else:
        entry["assembly"] = line.assembly
    for name, value in (("parent", line.parent_key), ("when", line.when), ("operation", line.operation_key)):
        if value:
            entry[name] = value
    return entry


def _operation(op: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "key": op.key,
        "name": join(op.name, (op.translations or {}).get("name")),
        "work_center": op.work_center,
        "setup_minutes": op.setup_minutes,
        "run_minutes": op.run_minutes,
        "after": list(op.after),
    }
    for name, value in (("when", op.when), ("setup_family", op.setup_family)):
        if value:
            entry[name] = value
    return entry


GRID_CO2E_KG_PER_KWH = "0.581"  # China's grid average; the footprint's energy factor


def resources_for(definition: dict[str, Any]) -> dict[str, Any]:
    """The facts of the items and work centers a definition names, from their owners (bom.ports)."""
    skus = {line["item"] for line in definition["bom"] if line.get("item")}
    codes = {op["work_center"] for op in definition["routing"]}
    return {
        "items": ports.item_facts(skus),
        "work_centers": ports.work_center_facts(codes),
        "grid_co2e_kg_per_kwh": GRID_CO2E_KG_PER_KWH,
    }


def engine_for(version: ProductVersion, language: str = EN) -> CompiledProduct:
    """The compiled configurator of a version, speaking `language` (bom.configurator.i18n).
    Published versions are compiled once per process and language with the facts frozen at
    publish; a draft is compiled afresh with today's facts (preview). Raises CatalogError for a
    draft that does not compile."""
    if version.status != ProductVersion.Status.DRAFT:
        # Keyed by id and publication time, so a database that reuses ids (SQLite) never gets a
        # stale engine.
        key = (version.pk, version.published_at, language)
        engine = _engines.get(key)
        if engine is not None:
            return engine
        engine = compile_product(definition_for(version), version.resources, language)
    else:
        definition = definition_for(version)
        engine = _compile_draft(definition, resources_for(definition), language)
    if version.status != ProductVersion.Status.DRAFT:
        with _engines_lock:
            _engines[(version.pk, version.published_at, language)] = engine
    return engine


def catalog_limits() -> Limits:
    """How big a product may be to publish (CONFIGURATOR_MAX_OPTIONS, CONFIGURATOR_MAX_RULES)."""
    return Limits(options=settings.CONFIGURATOR_MAX_OPTIONS, rules=settings.CONFIGURATOR_MAX_RULES)


def _compile_draft(definition: dict[str, Any], resources: dict[str, Any], language: str = EN) -> CompiledProduct:
    """A draft is not yet analysed: past the size limits it is refused before compiling, and its
    compiling searches are metered like a publish's analysis."""
    too_big = size_problems(definition, catalog_limits())
    if too_big:
        raise CatalogError(too_big)
    limit = settings.CONFIGURATOR_SEARCH_BUDGET or None
    try:
        with metered(None if limit is None else limit * ANALYSIS_BUDGET_FACTOR):
            return compile_product(definition, resources, language)
    except SearchBudgetExceeded as exc:
        message = f"compiling it needs more than {exc.limit} search steps: simplify the rules or split the product"
        raise CatalogError([Problem("rules", message)]) from exc


def product_text(product: Product, field: str, language: str = EN) -> str:
    """A product's name or description in `language` (English when it has no translation)."""
    english = getattr(product, field)
    return pick(join(english, (product.translations or {}).get(field)), language)


def routing_names(*, version_ids: Iterable[int], language: str = EN) -> dict[tuple[int, str], str]:
    """The routing's operation names of these versions in `language` (English where they have no
    translation), by (version id, operation key): what the pages call a production order's steps."""
    return {
        (op.version_id, op.key): pick(join(op.name, (op.translations or {}).get("name")), language)
        for op in RoutingOperation.objects.filter(version_id__in=set(version_ids)).only(
            "version_id", "key", "name", "translations"
        )
    }


def product_describe(*, slug: str, language: str = EN) -> dict[str, Any]:
    """API.md's product description: the current published version and its options, in `language`."""
    version = version_get_published(slug=slug)
    product = version.product
    return {
        "slug": product.slug,
        "name": product_text(product, "name", language),
        "description": product_text(product, "description", language),
        "version": version.number,
        "currency": product.currency,
        "base_price": str(version.base_price),
        "options": engine_for(version, language).describe_options(),
    }


def product_configure(
    *,
    slug: str,
    spec: dict[str, Any],
    strict: bool = False,
    quantity: int = 1,
    prefer: str | None = None,
    language: str = EN,
) -> dict[str, Any]:
    """API.md's configure answer for a (partial) spec on the product's current version, in `language`."""
    return version_configure(
        version_get_published(slug=slug),
        spec=spec,
        strict=strict,
        quantity=quantity,
        prefer=prefer,
        language=language,
    )


def version_configure(
    version: ProductVersion,
    *,
    spec: dict[str, Any],
    strict: bool = False,
    quantity: int = 1,
    prefer: str | None = None,
    language: str = EN,
) -> dict[str, Any]:
    """The configure answer on one version (a draft too: admin's preview): `price` per unit, the
    ship date of `quantity` units, and the values `prefer` cleared (CompiledProduct.configure)."""
    result = engine_for(version, language).configure(spec, strict=strict, prefer=prefer)
    answer: dict[str, Any] = {"product": version.product.slug, "version": version.number}
    answer.update({k: v for k, v in result.items() if k != "normalized_spec"})
    ship = ports.estimate_ship_date(result["routing"], quantity) if result["valid"] else None
    answer["estimated_ship_date"] = ship.isoformat() if ship else None
    return answer


def product_picture(*, slug: str, spec: dict[str, Any], language: str | None = None) -> SafeString:
    """The product's picture for a (partial) spec, as inline SVG ('' without a drawing) in
    `language` (default: the request's active language); docs/CATALOG.md, "Drawings". Never
    raises for a spec's values."""
    return version_picture(version_get_published(slug=slug), spec=spec, language=language)


def version_picture(version: ProductVersion, *, spec: dict[str, Any], language: str | None = None) -> SafeString:
    """`product_picture` on one version (a draft too: admin's preview)."""
    if language is None:
        language = ZH_HANS if (get_language() or "").lower().startswith("zh") else EN
    # Safe to put in a page as is: bom.configurator.svg writes only checked names, numbers and
    # colours, and escapes every text.
    return mark_safe(engine_for(version, language).picture(spec))  # noqa: S308


def spec_display(version: ProductVersion, spec: dict[str, Any], language: str = EN) -> list[dict[str, str]]:
    """A spec in the customer's words, in `language`: option labels, choice labels, yes/no, units,
    in option order."""
    rows = []
    for option in engine_for(version, language).describe_options():
        if option["key"] not in spec:
            continue
        value = spec[option["key"]]
        if option["type"] == "choice":
            text = next((c["label"] for c in option["choices"] if c["value"] == value), str(value))
        elif option["type"] == "boolean":
            with translation.override("zh-hans" if language == ZH_HANS else "en"):
                text = translation.gettext("Yes") if value else translation.gettext("No")
        elif option["type"] == "number":
            text = f"{value} {option.get('unit', '')}".strip()
        else:
            text = str(value) or "—"
        rows.append({"key": option["key"], "label": option["label"], "value": text})
    return rows
