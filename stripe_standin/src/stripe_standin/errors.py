"""The two kinds of failure: API errors in Stripe's shape, and refused session moves.

:class:`StripeError` is what an API call answers (``{"error": {...}}`` with
Stripe's status and type); :class:`SessionStateError` is what the control API
and the hosted page raise when a session cannot make the requested move.
"""


class StripeError(Exception):
    """An API error, answered in Stripe's shape ``{"error": {...}}``.

    stripe-python picks the exception class from the HTTP status and the
    error type: 400 invalid_request_error -> InvalidRequestError,
    401 -> AuthenticationError, 402 card_error -> CardError, 5xx -> APIError.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        error_type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.error = {"type": error_type, "message": message, **extra}
        if param is not None:
            self.error["param"] = param
        if code is not None:
            self.error["code"] = code

    def body(self) -> dict:
        return {"error": dict(self.error)}


def missing(param: str) -> StripeError:
    """Stripe's error for a required parameter that was not sent."""
    return StripeError(f"Missing required param: {param}.", param=param, code="parameter_missing")


def no_such(kind: str, object_id: str, *, param: str = "id", status: int = 404) -> StripeError:
    """Stripe's error for an id that names nothing (``No such customer: 'cus_...'``)."""
    return StripeError(
        f"No such {kind}: '{object_id}'", status=status, param=param, code="resource_missing"
    )


class SessionStateError(Exception):
    """A session cannot make the requested move (e.g. paying an expired one).

    ``http_status`` is what the hosted page answers: 410 for expired, 409 for
    a session that is already complete or in the wrong payment state.
    """

    def __init__(self, message: str, http_status: int = 409):
        super().__init__(message)
        self.http_status = http_status
