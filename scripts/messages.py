#!/usr/bin/env python
"""Refresh and compile the gettext catalogues (zh_Hans) of gongkai's apps.

Each app keeps its own catalogue in gongkai/<app>/locale/. Usage:
    python scripts/messages.py            # every app
    python scripts/messages.py core org   # just these
The compiled .mo files are committed, so a fresh clone needs no gettext tools.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main(names: list[str]) -> int:
    apps = sorted(p for p in (ROOT / "gongkai").iterdir() if (p / "apps.py").exists())
    if names:
        apps = [p for p in apps if p.name in names]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings.local"}
    for app in apps:
        (app / "locale").mkdir(exist_ok=True)
        for domain in ("django",):
            subprocess.run(
                [
                    PYTHON,
                    str(ROOT / "manage.py"),
                    "makemessages",
                    "-l",
                    "zh_Hans",
                    "-d",
                    domain,
                    "--no-obsolete",
                    "--add-location",
                    "file",
                    "--ignore",
                    "tests/*",
                ],
                cwd=app,
                env=env,
                check=True,
            )
        subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "compilemessages", "-l", "zh_Hans"],
            cwd=app,
            env=env,
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
