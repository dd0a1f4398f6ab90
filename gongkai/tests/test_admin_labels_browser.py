"""Every admin screen a member of staff can reach reads in Chinese, without misleading labels.

For each role: sign in through the real login form (the 信息中心 with its second factor),
collect the sidebar's links from its props, visit each, then the first edit screen found
on each listing (a record, a snippet, a user...). The visible text must hold none of the
English words Wagtail and Django are known to leak (field names derived from code, Python
booleans) and none of the misleading translations (分页 for the 页面 menu, 在用 for 已发布).
"""

import json
import re

import pytest

from gongkai.catalog.tests.factories import column, record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct-horse-battery"
# Whole English words that have leaked before, or would if a label or value bypassed gettext.
ENGLISH = re.compile(
    r"\b(Password|Username|True|False|None|Port|Root page|Site name|Hostname|"
    r"Is default site|Remember|Live|Draft|Unpublished|Privacy|Pages)\b"
)
MISLEADING = re.compile(r"分页|在用|私有设置|个文件")
ROLES = ["drafter", "department_head", "office_reviewer", "policy_reviewer", "leader", "site_admin"]
EDIT_LINK = re.compile(r"^/admin/.*/(edit|\d+)/$")
MAX_EDIT_SCREENS = 12  # per role: enough to cover each kind of record, keeps the walk fast

# Sidebar props are telepath-packed JSON; the menu URLs are its strings under /admin/.
SIDEBAR_URLS = """() => {
    const urls = [];
    const walk = (v) => {
        if (typeof v === "string") { if (v.startsWith("/admin/")) urls.push(v); }
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(JSON.parse(document.getElementById("wagtail-sidebar-props").textContent));
    return urls;
}"""
FIRST_EDIT_LINKS = """() => Array.from(document.querySelectorAll("main a[href]"))
    .map((a) => a.getAttribute("href"))"""


def _offences(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(text)} | set(MISLEADING.findall(text)))


def _visible_text(page) -> str:
    return page.locator("body").inner_text()


def _sign_in(new_context, base, user, *, second_factor: bool):
    from gongkai.org.two_factor import totp_current_code, totp_device_create_for_demo

    device = None
    if second_factor:
        device = totp_device_create_for_demo(
            user=user, key_hex="3132333435363738393031323334353637383930"
        )
    page = new_context().new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        assert device is not None, f"{user.username} was asked for a second factor it lacks"
        page.fill("input[name=token]", totp_current_code(device))
        page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def _walk(page, base, extra: list[str]) -> tuple[dict[str, list[str]], int]:
    """Visit the sidebar's links and the first edit screens; return offences by URL."""
    found: dict[str, list[str]] = {}
    menu = list(dict.fromkeys(page.evaluate(SIDEBAR_URLS)))
    assert len(menu) >= 2, menu  # at least the dashboard's neighbours: a real sidebar
    visited: set[str] = set()
    edit_screens: dict[str, str] = {}  # URL shape -> first URL of that shape
    for url in ["/admin/", *menu, *extra]:
        if url in visited or "logout" in url:
            continue
        visited.add(url)
        response = page.goto(base + url)
        if response is None or response.status >= 400:
            continue  # a menu entry the role may see but not open is the access matrix's concern
        if offences := _offences(_visible_text(page)):
            found[url] = offences
        for href in page.evaluate(FIRST_EDIT_LINKS):
            if not href or not EDIT_LINK.match(href) or href.startswith("/admin/logout"):
                continue
            shape = re.sub(r"\d+", "N", href)
            if shape not in edit_screens and len(edit_screens) < MAX_EDIT_SCREENS:
                edit_screens[shape] = href
    for href in edit_screens.values():
        if href in visited:
            continue
        visited.add(href)
        response = page.goto(base + href)
        if response is None or response.status >= 400:
            continue
        if offences := _offences(_visible_text(page)):
            found[href] = offences
    print(page.url, len(visited), sorted(visited))  # shown with -s: what the walk covered
    return found, len(visited)


def test_login_page_labels_are_chinese(live_server, page):
    page.goto(live_server.url + "/admin/login/")
    text = _visible_text(page)
    assert "密码" in text and "用户名" in text
    assert not _offences(text), _offences(text)


def test_every_admin_screen_reads_in_chinese(world, live_server, new_context):
    from gongkai.review.services import review_workflow_install

    review_workflow_install()
    results = column()
    published = record(results, title="关于做好就业补贴申领工作的通知", department=world.employment)
    record(
        results,
        title="关于公布失业保险金领取人员名单的通知",
        publish=False,
        department=world.employment,
    )

    base = live_server.url
    found: dict[str, dict[str, list[str]]] = {}
    walked = {}
    for role in ROLES:
        page = _sign_in(new_context, base, getattr(world, role), second_factor=role == "site_admin")
        offences, walked[role] = _walk(
            page, base, [f"/admin/pages/{results.pk}/", f"/admin/pages/{published.pk}/edit/"]
        )
        if offences:
            found[role] = offences
        page.context.close()
    assert all(count >= 3 for count in walked.values()), walked
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
