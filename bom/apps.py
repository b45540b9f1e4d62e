from django.apps import AppConfig


class BomConfig(AppConfig):
    name = "bom"
    verbose_name = "Catalog and configurator"

    def ready(self) -> None:
        from django.conf import settings

        from bom.configurator import budget
        from config.errors import ConfiguratorBudgetExceeded

        def error(exc: budget.SearchBudgetExceeded) -> Exception:
            return ConfiguratorBudgetExceeded(
                "The configurator could not check these choices within its search budget. "
                "Please try again, or choose a few more options first."
            )

        # Every caller of the engine's configure (the API, orders) gets the budget of the settings (0:
        # none) and, when it runs out, a 503 `configurator_budget` (config.exceptions).
        budget.register(limit=lambda: settings.CONFIGURATOR_SEARCH_BUDGET or None, error=error)
