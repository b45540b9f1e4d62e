"""URL converters: identifiers in paths are checked before they reach a query."""


class CodeConverter:
    """Order numbers (C2B-000123), work-center codes (SEW-TRS): letters, digits, - and _."""

    regex = "[A-Za-z0-9_-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
