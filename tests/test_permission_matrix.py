"""Who may call what: every route Django's URL resolver knows (API and pages, every method) against
one table of decisions per role. A route or a method missing from the table fails the test, so a new
route cannot ship without its decision; another customer's objects answer 404; an unsafe page form
without its CSRF token is refused."""

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import MeasurementProfile
from accounts.services import api_token_create
from inventory.models import Item
from inventory.services import purchase_order_create
from orders.models import Order
from orders.services import order_place, order_release
from production.models import Operation, ProductionOrder
from production.services import production_replan
from tests.factories import suit_spec

pytestmark = pytest.mark.usefixtures("demo")

ROLES = ("anonymous", "other", "operator", "planner", "staff", "owner")  # the owner last: it may cancel
OK, DENIED, HIDDEN = "ok", "denied", "hidden"

# Who passes: a set of roles; everyone else is DENIED, except that roles in `hidden` get 404.
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
CUSTOMERS = frozenset({"owner", "other"})
SHOP_FLOOR = frozenset({"operator", "planner", "staff"})
OPERATES = frozenset({"operator", "planner"})
PLANS = frozenset({"planner", "staff"})


def rule(allowed: frozenset[str], hidden: frozenset[str] = frozenset()) -> dict[str, str]:
    return {role: OK if role in allowed else HIDDEN if role in hidden else DENIED for role in ROLES}


# An order is the customer's own: another customer (and an operator, who follows production orders,
# not customer orders) finds no such order; planners and staff see every order.
OWN_ORDER = rule(frozenset({"owner", "planner", "staff"}), hidden=frozenset({"other", "operator"}))
# Cancelling is the customer's own act (and staff's): a planner sees the order but may not cancel it.
CANCEL = rule(frozenset({"owner", "staff"}), hidden=frozenset({"other", "operator"}))
OWN_PROFILE = rule(frozenset({"owner"}), hidden=frozenset({"other"}))

# route -> method -> role -> decision. Keys are `namespace:name` (or the pattern for unnamed routes).
MATRIX: dict[str, dict[str, dict[str, str]]] = {
    # the API
    "auth-register": {"POST": rule(EVERYONE)},
    "auth-token": {"POST": rule(EVERYONE)},
    "auth-logout": {"POST": rule(SIGNED_IN)},
    "auth-logout-all": {"POST": rule(SIGNED_IN)},
    "profile-list": {"GET": rule(CUSTOMERS), "POST": rule(CUSTOMERS)},
    "profile-detail": {"GET": OWN_PROFILE, "PATCH": OWN_PROFILE, "DELETE": OWN_PROFILE},
    "product-list": {"GET": rule(EVERYONE)},
    "product-detail": {"GET": rule(EVERYONE)},
    "product-configure": {"POST": rule(EVERYONE)},
    "order-list": {"GET": rule(SIGNED_IN), "POST": rule(CUSTOMERS)},
    "order-detail": {"GET": OWN_ORDER},
    "order-cancel": {"POST": CANCEL},
    "order-ship": {"POST": rule(PLANS)},
    "order-hold-release": {"POST": rule(PLANS)},
    "production-queue": {"GET": rule(SHOP_FLOOR)},
    "work-center-list": {"GET": rule(SHOP_FLOOR)},
    "work-center-operations": {"GET": rule(SHOP_FLOOR)},
    "operation-start": {"POST": rule(OPERATES)},
    "operation-finish": {"POST": rule(OPERATES)},
    "production-replan": {"POST": rule(PLANS)},
    "traveler-pdf": {"GET": rule(SHOP_FLOOR)},
    "shortage-list": {"GET": rule(PLANS)},
    "item-list": {"GET": rule(PLANS)},
    "receipt-create": {"POST": rule(PLANS)},
    "purchase-order-list": {"GET": rule(PLANS), "POST": rule(PLANS)},
    "purchase-order-receive": {"POST": rule(PLANS)},
    "schema": {"GET": rule(EVERYONE)},
    "api-docs": {"GET": rule(EVERYONE)},
    # the probes
    "healthz": {"GET": rule(EVERYONE)},
    "readyz": {"GET": rule(EVERYONE)},
    # the pages
    "login": {"GET": rule(EVERYONE), "POST": rule(EVERYONE)},
    "logout": {"POST": rule(EVERYONE)},
    "set_language": {"POST": rule(EVERYONE)},
    "signup": {"GET": rule(EVERYONE), "POST": rule(EVERYONE)},
    "shop:home": {"GET": rule(EVERYONE)},
    "shop:configure": {"GET": rule(EVERYONE)},
    "shop:review": {"GET": rule(CUSTOMERS)},
    "shop:place-order": {"POST": rule(CUSTOMERS)},
    "shop:save-profile": {"POST": rule(CUSTOMERS)},
    "shop:orders": {"GET": rule(SIGNED_IN)},
    "shop:order": {"GET": OWN_ORDER},
    "shop:cancel-order": {"POST": CANCEL},
    "shop:release-held-order": {"POST": rule(PLANS)},
    "shop:ship-order": {"POST": rule(PLANS)},
    "planner:queue": {"GET": rule(SHOP_FLOOR)},
    "planner:priority": {"POST": rule(PLANS)},
    "planner:shortages": {"GET": rule(PLANS)},
    "planner:purchase-order-create": {"POST": rule(PLANS)},
    "planner:purchase-order-receive": {"POST": rule(PLANS)},
    "floor:home": {"GET": rule(SHOP_FLOOR)},
    "floor:station": {"GET": rule(SHOP_FLOOR)},
    "floor:production-order": {"GET": rule(SHOP_FLOOR)},
    "floor:operation": {"GET": rule(SHOP_FLOOR)},
    "floor:start": {"POST": rule(OPERATES)},
    "floor:finish": {"POST": rule(OPERATES)},
    # the admin, as a whole: staff only
    "admin": {"GET": rule(frozenset({"staff"}))},
}
# Method names every route is tried with; those a route does not list must answer 405.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Unnamed routes that are not decisions of their own: the API's JSON 404 for any other /api/ path.
NOT_ROUTES = {r"api/v1/^[\s\S]*\Z"}


