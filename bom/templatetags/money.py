"""Money on every page, the same in every language: `{{ amount|money:currency }}` -> "CNY 3,899.00"."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(amount: object, currency: str = "") -> str:
    """An amount with two decimals and thousands separated by commas, after its currency's code
    (none: the number alone, as in a breakdown under a total that names it); '' for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        number = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(amount)
    text = f"{number:,.2f}"
    return f"{currency} {text}" if currency else text
