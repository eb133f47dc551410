"""The rollout pages (team roster, brand-style editor, my headshot, password reset) pass the same
browser checks as the journey: no sideways scrolling and no critical or serious axe violations.
Each page is skipped where this checkout does not have it yet."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, Page, expect

from tests import factories
from tests.browser.pages import PageChecker
from tests.browser.test_journeys import SIZES, _context

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PAGES = [("admin", "generation:team"), ("admin", "generation:brand-style"), ("employee", "generation:my-headshot")]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _signed_in(browser: Browser, size: str, base_url: str, email: str) -> Page:
    page = _context(browser, size, base_url).new_page()
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_the_rollout_pages_fit_and_pass_axe(size: str, browser: Browser, live_server, screenshot_dir) -> None:
    present = [(who, name, _url(name)) for who, name in PAGES if _url(name)]
    reset = _url("teams:password_reset")
    if not present and not reset:
        pytest.skip("the rollout pages are not in this checkout")
    check = PageChecker(size, screenshot_dir)
    admin = factories.organization(name="Acme")
    employee = factories.member(admin=admin, first_name="Ada")
    pages = {"admin": _signed_in(browser, size, live_server.url, admin.user.email)}
    pages["employee"] = _signed_in(browser, size, live_server.url, employee.user.email)
    for who, name, url in present:
        pages[who].goto(url)
        check(pages[who], name.split(":")[1])
    if reset:
        anonymous = _context(browser, size, live_server.url).new_page()
        anonymous.goto(reset)
        check(anonymous, "password-reset")