def routes() -> Iterator[tuple[str, str, URLPattern | None]]:
    """(key, path pattern, pattern) for every route; the admin site as one key."""

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[tuple[str, str, Any]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns == "admin":
                    yield "admin", prefix + str(entry.pattern), None
                    continue
                yield from walk(entry, prefix + str(entry.pattern), ns)
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield name or prefix + str(entry.pattern), prefix + str(entry.pattern), entry

    yield from walk(get_resolver(), "", None)


def test_every_route_has_a_decision_for_every_role():
    # given every route the resolver knows
    found = {key for key, _, _ in routes()} - NOT_ROUTES
    # then each is in the table, and the table names no route that is gone
    assert found - set(MATRIX) == set(), "routes without a decision in MATRIX"
    assert set(MATRIX) - found == set(), "decisions for routes that no longer exist"


def test_every_method_an_api_view_answers_is_decided():
    # an API view's handlers are its methods: each must be in the table (HEAD/OPTIONS follow GET)
    for key, _, pattern in routes():
        view_class = getattr(getattr(pattern, "callback", None), "view_class", None)
        if key in NOT_ROUTES or view_class is None or not issubclass(view_class, APIView):
            continue
        handled = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} - {"HEAD", "OPTIONS"}
        assert handled == set(MATRIX[key]), f"{key}: handles {sorted(handled)}, decided {sorted(MATRIX[key])}"


