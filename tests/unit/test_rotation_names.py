"""The rule that says which names are rotated generations of a followed file's name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.tail.rotation_names import is_rotation_of, live_names_of, same_live_file

ROTATIONS_OF_APP_LOG = [
    "app.log.1", "app.log.12", "app.log-20261126", "app.log.2026-11-26", "app.log.2026-11-26.3",
    "app.log.2026-11-26_13", "app.log_7", "app.1.log", "app.2026-11-26.log", "app.2026-11-26.1.log",
    "app-2026-11-26.1.log", "app.2026-11-26_13.3.log", "app.log.1.gz", "app.2026-11-26.1.log.gz",
    "app-20261126.log.gz",
]
NOT_ROTATIONS_OF_APP_LOG = [
    "app.log", "app.log.gz", "app.log.bak", "app.log.1.swp", "app-error.log", "app.logx", "app.log.",
    "app.log..1", "app.log.1.", "xapp.log.1", "other.log.1", "app.log.1.zip", "app.log.tmp.1", "app.log.v1",
    "app.1.txt", "app.log.1.log", "app..log",
]


@pytest.mark.parametrize("name", ROTATIONS_OF_APP_LOG)
def test_logrotate_and_logback_generation_names_are_rotations(name: str) -> None:
    assert is_rotation_of(name, "app.log")
    assert "app.log" in live_names_of(name)


@pytest.mark.parametrize("name", NOT_ROTATIONS_OF_APP_LOG)
def test_names_with_letters_or_empty_counters_are_not_rotations(name: str) -> None:
    assert not is_rotation_of(name, "app.log")


def test_a_name_without_extension_has_rotations_by_suffix_only() -> None:
    assert is_rotation_of("messages-20261126", "messages")
    assert is_rotation_of("messages.1.gz", "messages")
    assert not is_rotation_of("messages", "messages")
    assert not is_rotation_of("messages-old", "messages")


STEMS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_", min_size=1, max_size=12).filter(
    lambda stem: stem[0].isalpha() and stem[-1].isalpha())
EXTENSIONS = st.sampled_from([".log", ".txt", ".out", ""])
SEPARATORS = st.sampled_from(".-_")
COUNTERS = st.lists(st.integers(min_value=0, max_value=99_999_999), min_size=1, max_size=3).flatmap(
    lambda parts: st.lists(SEPARATORS, min_size=len(parts) - 1, max_size=len(parts) - 1).map(
        lambda seps: "".join(str(p) + (seps[i] if i < len(seps) else "") for i, p in enumerate(parts))))


@given(STEMS, EXTENSIONS, SEPARATORS, COUNTERS, st.booleans(), st.booleans())
def test_every_generated_rotation_is_recognised_and_leads_back_to_its_live_name(
        stem: str, extension: str, separator: str, counter: str, inside: bool, compressed: bool) -> None:
    live = stem + extension
    if inside and extension:
        name = stem + separator + counter + extension
    else:
        name = live + separator + counter
    name += ".gz" if compressed else ""
    assert is_rotation_of(name, live)
    assert live in live_names_of(name)


@given(STEMS, EXTENSIONS, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6), SEPARATORS)
def test_a_suffix_with_letters_is_never_a_rotation(stem: str, extension: str, word: str, separator: str) -> None:
    live = stem + extension
    assert not is_rotation_of(live + separator + word, live)
    assert not is_rotation_of(stem + separator + word + extension, live)


@given(st.text(max_size=30), st.text(min_size=1, max_size=30))
def test_the_rule_is_total_and_a_name_is_never_its_own_rotation(name: str, live: str) -> None:
    assert not is_rotation_of(live, live)
    for candidate in live_names_of(name):
        assert is_rotation_of(name, candidate)


def test_generations_renamed_along_a_rotation_chain_belong_to_the_same_live_file() -> None:
    assert same_live_file("app.log.2", "app.log.3")
    assert same_live_file("app.log.1", "app.log")
    assert not same_live_file("app.log", "app.log.1"), "the live file is not a copy of its rotation"
    assert same_live_file("app.2026-11-26.1.log", "app.log.2")
    assert not same_live_file("app.log.2", "other.log.3")
    assert not same_live_file("app.log.bak", "app.log.1")
