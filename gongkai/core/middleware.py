from .request_context import _current_request


class RequestContextMiddleware:
    """Make the current request available to the audit helper."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
