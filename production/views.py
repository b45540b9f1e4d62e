"""The planner's pages."""

import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_operator, is_planner, is_staff, page_requires
from bom import selectors as catalog
from config.errors import DomainError, NotFound
from config.pagination import PAGE_ROWS, page_of
from inventory import services as inventory_services
from inventory.models import MAX_QUANTITY, PurchaseOrder, Receipt
from production import selectors, services
from production.models import MaterialRequirement, ProductionOrder

SUPPLIER_MAX_LENGTH = PurchaseOrder._meta.get_field("supplier").max_length or 200
REFERENCE_MAX_LENGTH = Receipt._meta.get_field("reference").max_length or 100


def _shop_floor(user: object) -> bool:
    return is_operator(user) or is_staff(user)


@login_required
@page_requires(_shop_floor, gettext_lazy("Only operators, planners and staff may see the queue."))
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    """Operators, planners and staff: the open production orders in planned sequence (a page at a
    time), and the load."""
    tz = selectors.factory_tz()
    language = catalog.catalog_language()
    page = page_of(request, selectors.queue_list())
    queue = [
        {
            "po": po,
            "product_name": catalog.product_text(po.order_line.product_version.product, "name", language),
            "next": selectors.next_operation(po),
            "late": bool(po.planned_finish and po.promised_date
                         and selectors.ship_date_after(po.planned_finish) > po.promised_date),
            "finish": po.planned_finish.astimezone(tz) if po.planned_finish else None,
        }
        for po in page.object_list
    ]  # fmt: skip
    plan = selectors.gantt()
    shown = {po.pk for po in page.object_list} | {
        bar["op"].production_order_id for row in plan["rows"] for bar in row["bars"]
    }
    return render(
        request,
        "planner/queue.html",
        {
            "queue": queue,
            "page_obj": page,
            "work_centers": selectors.work_center_list(),
            "gantt": _gantt_svg(plan),
            "op_names": selectors.operation_names(production_order_ids=shown, language=language),
        },
    )


GANTT_LABEL_W, GANTT_CHART_W, GANTT_ROW_H, GANTT_TOP = 150, 850, 26, 28


def _gantt_svg(plan: dict) -> dict:
    """Coordinates for the board's SVG (viewBox 1000 wide): one row per work center, bars at
    their share of the window, a line a day, a line for now."""
    days = plan["days"]
    rows = []
    for i, row in enumerate(plan["rows"]):
        y = GANTT_TOP + i * GANTT_ROW_H
        bars = [
            {**bar, "sx": round(GANTT_LABEL_W + bar["x"] * GANTT_CHART_W / 100, 2),
             "sw": round(bar["w"] * GANTT_CHART_W / 100, 2), "y": y + 4}
            for bar in row["bars"]
        ]  # fmt: skip
        rows.append({**row, "y": y, "label_y": y + 17, "bars": bars})
    day_w = GANTT_CHART_W / len(days)
    return {
        **plan,
        "rows": rows,
        "height": GANTT_TOP + len(rows) * GANTT_ROW_H + 4,
        "day_lines": [
            {"x": round(GANTT_LABEL_W + d * day_w, 2), "label_x": round(GANTT_LABEL_W + d * day_w + 4, 2), "day": day}
            for d, day in enumerate(days)
        ],
        "now_sx": round(GANTT_LABEL_W + plan["now_x"] * GANTT_CHART_W / 100, 2),
    }


def _plans(user: object) -> bool:
    return is_planner(user) or is_staff(user)


@login_required
@page_requires(_plans, gettext_lazy("Only planners and staff may change priorities."))
@require_POST
def priority_action(request: HttpRequest, number: str) -> HttpResponse:
    """Planners and staff give a production order a new priority; the queue is re-planned."""
    raw = request.POST.get("priority", "").strip()
    try:
        priority = int(raw)
    except ValueError:
        messages.error(request, _("Priority must be a whole number, not '%(raw)s'.") % {"raw": raw[:20]})
    else:
        try:
            services.production_order_set_priority(number=number, priority=priority, user=request.user)
            messages.success(
                request,
                _("%(number)s now has priority %(priority)s; the queue is being re-planned.")
                % {"number": number, "priority": priority},
            )
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
    page = request.POST.get("page", "")
    return redirect(reverse("planner:queue") + (f"?page={page}" if page.isdigit() else ""))


