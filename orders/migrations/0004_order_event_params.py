"""Order events become kind + params, put into words when read (orders/events.py).

The English messages stored so far are turned into params where they are one of the sentences the
services wrote (the order number of "submitted", the ship date of "confirmed"), and the message is
cleared; a message that matches none stays as the event's text (`OrderEvent.text`). The sentences
are frozen here: this migration must not change when orders/events.py does.
"""

import re

from django.db import migrations, models

# kind -> the English message the services wrote, its params as named groups
WRITTEN = {
    "submitted": r"Order (?P<number>\S+) received\.",
    "confirmed": r"Your order is confirmed\.( We expect to ship it on (?P<promised_date>\d{4}-\d{2}-\d{2})\.)?",
    "awaiting_material": r"Some material is on its way; production starts when it arrives\.",
    "material_reserved": r"All material for your order has arrived\.",
    "on_hold": r"Our planners are checking your order before it goes into production; we will be in touch\.",
    "released": r"Your order is going into production\.",
    "in_production": r"Your order is being made\.",
    "completed": r"Your order is made and ready to ship\.",
    "shipped": r"Your order has been shipped\.",
    "cancelled": r"The order was cancelled\.",
}
ENGLISH = {
    "submitted": "Order {number} received.",
    "confirmed": "Your order is confirmed.",
    "awaiting_material": "Some material is on its way; production starts when it arrives.",
    "material_reserved": "All material for your order has arrived.",
    "on_hold": "Our planners are checking your order before it goes into production; we will be in touch.",
    "released": "Your order is going into production.",
    "in_production": "Your order is being made.",
    "completed": "Your order is made and ready to ship.",
    "shipped": "Your order has been shipped.",
    "cancelled": "The order was cancelled.",
}


def messages_to_params(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    changed = []
    for event in OrderEvent.objects.exclude(message="").iterator(chunk_size=2000):
        pattern = WRITTEN.get(event.kind)
        found = re.fullmatch(pattern, event.message) if pattern else None
        if found is None:
            continue  # not a sentence the services wrote: it stays the event's text
        event.params = {k: v for k, v in found.groupdict().items() if v is not None}
        event.message = ""
        changed.append(event)
        if len(changed) >= 2000:
            OrderEvent.objects.bulk_update(changed, ["params", "message"])
            changed = []
    OrderEvent.objects.bulk_update(changed, ["params", "message"])


def params_to_messages(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    changed = []
    for event in OrderEvent.objects.filter(message="").iterator(chunk_size=2000):
        params = event.params or {}
        text = ENGLISH.get(event.kind, event.kind.replace("_", " "))
        if event.kind == "submitted":
            text = text.format(number=params.get("number", "")).replace("Order  ", "Order ")
        if event.kind == "confirmed" and params.get("promised_date"):
            text += f" We expect to ship it on {params['promised_date']}."
        event.message = text
        changed.append(event)
    OrderEvent.objects.bulk_update(changed, ["message"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_order_event_notified_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="params",
            field=models.JSONField(
                blank=True, default=dict, help_text="What the kind's text needs: a number, a date..."
            ),
        ),
        migrations.AlterField(
            model_name="orderevent",
            name="message",
            field=models.CharField(
                blank=True,
                help_text="Only for events older than params whose text could not be converted.",
                max_length=300,
            ),
        ),
        migrations.RunPython(messages_to_params, params_to_messages),
    ]
