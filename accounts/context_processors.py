from typing import Any

from django.http import HttpRequest

from accounts import roles


def role_flags(request: HttpRequest) -> dict[str, Any]:
    """Lets templates show the planner's and operator's links to those who may use them."""
    user = request.user
    return {
        "is_planner": roles.is_planner(user) or roles.is_staff(user),
        "is_operator": roles.is_operator(user) or roles.is_staff(user),
        # customers see their own orders, planners and staff all; an operator has none to see
        "sees_orders": roles.is_customer(user) or roles.sees_all_orders(user),
    }
