"""Domain signals of inventory, for the apps above it (production re-allocates on a receipt)."""

from django.dispatch import Signal

# Sent inside the receipt's transaction, with item_id; receivers defer work to on_commit.
stock_received = Signal()
