from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from bom import ports
        from inventory.selectors import item_facts

        ports.register(item_facts=item_facts)
