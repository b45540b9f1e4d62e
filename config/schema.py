"""The OpenAPI schema states every status code an operation really answers, not only its success.

drf-spectacular documents what a view returns when all goes well; the refusals come from DRF and
this project's exception handler (config/exceptions.py) in API.md's shapes. This AutoSchema adds
them to each operation from what the view is made of: its authentication and permissions, its
throttles, its path parameters, whether it takes a body, and the refusals its services raise
(`extend_schema(responses=...)` still wins for a code it names).
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny, IsAuthenticated

# API.md: "Other refusals: {"detail": "human message", "code": "machine_code"}".
REFUSAL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
# API.md: "Validation errors: HTTP 400 with DRF's shape, {"field": ["message", ...]}", nested under
# `spec` for a spec; a body that is not JSON at all is a refusal (`parse_error`).
VALIDATION = {"type": "object", "additionalProperties": True}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in self._refusals().items():
            responses.setdefault(code, response)
        return responses

    def _refusals(self) -> dict[str, dict[str, Any]]:
        view, method = self.view, self.method
        permissions = [type(p) for p in view.get_permissions()]
        open_to_all = all(p is AllowAny for p in permissions)
        takes_body = method in ("POST", "PUT", "PATCH")
        refusals: dict[str, dict[str, Any]] = {
            # a token that is unknown, expired or malformed is refused even where no login is needed
            "401": _json("Not authenticated, or the token is not valid.", REFUSAL),
        }
        if takes_body or self._has_query_parameters():
            refusals["400"] = _json("The request is not valid: what is wrong, per field.", VALIDATION)
        role_restricted = any(p not in (AllowAny, IsAuthenticated) for p in permissions)
        if role_restricted or (method in UNSAFE and not open_to_all) or method in UNSAFE:
            # a role the caller lacks, or a browser session's unsafe request without its CSRF token
            refusals["403"] = _json("The caller may not do this.", REFUSAL)
        if "{" in self.path:
            refusals["404"] = _json("There is no such object, or the caller may not see it.", REFUSAL)
        elif self.method == "GET" and self._is_list_view():
            refusals["404"] = _json("There is no such page of the list (`page` past the last).", REFUSAL)
        if takes_body:
            refusals["415"] = _json("The body is not JSON (or another media type the operation parses).", REFUSAL)
        if view.get_throttles():
            refusals["429"] = _json("Too many requests: try again after Retry-After seconds.", REFUSAL)
        for code, description in getattr(view, "documented_refusals", {}).items():
            refusals[str(code)] = _json(description, REFUSAL)
        # the database out of reach (config/exceptions.py), for any operation; and for a write, one
        # PostgreSQL aborted as a deadlock or serialization failure, retried and still losing
        # (config/transactions.py): nothing changed, try again
        busy = " or the service is busy (`busy`)" if method in UNSAFE else ""
        refusals["503"] = _json(
            f"The database is unavailable for a moment (`database_unavailable`){busy}: nothing changed; try again.",
            REFUSAL,
        )
        return refusals

    def _has_query_parameters(self) -> bool:
        return self.method == "GET" and (self._is_list_view() or bool(self.get_override_parameters()))
