"""Staff names in Chinese order (张文, not 文 张) wherever Django and Wagtail show a user.

Django's ``User.get_full_name`` joins ``first_name last_name`` with a space, which is
Western order; Wagtail shows it in workflow history, page listings (owner), revisions,
comments, the user list and the dashboard (through ``get_user_display_name``), and the
sidebar's account menu shows ``first_name`` alone. Swapping the user model is too late
for an existing database, so the auth ``User`` class gets the project's naming rule
(``org.selectors.staff_name``) once, at start-up: every place that asks the user for its
name, ours and Wagtail's, gets the same answer.
"""

from __future__ import annotations


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def chinese_full_name(user) -> str:
    """Family name first and no space for a Chinese name; Django's join otherwise."""
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if family and given and _has_cjk(family + given):
        return f"{family}{given}"
    return f"{given} {family}".strip()


def chinese_short_name(user) -> str:
    """A Chinese colleague is addressed by the whole name (张文), not the given name (文)."""
    full = chinese_full_name(user)
    if _has_cjk(full):
        return full
    return (user.first_name or "").strip()


def install() -> None:
    """Give the auth user class and Wagtail's account menu the Chinese name order."""
    from django.contrib.auth import get_user_model
    from wagtail.admin.ui import sidebar

    user_model = get_user_model()
    user_model.get_full_name = chinese_full_name
    user_model.get_short_name = chinese_short_name

    original = sidebar.MainMenuModule.js_args
    if getattr(original, "_chinese_names", False):
        return

    def js_args(self):
        args = original(self)
        name = chinese_short_name(self.user)
        if name:
            args[2]["name"] = name
        return args

    js_args._chinese_names = True
    sidebar.MainMenuModule.js_args = js_args
