"""The public API at /api/v1/.

Apps meet here through a registry: every gongkai app that has an `api.py`
with a `router` gets it mounted under its own prefix (the module's
`PREFIX`, or the app label). This file imports no app's router by name.

Every answer follows the public pages' HTTP cache policy
(`gongkai.portal.cache.set_public_cache_headers`): an anonymous 200 GET may be
kept by nginx or a CDN; anything for a signed-in user, with a session or not a
GET is never marked shareable.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from gongkai.portal.cache import set_public_cache_headers


class PublicAPI(NinjaAPI):
    """NinjaAPI whose responses carry the public cache headers."""

    def create_response(
        self,
        request: HttpRequest,
        data,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return set_public_cache_headers(request, response)


api = PublicAPI(
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
