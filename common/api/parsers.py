"""The API's JSON parser: whatever the body, a 400 `parse_error` or a 413 `too_large`, never a 500."""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from common.errors import TooLarge

# No request of this API nests deeper than a few levels; a deeper body is junk (or an attack on the parser).
MAX_DEPTH = 32


def _depth(value, limit: int) -> int:
    """The nesting depth of parsed JSON, iteratively (no recursion to overflow), stopping past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class SafeJSONParser(JSONParser):
    """JSONParser that also turns too-deep nesting (RecursionError in the decoder) into a ParseError."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:  # DRF reads JSON bodies past Django's own size check: the same limit here
            raise TooLarge()
        try:
            data = json.loads(body.decode(encoding), parse_constant=self._reject_constant)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {str(exc)[:200]}") from exc
        if _depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError("JSON parse error - nested too deeply.")
        return data

    @staticmethod
    def _reject_constant(name: str):
        raise ValueError(f"{name} is not valid JSON")
