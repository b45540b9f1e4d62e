"""The values of a saved measurement profile: option keys to decimal numbers, checked and
normalised the same way wherever they come from (the API, a service call). No database; the
problems are worded in the active language (gettext).

A value is a JSON number or a decimal string (`100`, `"98.50"`, `-1.5`), finite, below
MAX_MAGNITUDE and with at most MAX_PLACES decimals; it is kept as its plain decimal string
without trailing zeros and never in exponent notation (`"100.0"` -> `"100"`, `98.50` -> `"98.5"`).
"""

import math
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_ENTRIES = 50
MAX_PLACES = 6
MAX_MAGNITUDE = Decimal(10) ** 12
KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")  # ASCII digits only

# Translated when a message is made (str()), in the language of the request then active.
NOT_AN_OBJECT = gettext_lazy('Must be an object of option keys to numbers, such as {"chest_cm": "100"}.')
BAD_KEY = gettext_lazy(
    "Not an option key: a lower-case letter, then lower-case letters, digits or _ (at most 60 characters)."
)
NOT_A_NUMBER = gettext_lazy('Must be a number, given as a JSON number or a decimal string such as "98.5".')
TOO_LARGE = gettext_lazy("Too large: at most 12 digits before the decimal point.")


class MeasurementValuesInvalid(ValueError):
    """The values cannot be stored; `errors` is DRF's shape: a list of messages about the whole
    object, or a mapping of each refused entry's key to its messages."""

    def __init__(self, errors: list[str] | dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def messages(self) -> list[str]:
        """One line per problem, naming the entry it is about."""
        if isinstance(self.errors, list):
            return list(self.errors)
        return [f"{key}: {message}" for key, messages in self.errors.items() for message in messages]


def measurement_value_clean(raw: object) -> str:
    """The normalised decimal string of one value; raises ValueError with the customer's reason."""
    if isinstance(raw, bool):
        raise ValueError(str(NOT_A_NUMBER))
    if isinstance(raw, float):
        if not math.isfinite(raw):  # 1e400 in a JSON body arrives as inf
            raise ValueError(str(NOT_A_NUMBER))
        number = Decimal(repr(raw))  # the shortest repr: 98.5, never the binary expansion
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, str) and _DECIMAL_TEXT.fullmatch(raw.strip()):
        number = Decimal(raw.strip())
    else:
        raise ValueError(str(NOT_A_NUMBER))
    if abs(number) >= MAX_MAGNITUDE:
        raise ValueError(str(TOO_LARGE))
    if not number:
        return "0"  # also for -0 and 0.000
    number = number.normalize()
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ValueError(_("At most %(places)s decimal places.") % {"places": MAX_PLACES})
    return format(number, "f")


def _shown(key: str) -> str:
    """A refused key as the error names it: long ones cut short, so the answer stays small."""
    return key if len(key) <= 64 else f"{key[:60]}..."


def measurement_values_clean(raw: Any) -> dict[str, str]:
    """The values as stored: each key checked, each number normalised to its decimal string.

    Raises MeasurementValuesInvalid with every problem at once.
    """
    if not isinstance(raw, dict):
        raise MeasurementValuesInvalid([str(NOT_AN_OBJECT)])
    if len(raw) > MAX_ENTRIES:
        raise MeasurementValuesInvalid(
            [
                _("At most %(most)s measurements in a profile; this has %(count)s.")
                % {"most": MAX_ENTRIES, "count": len(raw)}
            ]
        )
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not KEY.fullmatch(key):
            errors[_shown(str(key))] = [str(BAD_KEY)]
            continue
        try:
            cleaned[key] = measurement_value_clean(value)
        except ValueError as exc:
            errors[key] = [str(exc)]
    if errors:
        raise MeasurementValuesInvalid(errors)
    return cleaned
