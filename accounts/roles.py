"""Who is who: API.md's roles, as predicates and DRF permission classes.

A user in the group `planner`, in the group `operator`, staff (admin), or otherwise a customer.
Planners may do what operators may.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

PLANNER = "planner"
OPERATOR = "operator"

UserLike = AbstractBaseUser | AnonymousUser


def _groups(user: Any) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def is_planner(user: Any) -> bool:
    return PLANNER in _groups(user)


def is_operator(user: Any) -> bool:
    """Operators and planners (planners may do what operators may)."""
    return bool(_groups(user) & {OPERATOR, PLANNER})


def is_customer(user: Any) -> bool:
    """Signed in, and neither staff nor on the shop floor."""
    return bool(user.is_authenticated and not user.is_staff and not _groups(user) & {OPERATOR, PLANNER})


def sees_all_orders(user: Any) -> bool:
    return is_staff(user) or is_planner(user)


class IsCustomer(BasePermission):
    message = gettext_lazy("Only customers place orders.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_customer(request.user)


class IsPlannerOrStaff(BasePermission):
    message = gettext_lazy("Only planners and staff may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_planner(request.user) or is_staff(request.user)


class IsOperatorOrPlanner(BasePermission):
    message = gettext_lazy("Only operators and planners may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_operator(request.user)


class IsShopFloor(BasePermission):
    """Operators, planners and staff."""

    message = gettext_lazy("Only operators, planners and staff may see the shop floor.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_operator(request.user) or is_staff(request.user)


def page_requires(predicate: Any, message: object) -> Any:
    """Decorator for pages: a logged-in user who lacks the role gets 403 (not a login loop)."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not predicate(request.user):
                raise PermissionDenied(str(message))  # a lazy translation, in the request's language
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
