import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Exit non-zero, saying so, if the port `make run` serves on is taken."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host, port, **options):
        if not port_is_free(host, port):
            raise CommandError(
                f"端口 {port} 已被占用：请先停止占用它的程序，或换一个端口，例如 `PORT=8001 make run`。"
                f" (port {port} on {host} is already in use)"
            )
