"""The kinds of event on an order's timeline, and their text in the reader's language.

An OrderEvent stores its `kind` and `params` (the order number, a date...), never a sentence: the
text is made when it is read (the API, the order page, the customer's e-mail), from the kind's
template in the language then active, so a Chinese reader sees Chinese whatever the language of
whoever caused the event. To add a kind: add its templates here (and their translations to
orders/locale), then record it with `OrderEvent(kind=..., params=...)`.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Each kind's templates, with named placeholders filled from the event's params; the first whose
# placeholders the params all hold is used (so "confirmed" says the ship date when there is one).
TEMPLATES: dict[str, tuple[Promise, ...]] = {
    "submitted": (_("Order %(number)s received."), _("Order received.")),
    "confirmed": (
        _("Your order is confirmed. We expect to ship it on %(promised_date)s."),
        _("Your order is confirmed."),
    ),
    "awaiting_material": (_("Some material is on its way; production starts when it arrives."),),
    "material_reserved": (_("All material for your order has arrived."),),
    "on_hold": (_("Our planners are checking your order before it goes into production; we will be in touch."),),
    "released": (_("Your order is going into production."),),
    "in_production": (_("Your order is being made."),),
    "completed": (_("Your order is made and ready to ship."),),
    "shipped": (_("Your order has been shipped."),),
    "cancelled": (_("The order was cancelled."),),
}


def event_text(kind: str, params: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The text of an event of `kind` with `params`, in the active language; `fallback` (the
    English text stored by older code) for a kind this registry does not know."""
    for template in TEMPLATES.get(kind, ()):
        try:
            return str(template) % dict(params or {})
        except KeyError:
            continue  # a placeholder these params lack: try the next, shorter template
    return fallback or kind.replace("_", " ")