# Shortages and purchase orders: what is short, for which orders, by when; order it; receive it.

PURCHASE_DECIMALS = 4  # PurchaseOrder.quantity's decimal places


def _purchase_quantity(raw: str) -> Decimal | None:
    """A quantity in purchase units typed into a form: a finite number above zero with at most
    four decimals and below MAX_QUANTITY, or None."""
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number <= 0 or number >= MAX_QUANTITY:
        return None
    if number != number.quantize(Decimal(1).scaleb(-PURCHASE_DECIMALS)):
        return None
    return number


def _quantity_refusal(raw: str) -> str:
    """What a page says of a purchase quantity it cannot take."""
    return _("The quantity must be a number above zero with at most %(decimals)s decimals, not '%(raw)s'.") % {
        "decimals": PURCHASE_DECIMALS,
        "raw": raw[:20],
    }


def _plain(quantity: Decimal) -> str:
    """A quantity without trailing zeros or exponent: 3, 2.5."""
    return format(quantity.normalize(), "f")


def _waiting_by_item(**items: Any) -> dict[int, list[str]]:
    """The production orders waiting for each item the filter names (highest priority, earliest
    promise first)."""
    waiting: dict[int, list[str]] = defaultdict(list)
    rows = (
        MaterialRequirement.objects.filter(
            **items,
            production_order__status=ProductionOrder.Status.AWAITING_MATERIAL,
            reserved__lt=F("quantity"),
        )
        .order_by("-production_order__priority", "production_order__promised_date", "production_order_id")
        .values_list("item_id", "production_order__number")
    )
    for item_id, number in rows:
        if number not in waiting[item_id]:
            waiting[item_id].append(number)
    return waiting


def _shortages_url(request: HttpRequest) -> str:
    """Back to the shortages page, on the pages of its two lists the form was sent from."""
    pages = {key: request.POST.get(key, "") for key in ("page", "po_page")}
    query = urlencode({key: value for key, value in pages.items() if value.isdigit()})
    return reverse("planner:shortages") + (f"?{query}" if query else "")


@login_required
@page_requires(_plans, gettext_lazy("Only planners and staff may see shortages and purchase orders."))
@require_GET
def shortages_page(request: HttpRequest) -> HttpResponse:
    """Planners and staff: what waiting production orders lack, net of stock and open purchase
    orders, with a form to order it; and the open purchase orders, with a form to receive them."""
    today = timezone.localdate()
    page = page_of(request, selectors.shortage_list())
    shortages = []
    for row in page.object_list:
        needed_by = row["needed_by"]
        shortages.append({
            **row,
            "expected_date": needed_by if needed_by and needed_by > today else today + timedelta(days=7),
        })  # fmt: skip
    purchases = Paginator(
        PurchaseOrder.objects.filter(status__in=PurchaseOrder.OPEN_STATUSES)
        .select_related("item")
        .order_by("expected_date", "id"),
        PAGE_ROWS,
    ).get_page(request.GET.get("po_page"))
    waiting = _waiting_by_item(item_id__in={purchase.item_id for purchase in purchases.object_list})
    open_purchases = [
        {
            "po": purchase,
            "uom": purchase.item.purchase_uom or purchase.item.uom,
            "ordered": _plain(purchase.quantity),
            "received": _plain(purchase.received_quantity),
            "open": _plain(purchase.open_quantity),
            "waiting": waiting[purchase.item_id],
            "key": uuid.uuid4(),  # the receive form's Idempotency-Key: a double submit counts once
        }
        for purchase in purchases.object_list
    ]
    return render(
        request,
        "planner/shortages.html",
        {"shortages": shortages, "page_obj": page, "purchases": open_purchases, "po_page_obj": purchases},
    )


