"""The public API at /api/v1/.

Apps meet here through a registry: every gongkai app that has an `api.py`
with a `router` gets it mounted under its own prefix (the module's
`PREFIX`, or the app label). This file imports no app by name.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from ninja import NinjaAPI

api = NinjaAPI(
    title="gongkai 政务公开平台 API",
    version="1",
    description="公开数据接口：只返回已公开的信息。",
    urls_namespace="api-v1",
    docs_url="/docs",
)

for app_config in apps.get_app_configs():
    if not app_config.name.startswith("gongkai."):
        continue
    module_name = f"{app_config.name}.api"
    if find_spec(module_name) is None:
        continue
    module = import_module(module_name)
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(getattr(module, "PREFIX", app_config.label), router)


@api.get("/", include_in_schema=False)
def index(request):
    """Where to start: the OpenAPI document and its browsable docs."""
    return {
        "name": api.title,
        "version": api.version,
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }
