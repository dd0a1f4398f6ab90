"""The demo's press list: two outlets that follow the bureau's publications (demo addresses)."""

from django.utils import timezone

DEPENDS = ["portal", "catalog"]

# (name, outlet, e-mail, columns, frequency): example.com addresses, nothing is delivered.
DEMO_SUBSCRIBERS = [
    ("王磊", "毕节日报", "wanglei@bjrb.example.com", ["decisions", "results"], "daily"),
    ("陈晓雪", "毕节广播电视台", "chenxx@bjtv.example.com", ["decisions", "services"], "weekly"),
]


def seed(*, stdout) -> None:
    from .models import Subscriber, SubscriberStatus
    from .selectors import column_choices

    open_columns = {key for key, _title in column_choices()}
    created = 0
    now = timezone.now()
    for name, outlet, email, columns, frequency in DEMO_SUBSCRIBERS:
        _subscriber, made = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "organisation": outlet,
                "columns": [key for key in columns if key in open_columns],
                "frequency": frequency,
                "status": SubscriberStatus.ACTIVE,
                "confirmed_at": now,
                "digest_cursor": now,
            },
        )
        created += made
    if created:
        stdout.write(f"  press: {created} demo subscribers (新闻媒体)")
