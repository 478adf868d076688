import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.masking import Masker, cn_id_valid, luhn_valid
from parsers.options import MaskingOptions

CARD_16 = "6222021234567894"  # Luhn-valid UnionPay-shaped number
CARD_19 = "6222021234567890128"
CN_ID = "11010519491231002X"  # valid MOD 11-2 check character


@pytest.fixture(scope="module")
def masker():
    return Masker(MaskingOptions())


def test_luhn_valid_card_keeps_first_six_and_last_four(masker):
    assert masker.mask(f"card={CARD_16} paid") == ("card=622202******7894 paid", {"card": 1})


def test_nineteen_digit_card_is_masked(masker):
    assert masker.mask(f"卡号{CARD_19}") == ("卡号622202*********0128", {"card": 1})


def test_card_in_groups_of_four_keeps_its_separators(masker):
    assert masker.mask("card 6222 0212 3456 7894 ok")[0] == "card 6222 02** **** 7894 ok"
    assert masker.mask("card 6222-0212-3456-7894")[0] == "card 6222-02**-****-7894"


def test_grouped_card_followed_by_a_number_is_still_found(masker):
    assert masker.mask("card 6222 0212 3456 7894 100 yuan") == ("card 6222 02** **** 7894 100 yuan", {"card": 1})


def test_luhn_invalid_digit_run_is_left_alone(masker):
    assert masker.mask("card=6222021234567895") == ("card=6222021234567895", {})


def test_order_numbers_and_timestamps_are_not_masked(masker):
    text = "tradeNo=20261234567890123456 ts=1700000000000 orderNo=ord_20261126_001001 offset=4812345"
    assert masker.mask(text) == (text, {})


def test_number_starting_with_2026_is_not_taken_for_a_card(masker):
    number = next(f"2026{n:012d}" for n in range(10**6) if luhn_valid(f"2026{n:012d}"))
    assert masker.mask(f"tradeNo={number}") == (f"tradeNo={number}", {})


def _luhn_number(prefix: str, length: int) -> str:
    return next(n for k in range(10**6) if luhn_valid(n := prefix + str(k).zfill(length - len(prefix))))


@pytest.mark.parametrize("prefix, lengths", [
    ("2491", (16,)), ("5105", (16,)), ("4111", (13, 16, 19)), ("3782", (15,)), ("3530", (16, 17, 18, 19)),
    ("3600", (14, 15, 16, 17, 18, 19)), ("6222", (13, 14, 15, 16, 17, 18, 19)), ("5018", (13, 14, 15, 16, 17, 18, 19)),
    ("3112", ()), ("7000", ()),
])
def test_a_card_number_has_a_length_its_issuer_gives(masker, prefix, lengths):
    # an id, trade or request number that passes the Luhn check (one in ten does) stays readable
    # unless its issuer gives cards of its length: an 18-digit request id starting 2491 is none
    for length in range(13, 20):
        number = _luhn_number(prefix, length)
        masked, counts = masker.mask(f"id={number}")
        assert (counts == {"card": 1}) == (length in lengths), (prefix, length)
        assert (masked == f"id={number}") == (length not in lengths)


def test_resident_id_with_valid_checksum_is_masked(masker):
    assert masker.mask(f"idCard={CN_ID},") == ("idCard=110105********002X,", {"cn_id": 1})


def test_resident_id_with_wrong_check_character_is_left_alone(masker):
    assert masker.mask("idCard=110105194912310021") == ("idCard=110105194912310021", {})


def test_resident_id_checks_birth_date():
    assert cn_id_valid(CN_ID)
    body = "11010519490230001"  # 30 February
    for check in "0123456789X":
        assert not cn_id_valid(body + check)


def test_mobile_number_is_masked_in_the_middle(masker):
    assert masker.mask("手机号13812345678，备用+86 13912345678") == ("手机号138****5678，备用+86 139****5678", {"phone": 2})


def test_mobile_inside_longer_digits_or_hex_id_is_left_alone(masker):
    text = "uid=813812345678 prepay_id=wx19246338620a80"
    assert masker.mask(text) == (text, {})


def test_email_keeps_first_letter_and_domain(masker):
    assert masker.mask("mail zhang.san@example.com.cn sent") == ("mail z***@example.com.cn sent", {"email": 1})


def test_configured_pattern_masks_whole_match():
    m = Masker(MaskingOptions(patterns=(r"password=\S+",)))
    assert m.mask("login password=hunter2 ok") == ("login *** ok", {"pattern": 1})


def test_disabled_kinds_are_not_masked():
    m = Masker(MaskingOptions(cards=False, cn_id=False, phones=False, emails=False))
    text = f"{CARD_16} {CN_ID} 13812345678 a@b.cn"
    assert m.mask(text) == (text, {})


def test_counts_add_up_by_kind(masker):
    masked, counts = masker.mask(f"{CARD_16} 13812345678 13912345678 {CN_ID} x@y.com")
    assert counts == {"card": 1, "phone": 2, "cn_id": 1, "email": 1}
    assert "1234567" not in masked


def test_message_without_long_digits_or_at_sign_is_returned_as_is(masker):
    text = "Received pay request orderNo=ord_20261126_001001 merchant=M1002 amount=52.10"
    masked, counts = masker.mask(text)
    assert masked is text and counts == {}


def test_invalid_configured_pattern_is_rejected():
    with pytest.raises(ValueError, match="not a regex"):
        Masker(MaskingOptions(patterns=("(",)))


texts = st.one_of(
    st.text(),
    st.builds(lambda b, e: b.decode("utf-8", e), st.binary(), st.sampled_from(["replace", "surrogateescape"])),
    st.text(alphabet=st.sampled_from("0123456789 -+@X.abc8")),
)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_masker_is_total_and_only_ever_shortens_digits(text):
    masked, counts = Masker(MaskingOptions(patterns=(r"secret\S*", r"x*"))).mask(text)
    assert isinstance(masked, str) and all(v > 0 for v in counts.values())
    assert sum(c.isdigit() for c in masked) <= sum(c.isdigit() for c in text)


# Long digit runs, 4-digit groups split by a space or a dash, valid cards and ids among other text.
digit_texts = st.lists(st.one_of(
    st.text(alphabet=st.sampled_from("0123456789 -@x中"), max_size=30),
    st.sampled_from(["4111 1111 1111 1111", "6222-0212-3456-7890-128", "13812345678", "110101199003071234",
                     "11010119900307123X", "a@example.com", "2026112610153012345"]),
), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, digit_texts))
def test_the_fast_path_only_skips_texts_the_full_masking_leaves_alone(text):
    masker = Masker()
    full = Masker(MaskingOptions(patterns=("(?!)",)))  # a pattern that never matches: no fast path
    assert masker.mask(text) == full.mask(text)
    if not masker.may_mask(text):
        assert full.mask(text) == (text, {})
