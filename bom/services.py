"""Writes of the catalog: loading catalog files into versions, and publishing them."""

import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from bom.catalog_source import CatalogSource
from bom.configurator.analysis import Finding, analyse_definition
from bom.configurator.i18n import split, text_problems
from bom.configurator.limits import size_problems
from bom.configurator.model import problem_lines
from bom.models import BomLine, Choice, Option, PriceAdder, Product, ProductVersion, RoutingOperation, Rule
from bom.selectors import catalog_limits, definition_for, engine_for, resources_for
from config.errors import DomainError

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
# A version's status as a refusal names it in a sentence.
STATUS_WORDS: dict[str, Any] = {
    ProductVersion.Status.DRAFT: pgettext_lazy("status in a sentence", "draft"),
    ProductVersion.Status.PUBLISHED: pgettext_lazy("status in a sentence", "published"),
    ProductVersion.Status.RETIRED: pgettext_lazy("status in a sentence", "retired"),
}


class PublishRefused(DomainError):
    """The version is not publishable; `problems` says where and why."""

    code = "publish_refused"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("The version cannot be published:") + "\n" + problem_lines(problems))
        self.problems = problems


def _dec(value: Any, *, where: str, field: Any) -> Decimal | None:
    """The decimal for a DecimalField of the version, refused (with its path) when it does not fit."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise PublishRefused([_("%(where)s: %(value)r is not a number") % {"where": where, "value": value}]) from exc
    places = field.decimal_places
    limit = Decimal(10) ** (field.max_digits - places)
    if not number.is_finite() or number.copy_abs() >= limit:
        raise PublishRefused(
            [_("%(where)s: %(value)s is too large (it must stay below %(limit)s)")
             % {"where": where, "value": value, "limit": limit}]
        )  # fmt: skip
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise PublishRefused(
            [_("%(where)s: %(value)s has more than %(places)s decimal places")
             % {"where": where, "value": value, "places": places}]
        )  # fmt: skip
    return number


def _dec_or(value: Any, *, where: str, field: Any, default: str) -> Decimal:
    parsed = _dec(value, where=where, field=field)
    return Decimal(default) if parsed is None else parsed


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _shown(entry: dict[str, Any], field: str, where: str, default: str = "") -> tuple[str, dict[str, str]]:
    """A customer-facing text as (English, {language: text}); a mapping is checked (docs/CATALOG.md)."""
    value = entry.get(field)
    problems = text_problems(value) if isinstance(value, dict) else []
    if problems:
        path = f"{where}.{field}" if where else field
        raise PublishRefused([f"{path}{sub}: {message}" for sub, message in problems])
    english, translations = split(value)
    return english or default, translations


def _translations(**fields: dict[str, str]) -> dict[str, dict[str, str]]:
    return {name: texts for name, texts in fields.items() if texts}


def _require(entry: dict[str, Any], field: str, where: str) -> Any:
    if field not in entry or entry[field] in (None, ""):
        raise PublishRefused([_("%(where)s: '%(field)s' is missing") % {"where": where, "field": field}])
    return entry[field]


@transaction.atomic
def version_create_from_definition(
    *, definition: dict[str, Any], source_file: str = "", source_digest: str = ""
) -> ProductVersion:
    """Store a catalog definition as a new draft version of its product (creating the product)."""
    if not isinstance(definition, dict):
        raise PublishRefused([_("the catalog file must hold a mapping at its top level")])
    too_big = size_problems(definition, catalog_limits())
    if too_big:  # refused before a row is written: the size is the one problem
        raise PublishRefused([str(p) for p in too_big])
    slug = _require(definition, "slug", "slug")
    _require(definition, "name", "name")
    name, name_i18n = _shown(definition, "name", "")
    description, description_i18n = _shown(definition, "description", "")
    product, _created = Product.objects.get_or_create(slug=slug, defaults={"name": name})
    product.name = name
    product.description = description
    product.translations = _translations(name=name_i18n, description=description_i18n)
    product.currency = _text(definition.get("currency") or "CNY")
    product.save()
    drawing = definition.get("drawing") or {}
    try:
        json.dumps(drawing, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PublishRefused(
            [f"drawing: holds a value that is not text, a number, a list or a mapping ({exc})"]
        ) from exc
    latest = product.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProductVersion.objects.create(
        product=product,
        number=latest + 1,
        base_price=_dec_or(
            definition.get("base_price"),
            where="base_price",
            field=ProductVersion._meta.get_field("base_price"),
            default="0",
        ),
        source_file=source_file,
        source_digest=source_digest,
        # Checked whole at publish (bom.configurator.drawing), like the rest of the definition.
        drawing=drawing,
    )
    for i, entry in enumerate(definition.get("options") or []):
        where = f"options[{i}]"
        key = _require(entry, "key", where)
        label, label_i18n = _shown(entry, "label", where, default=key)
        group, group_i18n = _shown(entry, "group", where)
        help_, help_i18n = _shown(entry, "help", where)
        unit, unit_i18n = _shown(entry, "unit", where)
        allowed_label, allowed_label_i18n = _shown(entry, "allowed_label", where)
        option = Option.objects.create(
            version=version,
            position=i,
            key=key,
            label=label,
            type=_require(entry, "type", where),
            group=group,
            help=help_,
            required=bool(entry.get("required", entry.get("type") in ("choice", "number"))),
            when=_text(entry.get("when")),
            default=entry.get("default"),
            unit=unit,
            min_value=_dec(entry.get("min"), where=f"{where}.min", field=Option._meta.get_field("min_value")),
            max_value=_dec(entry.get("max"), where=f"{where}.max", field=Option._meta.get_field("max_value")),
            step=_dec(entry.get("step"), where=f"{where}.step", field=Option._meta.get_field("step")),
            max_length=entry.get("max_length"),
            allowed=_text(entry.get("allowed")),
            allowed_label=allowed_label,
            translations=_translations(
                label=label_i18n, group=group_i18n, help=help_i18n, unit=unit_i18n, allowed_label=allowed_label_i18n
            ),
        )
        choices = [
            (j, choice, *_shown(choice, "label", f"{where}.choices[{j}]", default=str(choice.get("value"))))
            for j, choice in enumerate(entry.get("choices") or [])
        ]
        Choice.objects.bulk_create(
            Choice(
                option=option,
                position=j,
                value=str(_require(choice, "value", f"{where}.choices[{j}]")),
                label=label,
                translations=_translations(label=label_i18n),
                price_delta=_dec_or(
                    choice.get("price_delta"),
                    where=f"{where}.choices[{j}].price_delta",
                    field=Choice._meta.get_field("price_delta"),
                    default="0",
                ),
            )
            for j, choice, label, label_i18n in choices
        )
    rules = [
        (i, r, *_shown(r, "message", f"rules[{i}]"), _require(r, "message", f"rules[{i}]"))
        for i, r in enumerate(definition.get("rules") or [])
    ]
    Rule.objects.bulk_create(
        Rule(
            version=version,
            position=i,
            key=_require(r, "key", f"rules[{i}]"),
            expr=_require(r, "expr", f"rules[{i}]"),
            message=message,
            translations=_translations(message=message_i18n),
        )
        for i, r, message, message_i18n, _ in rules
    )
    prices = [
        (i, p, *_shown(p, "label", f"prices[{i}]", default=str(p.get("key"))))
        for i, p in enumerate(definition.get("prices") or [])
    ]
    PriceAdder.objects.bulk_create(
        PriceAdder(
            version=version,
            position=i,
            key=_require(p, "key", f"prices[{i}]"),
            label=label,
            when=_text(p.get("when")),
            amount=str(_require(p, "amount", f"prices[{i}]")),
            translations=_translations(label=label_i18n),
        )
        for i, p, label, label_i18n in prices
    )
    BomLine.objects.bulk_create(
        BomLine(
            version=version,
            position=i,
            key=_require(b, "key", f"bom[{i}]"),
            parent_key=_text(b.get("parent")),
            item_sku=_text(b.get("item")),
            assembly=_text(b.get("assembly")),
            quantity=str(_require(b, "quantity", f"bom[{i}]")),
            when=_text(b.get("when")),
            scrap_pct=_dec_or(
                b.get("scrap_pct"), where=f"bom[{i}].scrap_pct", field=BomLine._meta.get_field("scrap_pct"), default="0"
            ),
            operation_key=_text(b.get("operation")),
        )
        for i, b in enumerate(definition.get("bom") or [])
    )
    routing = [
        (i, o, *_shown(o, "name", f"routing[{i}]", default=_text(o.get("key"))))
        for i, o in enumerate(definition.get("routing") or [])
    ]
    RoutingOperation.objects.bulk_create(
        RoutingOperation(
            version=version,
            position=i,
            key=_require(o, "key", f"routing[{i}]"),
            name=name,
            translations=_translations(name=name_i18n),
            work_center=_require(o, "work_center", f"routing[{i}]"),
            setup_minutes=_text(o.get("setup_minutes")) or "0",
            run_minutes=str(_require(o, "run_minutes", f"routing[{i}]")),
            after=list(o.get("after") or []),
            when=_text(o.get("when")),
            setup_family=_text(o.get("setup_family")),
        )
        for i, o, name, name_i18n in routing
    )
    return version


@transaction.atomic
def version_publish(*, version: ProductVersion) -> ProductVersion:
    """Validate a draft version whole and make it the product's current version.

    Raises PublishRefused with every problem found (unknown names, cycles, missing items or
    work centers, no valid configuration); nothing changes then.
    """
    version = ProductVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ProductVersion.Status.DRAFT:
        raise PublishRefused(
            [_("version %(number)s is already %(status)s; edit a new draft")
             % {"number": version.number, "status": STATUS_WORDS[version.status]}]
        )  # fmt: skip
    definition = definition_for(version)
    resources = resources_for(definition)
    findings = analyse_definition(
        definition, resources, search_budget=settings.CONFIGURATOR_SEARCH_BUDGET, limits=catalog_limits()
    )
    errors = [f"{f.path}: {f.message}" for f in findings if f.severity == "error"]
    if errors:
        raise PublishRefused(errors)
    ProductVersion.objects.filter(product_id=version.product_id, status=ProductVersion.Status.PUBLISHED).update(
        status=ProductVersion.Status.RETIRED
    )
    version.status = ProductVersion.Status.PUBLISHED
    version.resources = resources
    version.published_at = timezone.now()
    version.save(update_fields=["status", "resources", "published_at"])
    engine_for(version)
    return version


def catalog_load_file(*, path: Path) -> tuple[ProductVersion, bool]:
    """Load one catalog file and publish it as a new version, unless the file is unchanged since
    it was last loaded (then a version published meanwhile in admin stays current).

    Returns (version, created): the product's current version when nothing was published.
    Raises PublishRefused when the file is not valid; each problem then names the file and the
    line it points at ("mtm-suit.yaml, line 88: rules[3].expr: ...").
    """
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        source = CatalogSource(raw, name=path.name)
    except yaml.YAMLError as exc:
        raise PublishRefused([_("%(file)s: not valid YAML: %(error)s") % {"file": path.name, "error": exc}]) from exc
    definition = source.definition
    slug = definition.get("slug") if isinstance(definition, dict) else None
    # The file's digest is compared with the last version loaded from a file, not with the
    # current one: a version published in admin since then (no digest) must stay current.
    last_loaded = (
        ProductVersion.objects.filter(product__slug=slug).exclude(source_digest="").order_by("-number").first()
    )
    if last_loaded is not None and last_loaded.source_digest == digest:
        current = (
            ProductVersion.objects.filter(product__slug=slug, status=ProductVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        return current or last_loaded, False
    try:
        with transaction.atomic():
            version = version_create_from_definition(
                definition=definition, source_file=str(path.name), source_digest=digest
            )
            version = version_publish(version=version)
    except PublishRefused as exc:
        raise PublishRefused([source.locate(problem) for problem in exc.problems]) from exc
    return version, True


@transaction.atomic
def version_create_draft(*, from_version: ProductVersion) -> ProductVersion:
    """A new draft of the product, a copy of `from_version`: how a published product is edited."""
    return version_create_from_definition(definition=definition_for(from_version), source_file="(edited in admin)")


def version_analyse(*, version: ProductVersion) -> list[Finding]:
    """Publish-time analysis of a version (a draft with today's item facts): errors block publishing."""
    definition = definition_for(version)
    resources = version.resources if version.status != ProductVersion.Status.DRAFT else resources_for(definition)
    return analyse_definition(
        definition, resources, search_budget=settings.CONFIGURATOR_SEARCH_BUDGET, limits=catalog_limits()
    )
