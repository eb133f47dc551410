"""One place for free text from people: length and character limits.

Pages, the API, CSV imports and the admin reach the same services, so the services
check here; serializers and forms repeat the lengths for early, field-level messages.
A NUL byte (Postgres refuses it), other control characters, and text longer than
the column are refused with a sentence naming the field.
"""

from __future__ import annotations

import unicodedata

from core.exceptions import ApplicationError

# Tab, newline and carriage return are allowed only in multi-line text (reasons, notes).
_MULTILINE_OK = {"\t", "\n", "\r"}


def clean_text(value: object, *, label: str, max_length: int, multiline: bool = False) -> str:
    """``value`` stripped, or ApplicationError(code="bad_text") saying what is wrong with it."""
    text = "" if value is None else str(value).strip()
    if len(text) > max_length:
        raise ApplicationError(f"{label} is too long ({len(text)} characters; at most {max_length}).", code="bad_text")
    for char in text:
        if multiline and char in _MULTILINE_OK:
            continue
        if unicodedata.category(char) in ("Cc", "Cs") or char == "\x00":
            raise ApplicationError(f"{label} contains a control character; use plain text.", code="bad_text")
    return text


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading
    apostrophe (OWASP's advice for CSV injection). Every CSV the product writes uses it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_row(values: list[object]) -> list[str]:
    return [csv_safe(value) for value in values]
