"""Twenty customers order cashmere suits at once with cloth for five: exactly five are planned.

Real threads, each with its own PostgreSQL connection, placing and releasing at the same time.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection

from inventory.models import Item, LedgerEntry
from orders.services import order_place, order_release
from production.models import ProductionOrder
from tests.factories import UserFactory, suit_spec

pytestmark = pytest.mark.usefixtures("demo_tx")

ORDERS = 20
STOCK_FOR = 5


def test_twenty_concurrent_orders_for_cloth_enough_for_five(django_db_blocker):
    from bom.selectors import product_configure

    # given cashmere cloth for exactly five of these suits
    spec = suit_spec(fabric="cashmere-grey")
    bom = product_configure(slug="mtm-suit", spec=spec)["bom"]
    per_suit = sum(Decimal(line["quantity"]) for line in bom if line["item"] == "FAB-CASHMERE-GREY")
    cashmere = Item.objects.get(sku="FAB-CASHMERE-GREY")
    target = per_suit * STOCK_FOR
    LedgerEntry.objects.create(
        item=cashmere, reason="adjustment", on_hand_delta=target - cashmere.on_hand, source="test"
    )
    Item.objects.filter(pk=cashmere.pk).update(on_hand=target)
    customers = [UserFactory() for _ in range(ORDERS)]
    barrier = threading.Barrier(ORDERS)
    failures: list[BaseException] = []

    def customer_orders(user):
        try:
            barrier.wait()
            order, _ = order_place(
                customer=user, lines=[{"product": "mtm-suit", "spec": spec, "quantity": 1}], idempotency_key=None
            )
            order_release(order_id=order.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    # when twenty customers order at the same moment
    threads = [threading.Thread(target=customer_orders, args=(u,)) for u in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then nobody saw an error, five are planned, fifteen wait, and no metre is promised twice
    assert failures == []
    statuses = list(ProductionOrder.objects.values_list("status", flat=True))
    assert len(statuses) == ORDERS
    assert statuses.count("planned") == STOCK_FOR
    assert statuses.count("awaiting_material") == ORDERS - STOCK_FOR
    cashmere.refresh_from_db()
    assert cashmere.reserved == target <= cashmere.on_hand
    assert all(item.reserved <= item.on_hand for item in Item.objects.all())


def test_multi_line_orders_released_at_once_do_not_deadlock(monkeypatch):
    # given two orders whose lines use the same items in opposite orders
    from orders.tasks import release_order_task
    from production import services as production_services
    from tests.factories import cabinet_spec

    customer = UserFactory()
    suit = {"product": "mtm-suit", "spec": suit_spec(), "quantity": 1}
    cabinet = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}
    # (placed without their release task, which the two workers below run instead)
    with monkeypatch.context() as quiet:
        quiet.setattr(release_order_task, "delay_on_commit", lambda *args, **kwargs: None)
        first, _ = order_place(customer=customer, lines=[cabinet, suit], idempotency_key=None)
        second, _ = order_place(customer=customer, lines=[suit, cabinet], idempotency_key=None)
    # and two workers that meet after each has reserved its first line (the worst interleaving)
    meet = threading.Barrier(2)
    real_reserve = production_services._reserve
    reserved_once = threading.local()

    def reserve_then_meet(po, requirements, items):
        done = real_reserve(po, requirements, items)
        if not getattr(reserved_once, "value", False):
            reserved_once.value = True
            # with the items locked up front, the other worker waits in the database instead
            with contextlib.suppress(threading.BrokenBarrierError):
                meet.wait(timeout=3)
        return done

    monkeypatch.setattr(production_services, "_reserve", reserve_then_meet)
    failures: list[BaseException] = []

    def release(order_id):
        try:
            order_release(order_id=order_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    # when both are released at the same moment
    threads = [threading.Thread(target=release, args=(order.pk,)) for order in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then no deadlock reached anyone, and every line has its production order
    assert failures == []
    assert ProductionOrder.objects.count() == 4
