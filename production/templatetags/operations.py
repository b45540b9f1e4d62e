"""`{% load operations %}{{ op|operation_name:op_names }}`: an operation's name in the page's language,
from the names a view looked up (production.selectors.operation_names); its stored name otherwise."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def operation_name(operation: Any, names: Mapping[tuple[int, str], str] | None) -> str:
    return (names or {}).get((operation.production_order_id, operation.key), operation.name)
