"""One normal form for names, and lookups that find a stored name however it was typed."""

import pytest

from core.names import NameIndex, loose_key, normalise_name


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("  党校  微课堂 ", "党校 微课堂"),  # trimmed, inner run of spaces → one
        ("党校\t\n微课堂", "党校 微课堂"),  # any whitespace is a space
        ("党校\u3000微课堂", "党校 微课堂"),  # the ideographic space too
        ("党校\u200b微课堂\ufeff", "党校微课堂"),  # zero-width space and BOM are dropped
        ("ＮＢＡ中国赛２０２０", "NBA中国赛2020"),  # full-width letters and digits fold (NFKC)
        ("知名度，让公众（二期）：", "知名度，让公众（二期）："),  # full-width punctuation stays as written
        ("e\u0301", "é"),  # composed
        ("Shanghai  Open", "Shanghai Open"),  # Latin words keep one space
        (None, ""),
    ],
)
def test_normal_form(typed, normal):
    assert normalise_name(typed) == normal
    assert normalise_name(normal) == normal  # idempotent


def test_loose_key_drops_spaces_and_folds_punctuation():
    assert loose_key(" 上海 体育（二期） ") == "上海体育(二期)"
    assert loose_key("上海体育(二期)") == "上海体育(二期)"


def test_index_finds_by_normal_form_then_by_the_one_loose_match():
    index = NameIndex([(1, "党校 微课堂", 11), (1, "微课堂", 12), (2, "上海体育文史业务经费", 21)])
    assert index.find(1, "党校　微课堂") == 11  # ideographic space: same normal form
    assert index.find(1, "党校微课堂") == 11  # stored with a space, typed without: the only loose match
    assert index.find(1, " 微课堂 ") == 12
    assert index.find(2, "上海体育 文史业务经费") == 21  # stored without spaces (as loads before did)
    assert index.find(2, "微课堂") is None  # other scope
    assert index.find(1, "") is None
    assert index.names(1) == {"党校 微课堂", "微课堂"}


def test_index_never_guesses_between_two_loose_matches():
    index = NameIndex([(None, "A B C", 1), (None, "AB C", 2)])
    assert index.find(None, "A  B C") == 1  # the exact normal form wins
    assert index.find(None, "ＡＢ　Ｃ") == 2  # NFKC and the ideographic space: exactly "AB C"
    assert index.find(None, "ABC") is None  # both are "ABC" without spaces: no guess


def test_one_stored_name_repeated_is_not_ambiguous():
    assert NameIndex([(None, "A B", 7), (None, "A B", 7)]).find(None, "AB") == 7
