"""Scrubbing: secret headers, cookies, query parameters and their echoes; volatile headers."""

from __future__ import annotations

import base64

import pytest

from harness.cassettes import Interaction, dump_cassette, make_interaction
from harness.cassettes.scrub import PLACEHOLDER, Scrubber
from harness.config import RecordSettings

FEED = "https://feeds.example.test/rss.xml"


def test_url_scrubs_secret_params_and_keeps_the_rest_byte_for_byte() -> None:
    url = "https://x.test/feed?API_KEY=abc123456&lang=zh%2Dcn&q=a+b&Token=t0k&sig=&flag"
    assert Scrubber().url(url) == (
        "https://x.test/feed?API_KEY=SCRUBBED&lang=zh%2Dcn&q=a+b&Token=SCRUBBED&sig=SCRUBBED&flag"
    )
    assert Scrubber().url("https://x.test/feed") == "https://x.test/feed"


def test_configured_names_are_added_to_the_built_in_lists() -> None:
    settings = RecordSettings(scrub_headers=("X-Tenant",), scrub_query_params=("Client",))
    scrubber = Scrubber.from_settings(settings, extra_headers=["X-Feed-Pass"])
    assert {"x-tenant", "x-feed-pass", "authorization"} <= scrubber.headers
    assert {"client", "api_key"} <= scrubber.params
    assert scrubber.url("https://x.test/?client=acme&lang=en") == (
        "https://x.test/?client=SCRUBBED&lang=en"
    )


def interaction_with_secrets() -> list[Interaction]:
    basic = base64.b64encode(b"reader:basic-pass-777").decode()
    feed = make_interaction(
        f"{FEED}?api_key=query%2Fsecret%2B111&lang=en",
        (
            b"<rss><!-- echo: query/secret+111 bearer-secret-222 cookie-secret-333 "
            b"set-cookie-secret-444 basic-pass-777 query%2Fsecret%2B111 -->"
            b"<channel><title>ok</title><description>short abc here</description></channel></rss>"
        ),
        headers={
            "Content-Type": "application/rss+xml",
            "Content-Length": "999",
            "Set-Cookie": [
                "sess=set-cookie-secret-444; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT"
            ],
            "Date": "Wed, 06 Dec 2023 15:45:03 GMT",
            "Age": "12",
            "Expires": "Wed, 06 Dec 2023 16:45:03 GMT",
            "CF-Ray": "83a1b2c3d4e5-CDG",
            "X-Request-Id": "b1946ac9",
            "X-Amz-Cf-Id": "abcdef==",
            "X-Served-By": "cache-cdg20731-CDG",
            "X-Cache": "HIT",
            "X-Cache-Hits": "3",
            "Report-To": '{"group":"cf-nel"}',
            "NEL": '{"report_to":"cf-nel"}',
            "Server-Timing": "cfRequestDuration;dur=12.3",
            "ETag": '"5f1-abc"',
            "Last-Modified": "Wed, 06 Dec 2023 15:00:00 GMT",
            "X-Echo": "you sent bearer-secret-222",
        },
        request_headers={
            "Authorization": "Bearer bearer-secret-222",
            "Proxy-Authorization": f"Basic {basic}",
            "Cookie": "consent=yes; session=cookie-secret-333",
            "User-Agent": "feedharness/0.1",
        },
    )
    redirect = make_interaction(
        "https://feeds.example.test/old",
        b"",
        status=302,
        reason="Found",
        headers={"Location": f"{FEED}?api_key=query%2Fsecret%2B111&lang=en"},
    )
    return [redirect, feed]


def test_secrets_are_gone_from_the_dumped_cassette() -> None:
    scrubbed = Scrubber().interactions(interaction_with_secrets())
    text = dump_cassette(scrubbed)
    for secret in (
        "query/secret+111",  # the query value, decoded
        "query%2Fsecret%2B111",  # and as the URL carries it
        "bearer-secret-222",
        "cookie-secret-333",
        "set-cookie-secret-444",
        "basic-pass-777",
        base64.b64encode(b"reader:basic-pass-777").decode(),
    ):
        assert secret not in text, secret
    redirect, feed = scrubbed
    assert redirect.response_headers["Location"] == (f"{FEED}?api_key={PLACEHOLDER}&lang=en",)
    assert feed.uri == f"{FEED}?api_key={PLACEHOLDER}&lang=en"  # the redirect still leads here
    assert feed.request_headers["Authorization"] == (PLACEHOLDER,)
    assert feed.request_headers["Cookie"] == (PLACEHOLDER,)
    assert feed.request_headers["User-Agent"] == ("feedharness/0.1",)
    assert feed.response_headers["Set-Cookie"] == (f"sess={PLACEHOLDER}",)
    assert feed.response_headers["X-Echo"] == (f"you sent {PLACEHOLDER}",)


def test_volatile_headers_go_etag_and_last_modified_stay() -> None:
    _, feed = Scrubber().interactions(interaction_with_secrets())
    assert sorted(feed.response_headers) == [
        "Content-Length",
        "Content-Type",
        "ETag",
        "Last-Modified",
        "Set-Cookie",
        "X-Echo",
    ]


def test_body_echoes_are_replaced_and_content_length_follows() -> None:
    _, feed = Scrubber().interactions(interaction_with_secrets())
    body = feed.response.body
    assert body.count(PLACEHOLDER.encode()) == 6
    assert b"short abc here" in body  # "yes" (the consent cookie) is too short to search for
    assert feed.response_headers["Content-Length"] == (str(len(body)),)


def test_scrubbing_twice_changes_nothing() -> None:
    once = Scrubber().interactions(interaction_with_secrets())
    assert Scrubber().interactions(once) == once


@pytest.mark.parametrize(
    ("header", "value", "found"),
    [
        ("Authorization", "Bearer tok-123456", {"Bearer tok-123456", "tok-123456"}),
        ("Authorization", "opaque-value", {"opaque-value"}),
        ("Cookie", "a=1; b=two-2222", {"a=1; b=two-2222", "1", "two-2222"}),
        ("X-Api-Key", "k-999999", {"k-999999"}),
    ],
)
def test_secret_values_found_in_headers(header: str, value: str, found: set[str]) -> None:
    interaction = make_interaction(FEED, b"x", request_headers={header: value})
    assert set(Scrubber().secrets([interaction])) == found
