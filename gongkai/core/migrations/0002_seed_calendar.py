"""Seed the working-day calendar for 2004-2026 from the chinese-calendar package."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.core.calendar_seed import seed_calendar

    seed_calendar(apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay"))


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarYear.objects.filter(source__startswith="chinese-calendar ").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
