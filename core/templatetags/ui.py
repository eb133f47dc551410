"""Template helpers for the pages' look."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|\([a-z0-9]+\))\s+")


@register.filter
def reflow(text: str) -> SafeString:
    """Hard-wrapped plain text as paragraphs that reflow to the screen's width.

    Blank lines separate paragraphs; a line that starts a list item keeps its own line.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not _ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("<p>" + "<br>\n".join(escape(line) for line in lines) + "</p>")
    return mark_safe("\n".join(paragraphs))
