"""Count the clicks and keystrokes from "new record" in a column to publication.

Drives the running demo in a real browser as the four people of the review: the drafter
writes a record in 结果公开 › 就业创业 and submits it, the department head (初审), the
office (保密审查) and the leader (签发) each approve it from their dashboard queue, the
record goes live. Every click (a press of the mouse, a checkbox, a <select> opened and
chosen counts two) and every keystroke (typed characters, Tab, Enter) is counted; the
logins are counted apart, since they are the same on any path.

    .venv/bin/python -m gongkai.review.tests.count_clicks --url http://127.0.0.1:8000

`walk()` is also what `test_click_count.py` runs against the test server, so the path
counted here is the one the suite keeps working.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

PASSWORD = "gongkai-demo-2026"
TITLE = "关于公布2027年第一季度就业见习补贴发放情况的公示"
BODY = "根据有关规定，现将2027年第一季度就业见习补贴发放情况予以公示。"


@dataclass
class Tally:
    """Clicks and keystrokes of one person, and of the whole path."""

    clicks: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    login_clicks: int = 0
    login_keys: int = 0

    def click(self, who: str, n: int = 1) -> None:
        self.clicks[who] = self.clicks.get(who, 0) + n

    def key(self, who: str, n: int) -> None:
        self.keys[who] = self.keys.get(who, 0) + n

    @property
    def total_clicks(self) -> int:
        return sum(self.clicks.values())

    @property
    def total_keys(self) -> int:
        return sum(self.keys.values())

    def report(self) -> str:
        rows = [
            f"{who:10} {self.clicks.get(who, 0):3} clicks {self.keys.get(who, 0):4} keys"
            for who in self.clicks
        ]
        rows.append(
            f"{'total':10} {self.total_clicks:3} clicks {self.total_keys:4} keys"
            f" (logins apart: {self.login_clicks} clicks, {self.login_keys} keys)"
        )
        return "\n".join(rows)


class Person:
    """One reviewer's browser tab, every action counted."""

    def __init__(self, context, base_url: str, username: str, who: str, tally: Tally):
        self.page = context.new_page()
        self.base_url = base_url
        self.who = who
        self.tally = tally
        self.page.goto(base_url + "/admin/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("form button[type=submit]").first.click()
        self.page.wait_for_url(re.compile(r"/admin/$"))
        tally.login_clicks += 3
        tally.login_keys += len(username) + len(PASSWORD)

    def click(self, locator) -> None:
        locator.click()
        self.tally.click(self.who)

    def check(self, locator) -> None:
        locator.check()
        self.tally.click(self.who)

    def type(self, locator, text: str, *, click: bool = True) -> None:
        """Focus a field (a click) and type into it, one keystroke per character."""
        if click:
            locator.click()
            self.tally.click(self.who)
        self.page.keyboard.type(text)
        self.tally.key(self.who, len(text))

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.tally.key(self.who, 1)

    def select(self, locator, label: str) -> None:
        """A native <select>: open it, choose the option (two clicks)."""
        locator.select_option(label=label)
        self.tally.click(self.who, 2)

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")


def _queue_row(page, title):
    return page.locator("table.review-queue tr.review-queue-item", has_text=title)


def _approve_from_queue(person: Person, title: str, *, button: str = "同意") -> None:
    """Approve from the dashboard queue; if the review asks for the preview first, open it,
    look at the change and approve there."""
    row = _queue_row(person.page, title)
    preview = row.get_by_role("link", name="查看并审核")
    if preview.count():
        person.click(preview)
        person.page.wait_for_url(re.compile(r"/admin/review/preview/"))
        person.settle()
        target = person.page.locator(".review-preview-actions").get_by_role(
            "button", name=button, exact=True
        )
    else:
        target = row.get_by_role("button", name=button, exact=True)
    person.click(target)


def _confirm_modal(person: Person) -> None:
    modal = person.page.locator(".modal-content")
    modal.wait_for()
    for name in ("state_secret", "work_secret", "trade_secret", "privacy", "security_stability"):
        box = modal.locator(f'input[name="clear_{name}"]')
        if box.count():
            person.check(box)
    submit = modal.locator('button[type="submit"]')
    person.click(submit)


def _done(person: Person) -> None:
    person.settle()
    person.page.wait_for_timeout(500)
    if os.environ.get("COUNT_CLICKS_SHOTS"):
        person.page.screenshot(path=f"{os.environ['COUNT_CLICKS_SHOTS']}/{person.who}.png")


def walk(
    browser, base_url: str, *, column_id: int, usernames: dict[str, str], title: str = TITLE
) -> Tally:
    """Publish one record through the whole review and count what it took."""
    tally = Tally()

    # The drafter, already in the column's listing, starts a new record there.
    drafter = Person(browser.new_context(), base_url, usernames["drafter"], "drafter", tally)
    drafter.page.goto(f"{base_url}/admin/pages/{column_id}/")
    drafter.settle()
    drafter.click(drafter.page.locator(f'a[href$="/admin/pages/{column_id}/add_subpage/"]').first)
    drafter.settle()
    if "add_subpage" in drafter.page.url:
        drafter.click(drafter.page.locator('a[href*="/catalog/catalogrecord/"]').first)
        drafter.settle()
    p = drafter.page
    drafter.type(p.locator("#id_title"), title)
    drafter.type(p.locator(".Draftail-Editor [contenteditable=true]").first, BODY)
    metadata_tab = p.get_by_role("tab", name="目录信息")
    if metadata_tab.count() and metadata_tab.is_visible():
        drafter.click(metadata_tab)
    _choose(drafter, "genre", "公示", typed="公示")
    _choose(drafter, "topic", "劳动就业", typed="就业")
    drafter.type(p.locator("#id_formed_date"), "2027-04-01")
    drafter.press("Escape")  # close the date picker
    drafter.click(p.locator("footer .w-dropdown__toggle").first)
    drafter.click(p.locator('button[name="action-submit"]'))
    drafter.settle()
    if os.environ.get("COUNT_CLICKS_SHOTS"):
        p.screenshot(path=os.environ["COUNT_CLICKS_SHOTS"] + "/submitted.png", full_page=True)

    head = Person(browser.new_context(), base_url, usernames["depthead"], "depthead", tally)
    _approve_from_queue(head, title)
    _done(head)

    office = Person(browser.new_context(), base_url, usernames["office"], "office", tally)
    _approve_from_queue(office, title, button="审查通过")
    _confirm_modal(office)
    _done(office)

    leader = Person(browser.new_context(), base_url, usernames["leader"], "leader", tally)
    _approve_from_queue(leader, title)
    _done(leader)
    return tally


def _choose(person: Person, name: str, label: str, *, typed: str) -> None:
    """Fill a foreign key the way its widget asks: a <select> (with or without a filter
    box) or Wagtail's chooser modal with its search."""
    page = person.page
    field = page.locator(f"#id_{name}")
    tag = field.evaluate("el => el.tagName.toLowerCase()")
    search = page.locator(f'[data-filter-for="id_{name}"]')
    if search.count():
        # The type-ahead filter: type a few characters, Enter picks the first match.
        person.type(search, typed)
        person.press("Enter")
        return
    if tag == "select":
        person.select(field, label)
        return
    person.click(page.locator(f'[id="id_{name}-chooser"] [data-chooser-action-choose]'))
    modal = page.locator(".modal-content")
    modal.wait_for()
    modal.locator("table a, .listing a").first.wait_for()
    link = modal.get_by_role("link", name=re.compile(re.escape(label)))
    search = modal.locator('input[name="q"]')
    if search.count() and search.is_visible():
        person.type(search, label)
        page.wait_for_timeout(800)
    else:
        # No search: page through the list until the entry shows.
        while not link.count():
            person.click(modal.locator(".pagination a, a[rel=next]").last)
            page.wait_for_timeout(500)
    person.click(link.first)
    page.wait_for_timeout(300)


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--title", default=TITLE, help="a title not used yet (slugs are unique)")
    parser.add_argument("--column", type=int, help="id of the column page (default: 就业创业)")
    args = parser.parse_args(argv)
    column = args.column
    if column is None:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings.local")
        django.setup()
        from gongkai.catalog.models import CatalogColumnPage

        column = CatalogColumnPage.objects.get(title="就业创业").pk
    users = {k: k for k in ("drafter", "depthead", "office", "leader")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            tally = walk(
                browser, args.url.rstrip("/"), column_id=column, usernames=users, title=args.title
            )
        finally:
            browser.close()
    print(tally.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
