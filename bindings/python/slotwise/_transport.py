"""The default HTTP transport of slotwise: one real HTTP(S) request with urllib.

slotwise opens no sockets in C++: ``TenantScope.start_checkout`` and
``TenantScope.refund`` hand each request to a Python callable::

    transport(method: str, url: str, headers: dict[str, str], body: bytes)
        -> (status: int, body: bytes | str)

When none is given they use ``urllib_transport`` below, which makes a real
HTTPS request to api.stripe.com with the standard library (system CA
certificates, the ``*_proxy`` environment variables, a 30-second timeout).
Pass your own callable to use your HTTP client, timeouts or proxies, or a
fake in tests. A non-2xx status is an answer, returned as such; raise only
when no answer was received (the engine then raises ``ProviderError`` with
your exception as ``__cause__``).
"""

import urllib.error
import urllib.request

__all__ = ["DEFAULT_TIMEOUT", "urllib_transport"]

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for the connection and for each read."""


def urllib_transport(method, url, headers, body, timeout=DEFAULT_TIMEOUT):
    """Performs one HTTP request with urllib.request; returns (status, body bytes).

    HTTP error statuses (4xx, 5xx) are returned, not raised; connection
    failures and timeouts raise (``urllib.error.URLError``, ``OSError``).
    Use ``functools.partial(urllib_transport, timeout=10)`` for another timeout.
    """
    request = urllib.request.Request(
        url,
        data=None if method in ("GET", "HEAD") else bytes(body),
        headers=dict(headers),
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()
