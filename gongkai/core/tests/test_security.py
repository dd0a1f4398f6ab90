"""Security headers, the two Content-Security-Policies and CSRF."""

import os
import re

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.conftest import login_verified


def values(policy: dict[str, list[str]]) -> list[str]:
    return [value for directive in policy.values() for value in directive]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.strip().split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
def test_public_site_gets_the_strict_policy(client):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    header = " ".join(values(policy))
    assert "unsafe" not in header and "http" not in header


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/login/", "/account/two-factor/verify/", "/admin/", "/admin/jsi18n/"]
)
def test_admin_and_account_get_the_admin_policy(client, url):
    policy = directives(client.get(url))
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    # Relaxed, not open: still only our own origin.
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert not any(v.startswith("http") or v == "*" for v in values(policy))


@pytest.mark.django_db
def test_a_path_that_only_starts_like_admin_is_strict(client):
    policy = directives(client.get("/administration/"))
    assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_security_headers(client, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_cookie_is_http_only(client, world):
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "t-drafter", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_csrf_is_enforced_on_sign_in(world):
    client = Client(enforce_csrf_checks=True)
    data = {"username": "t-drafter", "password": "correct-horse-battery"}
    assert client.post(reverse("wagtailadmin_login"), data).status_code == 403
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse("wagtailadmin_login"), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_csrf_is_enforced_on_admin_and_second_factor_posts(world):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world.site_admin)
    assert client.post(reverse("wagtailadmin_logout")).status_code == 403
    client.force_login(world.drafter)
    assert client.post(reverse("account:two_factor_setup"), {"token": "123456"}).status_code == 403
    assert client.post(reverse("account:two_factor_verify"), {"token": "123456"}).status_code == 403


# --- in a real browser: the admin runs without CSP violations ---------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Recorded before any page script runs, so nothing the admin does is missed.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    );
});
"""


@pytest.fixture
def csp_browser_page(new_context):
    """A Chromium page from the shared harness that records CSP violations and console errors."""
    context = new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.console_problems = []
    page.on(
        "console",
        lambda msg: (
            page.console_problems.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: page.console_problems.append(f"pageerror: {exc}"))
    return page


def assert_no_csp_violations(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    csp_console = [m for m in page.console_problems if "Content Security Policy" in m]
    assert not violations and not csp_console, f"{where}: {violations} {csp_console}"
    errors = [m for m in page.console_problems if "Content Security Policy" not in m]
    assert not errors, f"{where}: console errors {errors}"
    page.console_problems.clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_runs_under_its_policy_without_violations(live_server, csp_browser_page, settings):
    from wagtail.models import Page

    # Wagtail fetches avatars from gravatar.com unless this is None: an external
    # service, blocked by the policy (and by closed government networks).
    # base.py should set it; until it does, the test sets it here.
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None

    from gongkai.org.roles import sync_roles
    from gongkai.org.tests.factories import UserFactory
    from gongkai.org.two_factor import totp_current_code, totp_device_create_for_demo

    sync_roles()
    admin = UserFactory(username="csp-root", is_superuser=True, is_staff=True)
    device = totp_device_create_for_demo(
        user=admin, key_hex="3132333435363738393031323334353637383930"
    )
    root = Page.get_first_root_node()
    child = root.add_child(instance=Page(title="内容安全策略测试页", slug="csp-test"))

    page = csp_browser_page
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    assert_no_csp_violations(page, "sign-in page")
    page.fill("input[name=username]", "csp-root")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    assert_no_csp_violations(page, "second-factor page")
    page.fill("input[name=token]", totp_current_code(device))
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    for path, what in [
        ("/admin/", "dashboard"),
        (f"/admin/pages/{child.pk}/edit/", "page editor"),
        ("/admin/snippets/", "snippets listing"),
        ("/admin/reports/audit-log/", "audit log report"),
    ]:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, (what, response.status)
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        assert_no_csp_violations(page, what)

    # The editor really works under the policy: its JavaScript renders the form.
    page.goto(f"{base}/admin/pages/{child.pk}/edit/")
    page.wait_for_selector("input[name=title]")
    assert page.input_value("input[name=title]") == "内容安全策略测试页"
    assert_no_csp_violations(page, "page editor (again)")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_factor_enrolment_in_the_browser(live_server, csp_browser_page, settings, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongkai.org.two_factor import totp_current_code

    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    page = csp_browser_page
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", world.site_admin.username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    assert page.locator(".gk-qr svg").is_visible()
    assert page.locator(".gk-qr svg").bounding_box()["width"] >= 150
    assert_no_csp_violations(page, "set-up page")
    if os.environ.get("GONGKAI_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["GONGKAI_SCREENSHOTS"], "setup.png"))

    device = TOTPDevice.objects.get(user=world.site_admin, confirmed=False)
    page.fill("input[name=token]", totp_current_code(device))
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/account/two-factor/backup-codes/"))
    assert page.locator("[data-testid=backup-codes] li").count() == 10
    assert_no_csp_violations(page, "backup codes page")
    if os.environ.get("GONGKAI_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["GONGKAI_SCREENSHOTS"], "codes.png"))
    page.click("[data-testid=continue]")
    page.wait_for_url(f"{base}/admin/")
    assert_no_csp_violations(page, "dashboard after enrolment")
