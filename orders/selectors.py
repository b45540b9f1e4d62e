"""Reads of orders, scoped to who asks: a customer sees only their own."""

from typing import Any

from django.db.models import Prefetch, QuerySet

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
        raise NotFound("There is no such order.")
    return order
