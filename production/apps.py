from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = "Production"

    def ready(self) -> None:
        from bom import ports
        from inventory import ports as stock_ports
        from production import receivers  # noqa: F401  (listens to inventory's signals)
        from production.selectors import estimate_ship_date, reserved_by_item, work_center_facts

        ports.register(work_center_facts=work_center_facts, ship_date_estimator=estimate_ship_date)
        stock_ports.register(name="production", reservation_holder=reserved_by_item)
