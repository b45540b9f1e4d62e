"""Reads of orders, scoped to who asks: a customer sees only their own."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import sees_all_orders
from config.errors import NotFound
from orders.models import Order, OrderEvent, OrderLine
from production.models import Operation


def order_list_for(user: Any) -> QuerySet[Order]:
    orders = Order.objects.all() if sees_all_orders(user) else Order.objects.filter(customer=user)
    return orders.select_related("customer").order_by("-created_at", "-id")


def order_detail_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("customer").prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related("product_version__product", "production_order")
            .prefetch_related(
                Prefetch(
                    "production_order__operations",
                    queryset=Operation.objects.select_related("work_center").order_by("sequence"),
                )
            )
            .order_by("position"),
        ),
        Prefetch("events", queryset=OrderEvent.objects.order_by("at", "id")),
    )


def order_get_for(user: Any, *, number: str) -> Order:
    """The order, if this user may see it; NotFound otherwise (never 403: existence is not revealed)."""
    orders = order_detail_queryset()
    if not sees_all_orders(user):
        orders = orders.filter(customer=user)
    order = orders.filter(number=number).first()
    if order is None:
        raise NotFound(_("There is no such order."))
    return order


def order_progress(order: Order, names: Mapping[tuple[int, str], str] | None = None) -> dict[str, Any]:
    """Where an order is, as the customer follows it: stages (received, planned, material, each
    production step in routing order, ready, shipped), each done, current or to come, and the share
    of production steps done. Uses the prefetched lines of order_detail_queryset (no queries). Steps
    are named as `names` says (production.selectors.operation_names), by their stored names otherwise."""
    status = order.status
    pos = [line.production_order for line in order.lines.all() if hasattr(line, "production_order")]
    operations = [op for po in pos for op in po.operations.all()]
    after_release = status not in (Order.Status.SUBMITTED, Order.Status.ON_HOLD, Order.Status.CANCELLED)
    finished = status in (Order.Status.COMPLETED, Order.Status.SHIPPED)
    waiting = any(po.status == "awaiting_material" for po in pos)
    steps: dict[str, list[str]] = {}
    for op in sorted(operations, key=lambda o: o.sequence):
        steps.setdefault((names or {}).get((op.production_order_id, op.key), op.name), []).append(op.status)
    stages = [
        {"label": pgettext("order stage", "Received"), "state": "done"},
        {"label": pgettext("order stage", "Planned"), "state": "done" if after_release else "current"},
        {
            "label": pgettext("order stage", "Material"),
            "state": ("current" if waiting else "done") if after_release and pos else "todo",
        },
    ]
    for name, statuses in steps.items():
        if all(s == "done" for s in statuses):
            state = "done"
        elif any(s != "pending" for s in statuses):
            state = "current"
        else:
            state = "todo"
        stages.append({"label": name, "state": state})
    stages.append({"label": pgettext("order stage", "Ready to ship"), "state": "done" if finished else "todo"})
    stages.append(
        {"label": pgettext("order stage", "Shipped"), "state": "done" if status == Order.Status.SHIPPED else "todo"}
    )
    if status not in (Order.Status.CANCELLED,):
        # the first stage not done is where the order is now
        for stage in stages:
            if stage["state"] != "done":
                stage["state"] = "current" if stage["state"] == "todo" else stage["state"]
                break
    done = sum(1 for op in operations if op.status == "done")
    return {
        "stages": stages,
        "steps_done": done,
        "steps_total": len(operations),
        "percent": round(100 * done / len(operations)) if operations else 0,
        "open": status not in (Order.Status.SHIPPED, Order.Status.CANCELLED),
    }
