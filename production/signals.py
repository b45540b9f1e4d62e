"""Domain signals of production, for the orders app above it (which may not be imported here).

Each is sent inside the transaction that changed the state; receivers call orders' services.
"""

from django.dispatch import Signal

# order_line_id: the first operation of a production order started.
production_started = Signal()
# order_line_id: a production order finished its last operation.
production_order_done = Signal()
# order_line_ids: production orders waiting for material got all of it.
material_allocated = Signal()
