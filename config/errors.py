"""Domain errors: raised by services, mapped to HTTP answers in one place (config.exceptions)."""

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refusal the caller can understand; nothing was changed."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidTransition(DomainError):
    code = "invalid_transition"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


class SpecInvalid(DomainError):
    """One or more specs break the product's rules; `errors` has DRF's nested shape."""

    status_code = 400
    code = "invalid"

    def __init__(self, errors: dict[str, Any], message: str | None = None) -> None:
        super().__init__(message or _("The specification is not valid."))
        self.errors = errors


class InvalidInput(DomainError):
    """A value the service cannot take; answered as a 400 on that field, like a serializer error."""

    status_code = 400
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ServiceBusy(DomainError):
    """The database kept aborting the transaction to break lock conflicts; nothing was changed."""

    status_code = 503
    code = "busy"


class ConfiguratorBudgetExceeded(DomainError):
    """The configurator's search used up its budget (CONFIGURATOR_SEARCH_BUDGET) before answering."""

    status_code = 503
    code = "configurator_budget"
