"""The errors a service client raises: all :class:`~cen_search.errors.RemoteServiceError`
(exit code 3), so a caller can tell "the service failed" from its own kinds of failure and
re-raise with its own hint when that helps (a strategy run turns :class:`RequestTooLongError`
into a strategy error)."""

from __future__ import annotations

from cen_search.errors import RemoteServiceError


class QuotaExhaustedError(RemoteServiceError):
    """The service's usage budget or quota ran out; retrying before it resets is pointless."""

    code = "quota-exhausted"

    def __init__(self, message: str, *, hint: str = "", reset_seconds: float | None = None):
        super().__init__(message, hint=hint)
        self.reset_seconds = reset_seconds
        """Seconds until the budget resets, when the service said."""


class BadResponseError(RemoteServiceError):
    """The body is not what was asked for (an HTML page, JSON cut short, the wrong document):
    worth another attempt, never cached."""

    code = "bad-response"


class ServiceReportedError(RemoteServiceError):
    """The service answered, and its answer is an error (``errCode`` inside an HTTP 200, an
    ESearch ``<ERROR>``): not retried, never cached."""

    code = "service-error"


class RequestTooLongError(RemoteServiceError):
    """The request would be longer than the service accepts; it was not sent."""

    code = "request-too-long"


__all__ = [
    "BadResponseError",
    "QuotaExhaustedError",
    "RemoteServiceError",
    "RequestTooLongError",
    "ServiceReportedError",
]