@pytest.fixture
def world(customer: Any, other_customer: Any, operator: Any, planner: Any, staff: Any) -> dict[str, Any]:
    """The objects every route's parameters name: the owner's order in production, a work center and
    an operation of it, the owner's profile, a purchase order."""
    order = order_place(
        customer=customer, lines=[{"product": "mtm-suit", "quantity": 1, "spec": suit_spec()}], idempotency_key=None
    )[0]
    order_release(order_id=order.pk)
    production_replan()
    po = ProductionOrder.objects.get(order_line__order=order)
    operation = Operation.objects.filter(production_order=po).order_by("sequence", "id").first()
    assert operation is not None
    profile = MeasurementProfile.objects.create(owner=customer, name="Me", values={"chest_cm": "100"})
    item = Item.objects.order_by("id").first()
    assert item is not None
    purchase = purchase_order_create(
        sku=item.sku, supplier="Biella Mills", quantity=Decimal(1), expected_date=date(2027, 1, 4), user=planner
    )
    users = {"owner": customer, "other": other_customer, "operator": operator, "planner": planner, "staff": staff}
    kwargs = {
        "number": order.number,
        "slug": "mtm-suit",
        "code": operation.work_center.code,
        "operation_id": operation.pk,
        "profile_id": profile.pk,
    }
    numbers = {
        "traveler-pdf": po.number,
        "floor:production-order": po.number,
        "purchase-order-receive": purchase.number,
        "planner:purchase-order-receive": purchase.number,
        "planner:priority": po.number,
    }
    return {"users": users, "kwargs": kwargs, "numbers": numbers, "order": order}


def _path(key: str, route: str, world: dict[str, Any]) -> str:
    """The route with its parameters filled in from the world (a number names the route's own kind)."""
    if key == "admin":
        return "/admin/"

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(world["numbers"].get(key, world["kwargs"]["number"]) if name == "number" else world["kwargs"][name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def _decision(is_api: bool, role: str, status: int, location: str) -> str:
    if status == 404:
        return HIDDEN
    if status in (401, 403):
        return DENIED
    if not is_api and role == "anonymous" and status == 302 and "/login/" in location:
        return DENIED
    return OK


def _client(role: str, world: dict[str, Any], is_api: bool) -> Any:
    user = world["users"].get(role)
    client: Any = APIClient() if is_api else Client(raise_request_exception=False)
    if user is not None:
        if is_api:  # as an API client really calls: with a token of its own
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        else:
            client.force_login(user)
    return client


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_each_role_gets_the_decided_answer_for_each_method(key, world):
    # given the route, filled with objects of the owner's
    route = next(r for k, r, _ in routes() if k == key)
    path = _path(key, route, world)
    is_api = path.startswith("/api/")
    clients = {role: _client(role, world, is_api) for role in ROLES}
    # the methods nobody was given first: a decided one may change what follows (a log-out)
    for method in sorted(METHODS, key=lambda m: m in MATRIX[key]):
        decided = MATRIX[key].get(method)
        for role in ROLES:
            cache.clear()  # each call on its own: the rate limits are tested elsewhere
            client = clients[role]
            # when the role calls it (an empty JSON body for the API; an empty form for a page)
            call = getattr(client, method.lower())
            response = call(path, data={}, format="json") if is_api else call(path, data={})
            status = response.status_code
            # then it answers as decided: a method not decided is not allowed at all
            assert status < 500, f"{method} {path} as {role}: {status}"
            if decided is None:
                # a method nobody was given: 405 to whoever may call the route at all; the others
                # may be turned away before the method is looked at
                if key == "admin":
                    continue
                may_call = any(d[role] == OK for d in MATRIX[key].values())
                expected = {405} if may_call else {405, 302, 401, 403, 404}
                assert status in expected, f"{method} {path} as {role}: {status}, expected {sorted(expected)}"
                continue
            got = _decision(is_api, role, status, response.get("Location", ""))
            if key == "admin":
                got = OK if status == 200 else DENIED
            assert got == decided[role], f"{method} {path} as {role}: {status} ({got}), decided {decided[role]}"


def test_a_page_form_without_its_csrf_token_is_refused_and_changes_nothing(world):
    # given the owner's order, and a browser that enforces CSRF as a real one meets it
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world["users"]["owner"])
    order: Order = world["order"]
    before = Order.objects.get(pk=order.pk).status
    # when a form posts to cancel it without the token
    response = client.post(f"/orders/{order.number}/cancel/", data={})
    # then it is refused, and the order is as it was
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == before
    # and so is every other unsafe page form
    for key, route, _ in routes():
        path = _path(key, route, world)
        if path.startswith(("/api/", "/admin/")) or "POST" not in MATRIX.get(key, {}):
            continue
        assert client.post(path, data={}).status_code == 403, f"POST {path} without a CSRF token"
    assert Order.objects.count() == 1 and Order.objects.get(pk=order.pk).status == before
