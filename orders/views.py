"""The customer's pages: the shop, a configurator per product, their orders."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_customer, page_requires, sees_all_orders
from accounts.selectors import profile_get, profile_list
from accounts.services import profile_create
from bom import selectors as catalog
from bom.configurator.engine import REQUIRED
from config.errors import ConfiguratorBudgetExceeded, DomainError, NotFound, SpecInvalid
from config.pagination import page_of
from orders import selectors, services
from orders.models import Order
from production import selectors as production_selectors


def _spec_from_form(data: Any, options: list[dict[str, Any]]) -> dict[str, Any]:
    """The spec a form describes: blank fields are left out; booleans come as 'true'/'false'."""
    spec: dict[str, Any] = {}
    for option in options:
        raw = data.get(option["key"], "")
        if raw == "":
            continue
        if option["type"] == "boolean":
            spec[option["key"]] = raw == "true"
        else:
            spec[option["key"]] = raw
    return spec


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Anyone: the products on offer, named in the page's language."""
    language = catalog.catalog_language()
    versions = [
        {
            "slug": version.product.slug,
            "name": catalog.product_text(version.product, "name", language),
            "description": catalog.product_text(version.product, "description", language),
            "base_price": version.base_price,
            "currency": version.product.currency,
        }
        for version in catalog.product_list_published()
    ]
    return render(request, "shop/home.html", {"versions": versions})


MAX_QUANTITY = 100  # as an order line (orders.serializers.LineInSerializer)


def _quantity(raw: str | None) -> int:
    """How many the customer wants, from a form field: a whole number from 1 to 100 (1 otherwise)."""
    try:
        return max(1, min(MAX_QUANTITY, int(raw or "1")))
    except ValueError:
        return 1


