"""The session cookie is set by the server, HttpOnly, in exchange for a one-time code (never the token in the page)."""

from starlette.requests import Request

from dashboard import session_cookie
from dashboard.session_cookie import COOKIE, HANDOVER_SECONDS, ROUTE, cookie_route, hand_over, redeem


def post(body: bytes, scheme: str = "http"):
    scope = {
        "type": "http",
        "method": "POST",
        "path": ROUTE,
        "headers": [],
        "scheme": scheme,
        "server": ("127.0.0.1", 8501),
        "query_string": b"",
    }

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return _complete(cookie_route(Request(scope, receive)))


def _complete(coroutine):
    """Run a coroutine that never waits (its request body is at hand) without an event loop:
    Playwright's sync API may be running one in this thread already."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the route waited for something")


def test_a_code_is_good_once_and_for_a_minute():
    assert HANDOVER_SECONDS == 60
    code = hand_over("tok-1", now=100.0)
    assert redeem(code, now=159.9) == "tok-1"
    assert redeem(code, now=110.0) is None  # used
    late = hand_over("tok-2", now=100.0)
    assert redeem(late, now=160.0) is None  # 100 + 60: expired
    assert redeem("made-up", now=100.0) is None
    clear = hand_over(None, now=100.0)
    assert redeem(clear, now=100.0) == ""  # stands for clearing the cookie


def test_expired_codes_are_dropped_when_the_next_is_made():
    hand_over("old", now=1000.0)
    hand_over("new", now=1061.0)
    assert all(deadline > 1061.0 for _, deadline in session_cookie._pending.values())


def test_the_route_sets_an_httponly_strict_cookie_for_a_code():
    response = post(hand_over("tok-3").encode())
    assert response.status_code == 204
    (cookie,) = response.headers.getlist("set-cookie")
    assert cookie.startswith(f"{COOKIE}=tok-3;")
    parts = {p.strip().lower() for p in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/", "max-age=28800"} <= parts  # 8 hours
    assert "secure" not in parts  # plain http on localhost; https adds Secure
    secure = post(hand_over("tok-4").encode(), scheme="https").headers["set-cookie"]
    assert "secure" in {p.strip().lower() for p in secure.split(";")}


def test_the_route_clears_and_refuses():
    cleared = post(hand_over(None).encode())
    assert cleared.status_code == 204 and 'perfboard_session="";' in cleared.headers["set-cookie"]
    assert "max-age=0" in cleared.headers["set-cookie"].lower()
    code = hand_over("tok-5").encode()
    assert post(code).status_code == 204
    assert post(code).status_code == 403  # replayed: refused, no cookie
    assert "set-cookie" not in post(code).headers
    assert post(b"x" * 10_000).status_code == 403  # not a code of ours
