"""English `... in 12 ms` / `... after 12 ms` timings (`parsers/timing/in_sentence.py`), through
`MethodTimingParser`, and the waits and settings that read the same way."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.timing.free import MAX_TIMING_NS
from parsers.timing.in_sentence import find_in_timing
from parsers.timing.method import MethodTiming, MethodTimingParser

MS = 1_000_000


@pytest.fixture(scope="module")
def parser():
    return MethodTimingParser()


@pytest.mark.parametrize(
    "message, name, ns",
    [
        ("Root WebApplicationContext: initialization completed in 1303 ms",
         "Root WebApplicationContext: initialization completed", 1303 * MS),
        ("Completed initialization in 110 ms", "Completed initialization", 110 * MS),
        ("Finished Spring Data repository scanning in 29ms. Found 0 repository interfaces.",
         "Finished Spring Data repository scanning", 29 * MS),
        ("Started PayApplication in 6.476 seconds (process running for 6.879)", "Started PayApplication", 6_476 * MS),
        ("[logStarted,61] - Started RuoYiApplication in 6.192 seconds (JVM running for 7.501)",
         "Started RuoYiApplication", 6_192 * MS),
        ("settlement file parsed in [812] ms", "settlement file parsed", 812 * MS),
        ("channel answered after 1,204 ms", "channel answered", 1_204 * MS),
        ("ledger query completed in 110 ms and returned 3 rows", "ledger query completed", 110 * MS),
        ("signature verified in 350 µs", "signature verified", 350_000),
        ("Removed 3 expired offsets in 13 milliseconds.", "Removed * expired offsets", 13 * MS),
        ("purged 12 expired sessions in 4 ms", "purged * expired sessions", 4 * MS),
        # seconds after a verb in the past tense, a task's name (one word) between them
        ("Completed compute_rmsd in 2.97s", "Completed compute_rmsd", 2_970 * MS),
        ("Finished settle.daily_batch in 12.41 seconds", "Finished settle.daily_batch", 12_410 * MS),
        # the duration in brackets (Spring Surf's web script containers, on every start)
        ("Initialised Repository Web Script Container (in 16850.33ms)", "Initialised Repository Web Script Container",
         16_850_330_000),
        ("settlement file parsed [in 35 ms]", "settlement file parsed", 35 * MS),
        # Spring Batch's step and job durations past a second
        ("Step: [settleStep] executed in 5s650ms", "Step: [settleStep] executed", 5_650 * MS),
        ("Job: [SimpleJob: [name=settleJob]] completed with the following parameters: [{}] and the following status: "
         "[COMPLETED] in 1m2s345ms", "Job: [SimpleJob: [name=*]] completed with the following parameters: [{}] and the "
         "following status: [COMPLETED]", 62_345 * MS),
        # milliseconds grouped by a JVM in a French locale (U+00A0; U+202F since JDK 13)
        ("Deployment of web application archive /opt/tomcat/webapps/pay.war has finished in 118\u00a0821 ms",
         "/opt/tomcat/webapps/pay.war", 118_821 * MS),
        ("Server startup in 12\u202f345 ms", "Server startup", 12_345 * MS),
    ],
)
def test_sentence_closing_with_a_duration_is_a_timing(parser, message, name, ns):
    assert parser.parse(message) == MethodTiming(name, ns)


@pytest.mark.parametrize(
    "message",
    [
        "connect failed, retry in 2000 ms",
        "token expires in 3600s",
        "Connection timed out after 3000 ms",
        "will be retried in 5 seconds",
        "job scheduled to run in 500 ms",
        "next poll in 250 ms",
        "sleeping, wake up in 5 s",
        "counted in 5 ms buckets",
        "User logged in successfully",
        "The last packet was received 4,123 milliseconds ago",
        "reconnecting in 3000 ms",
        "Session expired after 30000 ms",
        "lease expired in 5 ms",
        "cache_entry expires in 3600s",
        "refresh_token valid_for in 30s",
    ],
)
def test_waits_plans_and_measures_are_not_timings(parser, message):
    assert parser.parse(message) is None


@settings(max_examples=300, deadline=None)
@given(st.builds(lambda a, w, n, u, b: a + w + n + u + b, st.text(max_size=40),
                 st.sampled_from([" in ", " after ", " in [", "ed in "]),
                 st.from_regex(r"[0-9]{1,20}(,[0-9]{3})*(\.[0-9]{1,12})?", fullmatch=True),
                 st.sampled_from(["", " ms", "ms]", " seconds", "s", " µs", " min"]), st.text(max_size=20)))
def test_in_timing_never_raises_and_stays_in_bounds(message):
    found = find_in_timing(message)
    if found is not None:
        start, end, ns = found
        assert 0 <= start < end <= len(message)
        assert 0 <= ns <= MAX_TIMING_NS


# what expires in real logs; a random word could itself be a wait (`ttl`, `poll`, `retry`)
_EXPIRED_NOUNS = ("offsets", "sessions", "tokens", "keys", "entries", "records", "locks", "orders", "leases",
                  "certificates", "transactions", "messages", "files", "reservations", "payments", "caches")


@given(st.sampled_from(_EXPIRED_NOUNS), st.integers(0, 10**6))
def test_expired_before_a_noun_does_not_make_the_sentence_a_wait(noun, ms):
    """`expired` is a state of what was handled (`Removed 3 expired offsets in 12 ms`); only
    `expired in|after|at` or `expires`, `expiry` name a wait or a deadline."""
    got = find_in_timing(f"Removed 3 expired {noun} in {ms} milliseconds.")
    assert got is not None and got[2] == ms * MS


# words that make a sentence's duration a wait or a setting, as a web application names its
# routes and query parameters (Django's login redirect `?next=`, `/retry/`, `?timeout=30`)
_WAIT_WORDS = ("next", "retry", "wait", "timeout", "delay", "schedule", "poll", "refresh", "interval",
               "sleep", "again", "valid", "heartbeat", "expires", "will", "every", "ttl", "idle")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_WAIT_WORDS), st.sampled_from(["/{w}/", "/login/?{w}=/admin/", "/api/{w}", "/x?a=1&{w}=2"]),
       st.sampled_from(["GET", "POST", "HEAD"]), st.integers(0, 10**6), st.integers(0, 59_999))
def test_a_wait_word_inside_a_path_or_url_leaves_the_request_timed(word, path, method, size, ms):
    """uWSGI's request line ends `METHOD /path => generated N bytes in N msecs`: a word of the
    path or its query is the URL's, not a word of the sentence."""
    line = f"{method} {path.format(w=word)} => generated {size} bytes in {ms} msecs (HTTP/1.1 200)"
    got = find_in_timing(line)
    assert got is not None and got[2] == ms * MS


@given(st.sampled_from(("retry", "wait", "delay", "timeout", "poll")), st.integers(1, 10**6))
def test_the_same_word_in_the_sentence_still_makes_it_a_wait(word, ms):
    assert find_in_timing(f"{word} /api/orders/7 in {ms} ms") is None
    assert find_in_timing(f"GET /orders/ {word} in {ms} ms") is None