def _measurements(described: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The spec's values of the product's number options: what a measurement profile keeps."""
    return {o["key"]: spec[o["key"]] for o in described["options"] if o["type"] == "number" and o["key"] in spec}


def _profile_measurements(request: HttpRequest, described: dict[str, Any]) -> dict[str, Any]:
    """The measurements of the customer's saved profile named by `?profile=`, for this product's
    number options (someone else's profile, or none, gives nothing)."""
    raw = request.GET.get("profile", "")
    if not raw.isdigit() or not is_customer(request.user):
        return {}
    try:
        profile = profile_get(owner=request.user, profile_id=int(raw))
    except NotFound:
        return {}
    numbers = {o["key"] for o in described["options"] if o["type"] == "number"}
    return {key: value for key, value in profile.values.items() if key in numbers}


def _configured(
    slug: str, spec: dict[str, Any], *, strict: bool, prefer: str | None = None, quantity: int = 1, language: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Configure, keeping the value of `prefer` (the option just set) and dropping the earlier
    choices it conflicts with (listed in `cleared`), then the values of options that no longer
    apply (the customer turned trousers off: the pleats they had chosen go, as they would on a
    paper order form)."""
    result = catalog.product_configure(
        slug=slug, spec=spec, strict=strict, prefer=prefer, quantity=quantity, language=language
    )
    cleared = result["cleared"]
    stale = [key for key in spec if key in cleared or key not in result["applicable"]]
    if stale:
        spec = {k: v for k, v in spec.items() if k not in stale}
        result = catalog.product_configure(slug=slug, spec=spec, strict=strict, quantity=quantity, language=language)
        result["cleared"] = cleared
    return spec, result


def _implied(described: dict[str, Any], spec: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The values that are the only ones left for an option the customer has not set (its domain
    has exactly one value), while nothing but missing options is wrong: shown as implied and sent
    with the spec, so the order needs no choice that is not one."""
    if "non_field_errors" in result["errors"] or any(key in spec for key in result["errors"]):
        return {}  # a conflict: it says what to change, nothing is implied by a dead end
    implied: dict[str, Any] = {}
    for option in described["options"]:
        key = option["key"]
        if key in spec or key not in result["applicable"] or option.get("default") is not None:
            continue
        domain = result["domains"].get(key) or {}
        choices, ranges = domain.get("choices"), domain.get("ranges")
        if option["type"] in ("choice", "boolean") and choices is not None and len(choices) == 1:
            implied[key] = choices[0]
        elif (
            option["type"] == "number"
            and ranges
            and len(ranges) == 1
            and Decimal(ranges[0][0]) == Decimal(ranges[0][1])
        ):
            implied[key] = ranges[0][0]
    return implied


def _with_implied(
    slug: str,
    described: dict[str, Any],
    spec: dict[str, Any],
    result: dict[str, Any],
    *,
    strict: bool,
    quantity: int,
    language: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values implied by the spec (one may imply the next) and the configure answer for the
    spec with them."""
    implied: dict[str, Any] = {}
    for _round in described["options"]:  # each round implies at least one more option, or stops
        more = _implied(described, {**spec, **implied}, result)
        if not more:
            break
        implied.update(more)
        result = catalog.product_configure(
            slug=slug, spec={**spec, **implied}, strict=strict, quantity=quantity, language=language
        )
    return implied, result


def _value_label(option: dict[str, Any], value: Any) -> str:
    """A value in the customer's words (the page's language): a choice's label, Yes/No, a number
    with its unit."""
    if option["type"] == "choice":
        return next((c["label"] for c in option.get("choices", []) if c["value"] == value), str(value))
    if option["type"] == "boolean" or isinstance(value, bool):
        return _("Yes") if str(value).lower() == "true" else _("No")
    if option["type"] == "number" and option.get("unit"):
        return f"{value} {option['unit']}"
    return str(value)


def _cleared_notice(described: dict[str, Any], result: dict[str, Any], spec: dict[str, Any], prefer: str | None) -> str:
    """'We cleared Jacket (Six-button double-breasted): it does not go with Lapel: Shawl.' or ''."""
    if not result["cleared"]:
        return ""
    by_key = {option["key"]: option for option in described["options"]}
    names = [
        f"{by_key[key]['label']} ({_value_label(by_key[key], value)})"
        for key, value in result["cleared"].items()
        if key in by_key
    ]
    listed = (
        names[0]
        if len(names) == 1
        else _("%(first)s and %(last)s") % {"first": _(", ").join(names[:-1]), "last": names[-1]}
    )
    if prefer in by_key and prefer in spec:
        chosen = _("%(option)s: %(value)s") % {
            "option": by_key[prefer]["label"],
            "value": _value_label(by_key[prefer], spec[prefer]),
        }
        return ngettext(
            "We cleared %(listed)s: it does not go with %(chosen)s.",
            "We cleared %(listed)s: they do not go with %(chosen)s.",
            len(names),
        ) % {"listed": listed, "chosen": chosen}
    return ngettext(
        "We cleared %(listed)s: it does not go with your last choice.",
        "We cleared %(listed)s: they do not go with your last choice.",
        len(names),
    ) % {"listed": listed}


def _implied_notice(described: dict[str, Any], implied: dict[str, Any]) -> str:
    """'Implied, the only choice left: Jacket: One-button single-breasted.' or ''."""
    if not implied:
        return ""
    named = [f"{o['label']}: {_value_label(o, implied[o['key']])}" for o in described["options"] if o["key"] in implied]
    return gettext("Implied, the only choice left: %(values)s.") % {"values": "; ".join(named)}


def _option_rows(
    described: dict[str, Any],
    spec: dict[str, Any],
    result: dict[str, Any],
    impossible: dict[str, Any],
    implied: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Each option with its value, errors, domain and the values ruled out and why. A value ruled
    out by earlier choices stays selectable (choosing it clears them); only a value that no
    choice makes possible (`impossible`: the domains of the empty spec) is disabled."""
    # While the spec has errors, they say what to change; listing every value they rule out in
    # every other option would only bury them.
    # A missing required option says nothing to change, so the exclusions stay (domains narrow).
    show_exclusions = all(found == [REQUIRED] for found in result["errors"].values())
    implied = implied or {}
    rows = []
    for option in described["options"]:
        key = option["key"]
        domain = result["domains"].get(key) or {}
        excluded = domain.get("excluded", {}) if show_exclusions else {}
        never = {_form_value(value) for value in (impossible.get(key) or {}).get("excluded", {})}
        errors = result["errors"].get(key, [])
        rows.append(
            {
                **option,
                "applies": key in result["applicable"],
                "value": implied[key] if key in implied else spec.get(key, option.get("default")),
                "implied": key in implied,
                "implied_value": _form_value(implied[key]) if key in implied else "",
                "errors": errors,
                "domain": domain,
                "excluded_values": {_form_value(value) for value in excluded},
                "impossible_values": never,
                "excluded": [
                    {"label": _value_label(option, value), "why": why, "impossible": _form_value(value) in never}
                    for value, why in excluded.items()
                ],
                "required": option.get("required", True),
                "describedby": " ".join(
                    f"{part}-{key}"
                    for part, present in (
                        ("implied", key in implied),
                        ("range", option["type"] == "number"),
                        ("allowed", option["type"] == "text" and option.get("allowed_label")),
                        ("help", option.get("help")),
                        ("err", errors),
                        ("why", excluded),
                    )
                    if present
                ),
            }
        )
    return rows


def _grouped(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Options by group, groups in the order they first appear."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get("group") or _("Options"), []).append(row)
    return list(groups.items())


def _form_value(value: Any) -> str:
    """A value as the configurator form writes it: booleans as 'true'/'false'."""
    return "true" if value is True else "false" if value is False else str(value)


def _spec_query(spec: dict[str, Any]) -> str:
    """The spec as the configurator form's query string."""
    return urlencode({k: _form_value(v) for k, v in spec.items()})


def _review_query(spec: dict[str, Any], implied: dict[str, Any], quantity: int) -> str:
    """The spec, which of its values were implied (so "Change" brings them back as implied, not
    chosen) and the quantity, as a query string."""
    tokens = [("implied", f"{key}={_form_value(value)}") for key, value in implied.items()]
    return "&".join(part for part in (_spec_query(spec), urlencode(tokens), f"quantity={quantity}") if part)


@require_GET
def configure_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone: every option, what is still possible and why not, the price and its breakdown.
    An htmx request (HX-Request) gets only the part that changes (shop/_configure_live.html)
    and the spec's URL to push; `prefer` names the option just set, whose conflicting earlier
    choices are cleared and named. Labels, reasons and errors are in the page's language."""
    language = catalog.catalog_language()
    try:
        described = catalog.product_describe(slug=slug, language=language)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    live = request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers
    quantity = _quantity(request.GET.get("quantity"))
    form_spec = {**_spec_from_form(request.GET, described["options"]), **_profile_measurements(request, described)}
    prefer = request.GET.get("prefer") or None
    if prefer not in form_spec:
        prefer = None  # the field just changed is not an option with a value (a profile, the quantity)
    # A value the page showed as implied ("jacket=sb1") comes back with the form: it stays implied
    # (gone once the choice that implied it changes), unless the customer set that field.
    for token in request.GET.getlist("implied"):
        key, _sep, value = token.partition("=")
        if key != prefer and key in form_spec and _form_value(form_spec[key]) == value:
            del form_spec[key]
    strict = request.GET.get("check") == "1"
    try:
        spec, result = _configured(slug, form_spec, strict=strict, prefer=prefer, quantity=quantity, language=language)
        cleared = result["cleared"]
        implied, result = _with_implied(
            slug, described, spec, result, strict=strict, quantity=quantity, language=language
        )
        result["cleared"] = cleared
        impossible = catalog.product_configure(slug=slug, spec={}, language=language)["domains"]
    except ConfiguratorBudgetExceeded as exc:
        if live:  # the whole page says so, at the spec's own address
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.get_full_path()
            return response
        # the search gave up (logged): say so, never show a domain that may be wrong
        context = {"product_name": described["name"], "message": exc.message}
        return render(request, "shop/unavailable.html", context, status=503)
    query = _spec_query(spec) + (f"&quantity={quantity}" if quantity != 1 else "")
    spec_url = f"{request.path}?{query.lstrip('&')}" if query else request.path
    context = {
        "product": described,
        "groups": _grouped(_option_rows(described, spec, result, impossible, implied)),
        "result": result,
        "spec": spec,
        "implied": implied,
        "review_url": f"{reverse('shop:review', args=[slug])}?{_review_query({**spec, **implied}, implied, quantity)}",
        "spec_url": spec_url,
        "cleared_notice": _cleared_notice(described, result, spec, prefer),
        "implied_notice": _implied_notice(described, implied),
        "non_field_errors": result["errors"].get("non_field_errors", []),
        "quantity": quantity,
        "customer": is_customer(request.user),
        "profiles": list(profile_list(owner=request.user)) if is_customer(request.user) else [],
        "takes_measurements": any(o["type"] == "number" for o in described["options"]),
        "measurements": _measurements(described, spec),
        "total": (Decimal(result["price"]) * quantity).quantize(Decimal("0.01")) if result["valid"] else None,
        "picture": catalog.product_picture(slug=slug, spec=spec),
        "ship_date": date.fromisoformat(result["estimated_ship_date"]) if result.get("estimated_ship_date") else None,
    }
    response = render(request, "shop/_configure_live.html" if live else "shop/configure.html", context)
    patch_vary_headers(response, ("HX-Request",))
    if live:
        response["HX-Push-Url"] = spec_url
    return response


@login_required
@require_GET
def review_order(request: HttpRequest, slug: str) -> HttpResponse:
    """A customer reads the configuration back before ordering it: every choice in words, the
    quantity, the price and its breakdown, the total and the ship date for that many; then places
    the order or goes back to change it. A spec that is not complete and valid goes back to the
    configurator with its errors."""
    if not is_customer(request.user):
        raise PermissionDenied(gettext("Only customers place orders."))
    language = catalog.catalog_language()
    try:
        described = catalog.product_describe(slug=slug, language=language)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    spec = _spec_from_form(request.GET, described["options"])
    quantity = _quantity(request.GET.get("quantity"))
    configure_url = reverse("shop:configure", args=[slug])
    try:
        result = catalog.product_configure(slug=slug, spec=spec, strict=True, quantity=quantity, language=language)
    except ConfiguratorBudgetExceeded as exc:
        context = {"product_name": described["name"], "message": exc.message}
        return render(request, "shop/unavailable.html", context, status=503)
    if not result["valid"]:
        messages.error(request, gettext("The configuration is not complete or not valid yet; see the marked options."))
        query = _spec_query(spec)
        return redirect(f"{configure_url}?{query + '&' if query else ''}quantity={quantity}&check=1")
    by_key = {option["key"]: option for option in described["options"]}
    defaults = {o["key"]: o["default"] for o in described["options"] if o.get("default") is not None}
    chosen = {**defaults, **spec}
    rows = [
        {"key": key, "label": by_key[key]["label"], "value": _value_label(by_key[key], chosen[key])}
        for key in result["applicable"]
        if key in chosen and key in by_key and chosen[key] != ""
    ]
    implied = {
        key: spec[key]
        for key, _sep, value in (token.partition("=") for token in request.GET.getlist("implied"))
        if key in spec and _form_value(spec[key]) == value
    }
    context = {
        "product": described,
        "rows": rows,
        "implied": [f"{key}={_form_value(value)}" for key, value in implied.items()],
        "spec": spec,
        "result": result,
        "quantity": quantity,
        "max_quantity": MAX_QUANTITY,
        "total": (Decimal(result["price"]) * quantity).quantize(Decimal("0.01")),
        "change_url": f"{configure_url}?{_review_query(spec, implied, quantity)}",
        "idempotency_key": uuid.uuid4(),
        "ship_date": date.fromisoformat(result["estimated_ship_date"]) if result.get("estimated_ship_date") else None,
    }
    return render(request, "shop/review.html", context)


@login_required
@require_POST
def place_order(request: HttpRequest, slug: str) -> HttpResponse:
    """A logged-in customer orders the configuration on the page."""
    if not is_customer(request.user):
        raise PermissionDenied(_("Only customers place orders."))
    try:
        described = catalog.product_describe(slug=slug, language=catalog.catalog_language())
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    spec = _spec_from_form(request.POST, described["options"])
    quantity = _quantity(request.POST.get("quantity"))
    try:
        order, _replayed = services.order_place(
            customer=request.user,
            lines=[{"product": slug, "spec": spec, "quantity": quantity}],
            note=request.POST.get("note", "")[:2000],
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except SpecInvalid:
        messages.error(request, _("The configuration is not complete or not valid yet; see the marked options."))
        query = request.POST.copy()
        query["check"] = "1"
        for name in ("csrfmiddlewaretoken", "idempotency_key", "quantity", "note"):
            query.pop(name, None)
        return redirect(f"{request.path.rsplit('order/', 1)[0]}?{query.urlencode()}")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shop:configure", slug=slug)
    messages.success(request, _("Thank you: order %(number)s is placed.") % {"number": order.number})
    return redirect("shop:order", number=order.number)


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    """A customer's own orders (planners and staff see all), newest first, a page at a time."""
    return render(request, "shop/orders.html", {"page_obj": page_of(request, selectors.order_list_for(request.user))})


@login_required
@require_GET
def order_page(request: HttpRequest, number: str) -> HttpResponse:
    """The owner, planners and staff follow an order through the factory; others get 404."""
    try:
        order = selectors.order_get_for(request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    language = catalog.catalog_language()
    names = production_selectors.operation_names(
        production_order_ids=[
            line.production_order.pk for line in order.lines.all() if hasattr(line, "production_order")
        ],
        language=language,
    )
    progress = selectors.order_progress(order, names)
    poll_seconds = settings.ORDER_TRACKER_POLL_SECONDS
    if request.headers.get("HX-Request") and request.GET.get("part") == "tracker":
        context = {"order": order, "progress": progress, "poll_seconds": poll_seconds}
        return render(request, "shop/_tracker.html", context)
    lines = [
        (
            line,
            catalog.spec_display(line.product_version, line.spec, language),
            catalog.product_text(line.product_version.product, "name", language),
        )
        for line in order.lines.all()
    ]
    context = {
        "poll_seconds": poll_seconds,
        "order": order,
        "op_names": names,
        "progress": progress,
        "lines": lines,
        "can_cancel": order.status in services.CANCELLABLE
        and (order.customer_id == request.user.pk or request.user.is_staff),
        "can_ship": order.status == Order.Status.COMPLETED and sees_all_orders(request.user),
    }
    return render(request, "shop/order.html", context)


def _order_action(
    request: HttpRequest, number: str, act: Any, done: Any, *, owner_or_staff: bool = False
) -> HttpResponse:
    """Run one order transition from a page: 404 for an order the user may not see, 403 for one
    they see but may not act on (as the API answers), the service's refusal as a message, and back
    to the order page. `done` is the success message, a lazy translation with the order's
    %(number)s."""
    try:
        order = selectors.order_get_for(request.user, number=number)
        if owner_or_staff and order.customer_id != request.user.pk and not request.user.is_staff:
            raise PermissionDenied(_("Only the customer who placed it and staff may cancel an order."))
        act(order=order, user=request.user)
        messages.success(request, str(done) % {"number": number})
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("shop:order", number=number)


ORDER_CANCELLED = gettext_lazy("Order %(number)s is cancelled.")
ORDER_RELEASED = gettext_lazy("Order %(number)s is released again.")
ORDER_SHIPPED = gettext_lazy("Order %(number)s is shipped.")


@login_required
@require_POST
def cancel_order(request: HttpRequest, number: str) -> HttpResponse:
    """The owner (or staff) cancels an order before production starts."""
    return _order_action(request, number, services.order_cancel, ORDER_CANCELLED, owner_or_staff=True)


@login_required
@page_requires(sees_all_orders, gettext_lazy("Only planners and staff can release an order on hold."))
@require_POST
def release_held_order(request: HttpRequest, number: str) -> HttpResponse:
    """Planners and staff release an order on hold again, once its reason is resolved."""
    return _order_action(request, number, services.order_hold_release, ORDER_RELEASED)


@login_required
@page_requires(sees_all_orders, gettext_lazy("Only planners and staff mark orders shipped."))
@require_POST
def ship_order(request: HttpRequest, number: str) -> HttpResponse:
    """Planners and staff mark a completed order shipped."""
    return _order_action(request, number, services.order_ship, ORDER_SHIPPED)


@login_required
@require_POST
def save_profile(request: HttpRequest, slug: str) -> HttpResponse:
    """A customer keeps the measurements on the page as a named profile, to start the next order
    from them."""
    if not is_customer(request.user):
        raise PermissionDenied(_("Only customers keep measurement profiles."))
    try:
        described = catalog.product_describe(slug=slug)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    spec = _spec_from_form(request.POST, described["options"])
    try:
        profile = profile_create(
            owner=request.user, name=request.POST.get("profile_name", ""), values=_measurements(described, spec)
        )
        messages.success(request, _("Your measurements are saved as '%(name)s'.") % {"name": profile.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    query = _spec_query(spec)
    return redirect(f"{reverse('shop:configure', args=[slug])}{'?' + query if query else ''}")
