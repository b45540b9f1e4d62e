"""Shared fixtures: the demo factory in the test database, API clients per role, and the check
that stock levels equal the ledger, and reservations their owners, after every test that touched them."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import OPERATOR, PLANNER
from tests.factories import UserFactory


def _seed() -> None:
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def _assert_stock_consistent() -> None:
    """What `manage.py inventory_check` proves: levels equal the ledger, reservations their owners."""
    from inventory.selectors import ledger_mismatches, reservation_mismatches

    assert ledger_mismatches() == []
    assert reservation_mismatches() == []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Seed the demo factory once; rollback tests then see it for free."""
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db: Any) -> Iterator[None]:
    """The demo catalog, items, stock and work centers (re-seeded after a transactional test)."""
    from bom.models import Product

    if not Product.objects.exists():
        _seed()
    yield
    _assert_stock_consistent()


@pytest.fixture
def demo_tx(transactional_db: Any) -> Iterator[None]:
    """The demo data for tests that commit (threads, Celery worker)."""
    _seed()
    yield
    _assert_stock_consistent()


def _client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def customer(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def other_customer(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def planner(db: Any) -> Any:
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    return user


@pytest.fixture
def operator(db: Any) -> Any:
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=OPERATOR)[0])
    return user


@pytest.fixture
def staff(db: Any) -> Any:
    return UserFactory(is_staff=True)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def customer_api(customer: Any) -> APIClient:
    return _client_for(customer)


@pytest.fixture
def other_api(other_customer: Any) -> APIClient:
    return _client_for(other_customer)


@pytest.fixture
def planner_api(planner: Any) -> APIClient:
    return _client_for(planner)


@pytest.fixture
def operator_api(operator: Any) -> APIClient:
    return _client_for(operator)


@pytest.fixture
def staff_api(staff: Any) -> APIClient:
    return _client_for(staff)
