"""Print the current second-factor code of a demo account (DEMO_MODE only)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.org.two_factor import confirmed_totp_device, totp_current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's authenticator (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "totp_code 只在演示模式 (DEMO_MODE=true) 下可用。"
                " (totp_code is a demo convenience and is off unless DEMO_MODE is true)"
            )
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"没有用户 {username}。 (no such user)")
        device = confirmed_totp_device(user)
        if device is None:
            raise CommandError(
                f"用户 {username} 没有已确认的动态口令设备。 (no confirmed TOTP device)"
            )
        self.stdout.write(totp_current_code(device))
