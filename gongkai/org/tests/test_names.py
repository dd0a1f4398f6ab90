"""Staff names family name first (张文) wherever Django and Wagtail name a user."""

import pytest
from django.contrib.auth.models import User
from wagtail.admin.ui.sidebar import MainMenuModule
from wagtail.admin.utils import get_user_display_name

from gongkai.org.selectors import staff_name

pytestmark = pytest.mark.django_db


def test_chinese_names_in_chinese_order_everywhere():
    user = User.objects.create_user("zhangwen", first_name="文", last_name="张")
    assert user.get_full_name() == "张文"
    assert user.get_short_name() == "张文"
    assert get_user_display_name(user) == "张文"  # workflow history, listings, revisions
    assert staff_name(user) == "张文"  # the 审查单, screen and PDF
    # The sidebar's account menu showed the given name alone (“文”).
    module = MainMenuModule([], [], user)
    assert module.js_args()[2]["name"] == "张文"


def test_western_names_keep_django_order():
    user = User.objects.create_user("jdoe", first_name="Jane", last_name="Doe")
    assert user.get_full_name() == "Jane Doe"
    assert user.get_short_name() == "Jane"
    assert get_user_display_name(User.objects.create_user("nobody")) == "nobody"


def test_workflow_history_names_the_reviewer_family_name_first(client, world):
    from gongkai.conftest import login_verified

    world.drafter.first_name, world.drafter.last_name = "文", "张"
    world.drafter.save()
    login_verified(client, world.drafter)
    html = client.get("/admin/").content.decode()
    assert "张文" in html and "文 张" not in html
