"""File identity: device + inode + generation + first-line fingerprint."""

from __future__ import annotations

import os

import pytest

from pipeline.tail.identity import FINGERPRINT_MAX_BYTES, FileIdentity, fingerprint_of, identify


def test_a_file_has_no_identity_until_its_first_line_is_complete() -> None:
    assert fingerprint_of(b"") is None
    assert fingerprint_of(b"2024-01-01 started") is None
    assert fingerprint_of(b"2024-01-01 started\n") is not None


def test_the_fingerprint_does_not_change_as_the_file_grows() -> None:
    first = fingerprint_of(b"first line\n")
    assert fingerprint_of(b"first line\nsecond line\n") == first
    assert fingerprint_of(b"first line\n" + b"x" * 5000) == first


def test_a_first_line_without_newline_is_identified_once_it_reaches_the_cap() -> None:
    assert fingerprint_of(b"x" * (FINGERPRINT_MAX_BYTES - 1)) is None
    capped = fingerprint_of(b"x" * FINGERPRINT_MAX_BYTES)
    assert capped is not None
    assert fingerprint_of(b"x" * (FINGERPRINT_MAX_BYTES * 3) + b"\n") == capped


def test_different_first_lines_give_different_fingerprints() -> None:
    assert fingerprint_of(b"old file\n") != fingerprint_of(b"new file\n")


def test_file_id_round_trips_and_carries_the_generation() -> None:
    ident = FileIdentity(0xFE00, 12345, 0, "ab" * 16)
    again = FileIdentity.from_file_id(ident.file_id)
    assert again == ident
    bumped = ident.with_generation(1)
    assert bumped.key == ident.key
    assert bumped.file_id != ident.file_id


@pytest.mark.parametrize("text", ["", "a-b-c", "1-2-abc-g0", "1-2-" + "ab" * 16 + "-0"])
def test_from_file_id_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        FileIdentity.from_file_id(text)


async def test_identify_waits_for_the_first_line(tmp_path) -> None:
    path = tmp_path / "app.log"
    path.write_bytes(b"partial")
    assert await identify(path) is None
    with path.open("ab") as out:
        out.write(b" line\n")
    ident = await identify(path)
    assert ident is not None
    st = os.stat(path)
    assert (ident.device, ident.inode, ident.generation) == (st.st_dev, st.st_ino, 0)


async def test_file_id_is_stable_across_a_rename(tmp_path) -> None:
    path = tmp_path / "app.log"
    path.write_bytes(b"line one\n")
    before = await identify(path)
    rotated = tmp_path / "app.log.1"
    os.rename(path, rotated)
    with rotated.open("ab") as out:
        out.write(b"line two\n")
    assert await identify(rotated) == before


async def test_a_new_file_at_the_same_path_is_another_identity(tmp_path) -> None:
    path = tmp_path / "app.log"
    path.write_bytes(b"old file\n")
    old = await identify(path)
    path.unlink()
    path.write_bytes(b"new file\n")
    new = await identify(path)
    assert old is not None and new is not None
    # even if the filesystem reused the inode, the fingerprint tells them apart
    assert new.key != old.key


async def test_identify_a_missing_file_raises(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        await identify(tmp_path / "missing.log")
