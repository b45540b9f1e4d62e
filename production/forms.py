"""The shop floor's forms: what a page's POST may hold, refused with a message before any service."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class OperationFinishForm(forms.Form):
    """As the API's FinishInSerializer: a finite, non-negative scrap of at most 12 digits and 4
    decimals (Django's DecimalField refuses NaN, Infinity and 1e999999)."""

    scrap_quantity = forms.DecimalField(
        label=_("Scrap (of the main material)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=4,
        error_messages={
            "invalid": _("Scrap must be a number."),
            "min_value": _("Scrap cannot be negative."),
            "max_digits": _("Scrap must have at most %(max)s digits."),
            "max_whole_digits": _("Scrap must have at most %(max)s digits before the decimal point."),
            "max_decimal_places": _("Scrap must have at most %(max)s decimal places."),
        },
    )

    def clean_scrap_quantity(self) -> Decimal:
        return self.cleaned_data["scrap_quantity"] or Decimal("0")
