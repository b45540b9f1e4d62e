"""The API's JSON parser: DRF's, refusing bodies nested deeper than API_JSON_MAX_DEPTH."""

import codecs
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# Everything but the brackets that nest: whole strings (the brackets inside them do not count)
# and runs of anything else. Possessive, and an unterminated string runs to the end, so one pass
# is linear whatever the body.
_NOT_NESTING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)|[^"\[\]{}]++', re.DOTALL)
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, counted without parsing it."""
    brackets = _NOT_NESTING.sub("", text)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested deeper than API_JSON_MAX_DEPTH is a 400 (ParseError),
    found before json.loads recurses into it: Python's recursion limit would make it a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        # DRF's own check that the charset is a text encoding (no bz2_codec bombs).
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        limit = settings.API_JSON_MAX_DEPTH
        too_deep = ParseError(_("JSON parse error - nested deeper than %(limit)s levels.") % {"limit": limit})
        try:
            text = codecs.getreader(encoding)(stream).read()
            if json_depth(text) > limit:
                raise too_deep
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        except RecursionError as exc:  # only if API_JSON_MAX_DEPTH were set beyond the stack's reach
            raise too_deep from exc
