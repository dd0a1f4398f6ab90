import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings.local")
django_application = get_wsgi_application()

# Anonymous public pages are answered from memory before Django is entered
# (PAGE_CACHE; see gongkai/core/pagecache.py).
from gongkai.core.pagecache import wrap  # noqa: E402

application = wrap(django_application)
