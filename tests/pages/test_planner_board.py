"""The planner's board: a Gantt of the plan per work center, with late orders marked, and the
load per day."""

import re

import pytest

from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.selectors import gantt
from production.services import production_replan
from tests.factories import cabinet_spec

pytestmark = pytest.mark.usefixtures("demo")
CABINET = {"product": "custom-cabinet", "spec": cabinet_spec(), "quantity": 1}


def _released(customer):
    order, _ = order_place(customer=customer, lines=[CABINET], idempotency_key=None)
    order_release(order_id=order.pk)
    return ProductionOrder.objects.get(order_line__order=order)


def test_every_planned_operation_in_the_window_is_a_bar_on_its_work_center(customer):
    po = _released(customer)
    production_replan()
    plan = gantt()
    bars = {bar["op"].pk: (row["center"].code, bar) for row in plan["rows"] for bar in row["bars"]}
    ops = list(Operation.objects.filter(production_order=po))
    in_window = [op for op in ops if op.planned_start and op.planned_start.date() <= plan["days"][-1]]
    assert in_window and all(op.pk in bars for op in in_window)
    for op in in_window:
        code, bar = bars[op.pk]
        assert code == op.work_center.code and 0 <= bar["x"] <= 100 and bar["x"] + bar["w"] <= 100.001
    # and the day's load counts those minutes
    cut = next(op for op in in_window if op.key == "cut_panels")
    saw = next(row for row in plan["rows"] if row["center"].code == cut.work_center.code)
    assert sum(cell["minutes"] for cell in saw["load"]) >= round(float(cut.duration_minutes)) - 1


def test_a_late_order_is_marked_on_the_board(client, customer, planner):
    po = _released(customer)
    production_replan()
    ProductionOrder.objects.filter(pk=po.pk).update(promised_date="2000-01-01")  # promised long ago
    client.force_login(planner)
    page = client.get("/planner/").content.decode()
    assert re.search(r'class="op \w+ late"><title>' + po.number, page)
    assert "Load per day" in page and "<svg" in page


def test_operators_see_the_board_too(client, customer, operator):
    _released(customer)
    production_replan()
    client.force_login(operator)
    page = client.get("/planner/").content.decode()
    assert page.count('class="op ') >= 1
