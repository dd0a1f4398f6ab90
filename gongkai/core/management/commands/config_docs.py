from django.core.management.base import BaseCommand

from gongkai.settings.env import markdown_table


class Command(BaseCommand):
    help = "Print the table of environment variables (the README's configuration section)."

    def handle(self, *args, **options):
        self.stdout.write(markdown_table())
