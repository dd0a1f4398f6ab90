"""Second factor for staff (双因素认证): TOTP authenticator apps plus one-time backup codes.

Site administrators (settings.OTP_REQUIRED_ROLES) and superusers must verify
a code before any admin page (see `middleware.py`); other staff may enrol.
Devices are django-otp's: one confirmed TOTPDevice and one StaticDevice
holding the backup codes. Verification goes through django-otp, so its
throttling (1, 2, 4, 8 … seconds after successive wrong codes) applies.
"""

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device, VerifyNotAllowed
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator
from wagtail import hooks
from wagtail.log_actions import LogActionRegistry

from gongkai.core.audit import audit, register_audit_actions

from .roles import user_has_role

BACKUP_CODE_COUNT = 10
PENDING_DEVICE_NAME = "pending"
DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


class TwoFactorAction(models.TextChoices):
    """Audit actions of the second factor (双因素认证)."""

    ENROL = "org.two_factor.enrol", _("Second factor set up")
    VERIFY = "org.two_factor.verify", _("Second factor verified")
    BACKUP_CODE_USED = "org.two_factor.backup_code", _("Backup code used")
    FAIL = "org.two_factor.fail", _("Wrong second-factor code")
    RESET = "org.two_factor.reset", _("Second factor reset by an administrator")


@hooks.register("register_log_actions")
def register_two_factor_actions(actions: LogActionRegistry) -> None:
    register_audit_actions(actions, TwoFactorAction)


class TwoFactorError(Exception):
    """A code was refused; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


def user_needs_second_factor(user: Any) -> bool:
    """Superusers and members of settings.OTP_REQUIRED_ROLES must use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(user_has_role(user, code) for code in settings.OTP_REQUIRED_ROLES)


def user_has_second_factor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user, confirmed=True)


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def totp_device_get_or_create_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed device a user is enrolling; the same secret until they confirm it."""
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .filter(name=PENDING_DEVICE_NAME)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps want it typed in, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL of `device` as an inline SVG QR code (no external service)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # Drop the XML declaration so the SVG can sit inline in HTML.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1].lstrip()
    return svg


def totp_current_code(device: TOTPDevice) -> str:
    """The code `device` accepts right now (the demo's `totp_code` command)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def _throttle_message(device: Device) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    info = info or {}
    if info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        locked_until: datetime | None = info.get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
        return gettext(
            "Too many wrong codes. Wait %(seconds)d seconds, then enter the current code."
        ) % {"seconds": seconds}
    return info.get("error_message") or gettext("This code cannot be checked now. Try again later.")


def _normalise(token: str) -> str:
    return "".join(token.split()).lower()


def _backup_codes_regenerate(*, user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_device_confirm(*, user: Any, device: TOTPDevice, token: str) -> Enrolment:
    """Confirm an enrolling device with its first code.

    On success the device becomes the user's only authenticator, any older
    TOTP device and backup codes are replaced, ten new backup codes are made
    (returned, to be shown once) and the enrolment is audited. A wrong code
    raises TwoFactorError and counts towards django-otp's throttling (the
    failure is committed, so the check stays outside the atomic block).
    """
    if device.user_id != user.pk or device.confirmed:
        raise TwoFactorError(gettext("This set-up has expired. Start again."))
    device.refresh_from_db()
    message = _throttle_message(device)
    if message:
        raise TwoFactorError(message)
    verified = otp_verify_token(user, device.persistent_id, _normalise(token))
    if verified is None:
        audit(user, TwoFactorAction.FAIL, user=user, data={"stage": "enrol"})
        raise TwoFactorError(
            gettext("The code is wrong or has expired. Check the time on your phone and try again.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=verified.pk).delete()
        verified.confirmed = True
        verified.name = DEVICE_NAME
        verified.save(update_fields=["confirmed", "name"])
        codes = _backup_codes_regenerate(user=user)
        audit(user, TwoFactorAction.ENROL, user=user)
    return Enrolment(device=verified, backup_codes=codes)


def second_factor_verify(*, user: Any, token: str) -> Device:
    """Check a code from the authenticator app or a backup code; return the device that took it.

    A backup code is used up. Every attempt is audited. A wrong code raises
    TwoFactorError and counts towards throttling; while throttled, even a
    right code is refused with how long to wait.
    """
    token = _normalise(token)
    if token.isdigit():
        candidates: list[Device] = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in candidates:
        message = _throttle_message(device)
        if message:
            raise TwoFactorError(message)
    for device in candidates:
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            action = (
                TwoFactorAction.BACKUP_CODE_USED
                if isinstance(verified, StaticDevice)
                else TwoFactorAction.VERIFY
            )
            data = {}
            if isinstance(verified, StaticDevice):
                data["backup_codes_left"] = verified.token_set.count()
            audit(user, action, user=user, data=data)
            return verified
    audit(user, TwoFactorAction.FAIL, user=user, data={"stage": "verify"})
    raise TwoFactorError(
        gettext("The code is wrong or has expired. Check the time on your phone and try again.")
    )


@transaction.atomic
def totp_device_create_for_demo(*, user: Any, key_hex: str) -> TOTPDevice:
    """Give a demo account a confirmed authenticator with a known secret (idempotent).

    For the demo seed only, so `manage.py totp_code <username>` can print the
    code. The account's other TOTP devices are removed.
    """
    key_validator(key_hex)
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEVICE_NAME,
        defaults={"key": key_hex, "confirmed": True},
    )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def user_can_reset_second_factor(actor: Any) -> bool:
    """Superusers and site administrators may reset another account's second factor."""
    from .roles import SITE_ADMIN

    return bool(getattr(actor, "is_authenticated", False)) and (
        actor.is_superuser or user_has_role(actor, SITE_ADMIN)
    )


@transaction.atomic
def second_factor_reset(*, user: Any, by: Any) -> int:
    """Remove every second-factor device of `user` (lost phone); they enrol again at next sign-in.

    Returns the number of devices removed. Only superusers and site administrators may do
    this, and nobody may reset their own (that would let a stolen session replace it).
    """
    if not user_can_reset_second_factor(by):
        raise PermissionError("not allowed to reset a second factor")
    if by.pk == user.pk:
        raise TwoFactorError(gettext("You cannot reset your own second factor."))
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    audit(user, TwoFactorAction.RESET, user=by, data={"devices_removed": removed})
    return removed
