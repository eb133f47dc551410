"""What every page must pass in the browser: no sideways scrolling, no serious axe violations."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(importlib.util.find_spec("axe_playwright_python").origin).parent / "axe.min.js"
SERIOUS = ("critical", "serious")


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def squeezed_cells(page: Page) -> list[str]:
    """Table cells with text in them squeezed narrower than a short word: a table that should
    have become a list on a phone breaks its words one letter per line instead."""
    return page.evaluate(
        """[...document.querySelectorAll('td, th')]
            .filter(c => !(c.closest('table.stack') && c.closest('thead')))  // hidden for screen readers only
            .filter(c => c.offsetParent !== null && c.innerText.trim().length > 3 && c.clientWidth < 64)
            .map(c => c.innerText.trim().slice(0, 30))"""
    )


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


class PageChecker:
    """Checks each page a journey visits, and saves it for `make screenshots`."""

    def __init__(self, size: str, screenshot_dir: Path | None) -> None:
        self.size = size
        self.screenshot_dir = screenshot_dir
        self.seen: list[str] = []

    def __call__(self, page: Page, name: str, *, axe: bool = True) -> None:
        page.wait_for_load_state("load")
        assert overflow(page) <= 0, f"{name} at {self.size} scrolls sideways by {overflow(page)} px"
        squeezed = squeezed_cells(page)
        assert not squeezed, f"{name} at {self.size} squeezes table cells: {squeezed[:5]}"
        if axe:
            problems = axe_violations(page)
            assert not problems, f"{name} at {self.size}:\n" + "\n".join(problems)
        if self.screenshot_dir is not None:
            page.screenshot(path=str(self.screenshot_dir / f"{name}-{self.size}.png"), full_page=True)
        self.seen.append(name)
