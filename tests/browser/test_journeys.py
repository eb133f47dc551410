"""Each role's whole journey in a real browser, at desk and phone sizes.

Admin invites, the employee joins, consents, uploads from the file chooser, watches
the render's progress, compares and chooses; HR rejects, then approves in bulk,
exports and downloads. Every page is checked for sideways scrolling and for
critical or serious axe-core violations.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generation import services
from tests import factories
from tests.browser.pages import PageChecker

SIZES = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TIMEOUT_MS = 90_000
expect.set_options(timeout=30_000)  # uploads and checks take seconds on a loaded 2-core CI machine

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, Path]:
    """Two photos of one person (the astronaut and her mirror image) and one that fails the checklist."""
    base = Image.open(io.BytesIO(factories.astronaut_png()))
    paths = {"first": tmp_path / "me-1.png", "second": tmp_path / "me-2.png", "dark": tmp_path / "too-dark.png"}
    base.save(paths["first"])
    ImageOps.mirror(base).save(paths["second"])
    Image.new("RGB", (900, 1100), (12, 12, 14)).save(paths["dark"])
    return paths


def _context(browser: Browser, size: str, base_url: str) -> BrowserContext:
    context = browser.new_context(viewport=SIZES[size], base_url=base_url, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _sign_in(page: Page, email: str, check: PageChecker) -> None:
    page.goto("/login/")
    check(page, "login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def _open_menu(page: Page) -> None:
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()


def _go(page: Page, link: str) -> None:
    _open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link, exact=True).click()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_role_walks_the_whole_journey(size, browser, live_server, celery_worker_thread, photos, screenshot_dir):
    check = PageChecker(size, screenshot_dir)
    admin = factories.organization(name="Acme")
    services.brand_style_update(actor=admin, changes={"variant_count": 2})
    hr = factories.member(admin=admin, role="hr", department="People", first_name="Harper")
    domain = admin.organization.allowed_domains[0]

    # --- Admin invites an employee -------------------------------------------------------
    admin_page = _context(browser, size, live_server.url).new_page()
    _sign_in(admin_page, admin.user.email, check)
    check(admin_page, "home-admin")
    _go(admin_page, "Invitations")
    check(admin_page, "invitations")
    invite = admin_page.get_by_role("group", name="Invite one person")
    invite.get_by_label("E-mail").fill(f"ada@{domain}")
    invite.get_by_label("First name").fill("Ada")
    invite.get_by_label("Last name").fill("Lovelace")
    invite.get_by_label("Department").fill("Engineering")
    invite.get_by_role("button", name="Invite").click()
    link = admin_page.locator(".link-copy").first.inner_text().strip()
    check(admin_page, "invitations-created")
    admin_page.get_by_role("button", name="Create link").click()
    join_link = admin_page.locator(".link-copy").first.inner_text().strip()
    admin_page.context.close()

    # Open join links, and what a stale link says.
    visitor = _context(browser, size, live_server.url).new_page()
    visitor.goto(join_link)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Join your team")
    check(visitor, "join")
    visitor.goto("/invite/not-a-real-token/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    check(visitor, "link-invalid")
    visitor.context.close()

    # --- The employee joins, consents and uploads from the file chooser ------------------
    page = _context(browser, size, live_server.url).new_page()
    page.goto(link)
    check(page, "invite-accept")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_label("Password again").fill(factories.PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent to photo processing")
    check(page, "consent")
    page.get_by_label("I have read this text").check()
    page.get_by_role("button", name="I consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your selfies")
    check(page, "selfies-empty")

    with page.expect_file_chooser() as chooser:
        page.get_by_label("Choose from your library").click()
    chooser.value.set_files([str(photos["first"]), str(photos["second"]), str(photos["dark"]), str(photos["first"])])
    expect(page.locator("#upload-list .upload")).to_have_count(4)
    page.get_by_role("button", name="Remove me-1.png before uploading").last.click()  # picked twice by mistake
    expect(page.locator("#upload-list .upload")).to_have_count(3)
    expect(page.get_by_role("img", name="Preview of me-1.png")).to_be_visible()
    check(page, "selfies-previews")
    page.get_by_role("button", name="Upload 3 photos").click()
    expect(page.locator("#messages")).to_contain_text("Upload finished")
    cards = page.locator("#selfie-area .selfie-card")
    expect(cards).to_have_count(3)
    # Failures first, with the fix in words beside the photo.
    expect(cards.first).to_contain_text("Not usable")
    expect(cards.first.locator(".checks li.fail").first).to_be_visible()
    check(page, "selfies-checked")

    # --- Render, watching the progress bar fill ----------------------------------------
    page.get_by_role("button", name=re.compile("Render headshots from my 2 usable selfies")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Headshots")
    progress = page.get_by_role("progressbar", name="Rendering progress")
    expect(progress).to_be_visible()  # the render runs on the worker, not in the request
    check(page, "job-progress")
    expect(page.locator(".gallery .card")).to_have_count(2, timeout=TIMEOUT_MS)
    expect(progress).to_have_count(0)
    expect(page.locator("#job-announce")).to_have_text("Your headshots are ready: 2 variants.")
    check(page, "job-done")

    # Compare side by side, zoom to 100%, step with the keyboard.
    page.get_by_label("Compare").nth(0).check()
    page.get_by_label("Compare").nth(1).check()
    page.get_by_role("button", name="Compare 2 side by side").click()
    viewer = page.locator("#viewer")
    expect(viewer.locator(".pane img")).to_have_count(2)
    check(page, "job-compare")
    page.keyboard.press("z")
    expect(viewer.get_by_role("button", name="Fit to screen")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Open variant 1 large").click()
    expect(viewer.locator(".title")).to_contain_text("Variant 1 (1 of 2)")
    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".title")).to_contain_text("Variant 2 (2 of 2)")
    check(page, "job-large")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Choose variant 1").click()
    expect(page.locator("#messages")).to_contain_text("HR will review it")

    # --- HR rejects with a reason ------------------------------------------------------
    hr_page = _context(browser, size, live_server.url).new_page()
    _sign_in(hr_page, hr.user.email, check)
    check(hr_page, "home-hr")
    _go(hr_page, "Review")
    card = hr_page.locator(".review-card").filter(has_text="Ada Lovelace")
    expect(card.get_by_role("img", name="Selfie of Ada Lovelace")).to_be_visible()
    expect(card.get_by_role("img", name="Chosen headshot of Ada Lovelace")).to_be_visible()
    check(hr_page, "review")
    card.get_by_role("button", name="Open the headshot of Ada Lovelace large, beside the selfie").click()
    expect(hr_page.locator("#viewer .pane img")).to_have_count(2)
    check(hr_page, "review-large")
    hr_page.keyboard.press("Escape")
    card.get_by_label("Reason to reject").fill("The collar is cut off; please choose another.")
    card.get_by_role("button", name="Reject the headshot of Ada Lovelace").click()
    expect(hr_page.locator("#messages")).to_contain_text("Rejected the headshot of Ada Lovelace")
    check(hr_page, "review-empty")

    # --- The employee sees why, and chooses the other variant ----------------------------
    page.reload()
    expect(page.get_by_text("The collar is cut off")).to_be_visible()
    page.get_by_role("button", name="Choose variant 2").click()
    expect(page.locator("#messages")).to_contain_text("HR will review it")
    _go(page, "Home")
    check(page, "home-employee-chosen")
    _go(page, "Your data")
    check(page, "privacy")

    # --- HR approves in bulk, exports and downloads ------------------------------------------
    _go(hr_page, "Review")
    hr_page.get_by_label("Select all 1").check()
    hr_page.get_by_role("button", name="Approve selected").click()
    expect(hr_page.locator("#messages")).to_contain_text("Approved 1 headshot")
    _go(hr_page, "Exports")
    check(hr_page, "exports-empty")
    hr_page.get_by_role("button", name="Export").click()
    download_link = hr_page.get_by_role("link", name=re.compile("Download zip"))
    expect(download_link).to_be_visible(timeout=TIMEOUT_MS)  # the table refreshes itself
    check(hr_page, "exports")
    with hr_page.expect_download() as download:
        download_link.click()
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert "manifest.csv" in names and any(name.endswith(".jpg") for name in names)

    # --- The pages around the journey ---------------------------------------------------
    hr_page.goto("/no-such-page/")
    check(hr_page, "not-found")
    page.goto("/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This page is not for your role")
    check(page, "forbidden")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Team headshots API")
    check(page, "api-docs", axe=False)  # third-party UI: checked for overflow only
    page.goto("/api/redoc/")
    expect(page.get_by_text("Team headshots API").first).to_be_visible()
    check(page, "api-redoc", axe=False)
    assert page.request.get("/favicon.ico").ok