@login_required
@page_requires(_plans, gettext_lazy("Only planners and staff may order material."))
@require_POST
def purchase_order_create_action(request: HttpRequest) -> HttpResponse:
    """Planners and staff order a short item from a supplier, in its purchase unit."""
    sku = request.POST.get("sku", "").strip()
    supplier = request.POST.get("supplier", "").strip()
    raw_quantity = request.POST.get("quantity", "")
    quantity = _purchase_quantity(raw_quantity)
    raw_date = request.POST.get("expected_date", "").strip()
    try:
        expected_date = date.fromisoformat(raw_date)
    except ValueError:
        expected_date = None
    if not supplier or len(supplier) > SUPPLIER_MAX_LENGTH:
        messages.error(request, _("Name the supplier (at most %(max)s characters).") % {"max": SUPPLIER_MAX_LENGTH})
    elif quantity is None:
        messages.error(request, _quantity_refusal(raw_quantity))
    elif expected_date is None:
        messages.error(
            request, _("The expected date must be a date such as 2026-12-31, not '%(raw)s'.") % {"raw": raw_date[:20]}
        )
    else:
        try:
            purchase = inventory_services.purchase_order_create(
                sku=sku, supplier=supplier, quantity=quantity, expected_date=expected_date, user=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            uom = purchase.item.purchase_uom or purchase.item.uom
            messages.success(
                request,
                _("%(number)s: %(quantity)s %(uom)s of %(sku)s ordered from %(supplier)s, expected %(date)s.")
                % {
                    "number": purchase.number,
                    "quantity": purchase.quantity,
                    "uom": uom,
                    "sku": purchase.item.sku,
                    "supplier": purchase.supplier,
                    "date": date_format(purchase.expected_date),
                },
            )
    return redirect(_shortages_url(request))


@login_required
@page_requires(_plans, gettext_lazy("Only planners and staff may receive purchase orders."))
@require_POST
def purchase_order_receive_action(request: HttpRequest, number: str) -> HttpResponse:
    """Planners and staff receive (part of) a purchase order; the orders waiting for its item are
    served. The form's Idempotency-Key makes a double submit count once."""
    raw_quantity = request.POST.get("quantity", "")
    quantity = _purchase_quantity(raw_quantity)
    reference = request.POST.get("reference", "").strip()
    if quantity is None:
        messages.error(request, _quantity_refusal(raw_quantity))
    elif len(reference) > REFERENCE_MAX_LENGTH:
        messages.error(request, _("The reference may have at most %(max)s characters.") % {"max": REFERENCE_MAX_LENGTH})
    else:
        waiting_before = _waiting_by_item(item__purchase_orders__number=number)
        before = [po for pos in waiting_before.values() for po in pos]
        try:
            receipt = inventory_services.purchase_order_receive(
                number=number,
                quantity=quantity,
                reference=reference,
                user=request.user,
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            # With tasks in-process the waiting orders are served by now; with a worker, shortly.
            item = receipt.item
            still = _waiting_by_item(item_id=item.pk)[item.pk]
            served = [po for po in before if po not in still]
            waiting = [po for po in before if po in still]
            parts = [
                _("Received %(quantity)s %(uom)s of %(sku)s on %(number)s.")
                % {
                    "quantity": receipt.quantity.quantize(item.quantum),
                    "uom": item.uom,
                    "sku": item.sku,
                    "number": number,
                }
            ]
            if served:
                parts.append(_("Now reserved for %(orders)s.") % {"orders": _(", ").join(served)})
            if waiting:
                parts.append(_("Waiting for it, being re-allocated: %(orders)s.") % {"orders": _(", ").join(waiting)})
            if not before:
                parts.append(_("No production order was waiting for it."))
            messages.success(request, " ".join(parts))
    return redirect(_shortages_url(request))
