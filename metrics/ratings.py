"""The words of qualitative judgement: the three official rating bands and 完成目标可能性 (docs/domain.md §3).

Staff and other regions' forms write a rating in many words (达成预期指标, 全部完成, 基本完成, 部分完成,
未完成 …).  The ``[ratings]`` section of ``data/vocabulary.toml`` maps each to one of the three bands;
an admin extends it there.  ``rating_of`` reads a word, ``closest_rating_word`` suggests a known word
for one it does not know (docs/domain.md §9).
"""

from __future__ import annotations

import difflib
import functools
import tomllib
import unicodedata
import warnings
from enum import StrEnum
from pathlib import Path

from core.vocabulary import VOCABULARY_FILE


class Rating(StrEnum):
    ACHIEVED = "achieved"  # 达成年度指标
    PARTIAL = "partial"  # 部分达成年度指标并具有一定效果
    MISSED = "missed"  # 未达成年度指标且效果较差


class Likelihood(StrEnum):
    CERTAIN = "certain"  # 确定能
    POSSIBLE = "possible"  # 有可能
    IMPOSSIBLE = "impossible"  # 不可能


RATING_ZH = {Rating.ACHIEVED: "达成", Rating.PARTIAL: "部分达成", Rating.MISSED: "未达成"}
RATING_EN = {Rating.ACHIEVED: "achieved", Rating.PARTIAL: "partly achieved", Rating.MISSED: "not achieved"}
LIKELIHOOD_ZH = {Likelihood.CERTAIN: "确定能", Likelihood.POSSIBLE: "有可能", Likelihood.IMPOSSIBLE: "不可能"}
DOUBTFUL = (Likelihood.POSSIBLE, Likelihood.IMPOSSIBLE)  # these need 偏差原因 and 纠偏措施

# The official names of the bands: always known, whatever the vocabulary file says.
OFFICIAL_WORDS = {
    "达成": Rating.ACHIEVED,
    "达成年度指标": Rating.ACHIEVED,
    "部分达成": Rating.PARTIAL,
    "部分达成年度指标并具有一定效果": Rating.PARTIAL,
    "未达成": Rating.MISSED,
    "未达成年度指标且效果较差": Rating.MISSED,
    **{str(r): r for r in Rating},
}


class VocabularyError(ValueError):
    """The [ratings] section cannot be used: an unknown band, a word under two bands, a non-list."""


def fold(word: str) -> str:
    """The form words are compared in: full-width folded, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(word)).split()).lower()


def read_rating_words(path: Path | None = None) -> dict[str, Rating]:
    """Word → band from the ``[ratings]`` section of the vocabulary file, plus the official words."""
    with open(path or VOCABULARY_FILE, "rb") as fh:
        section = tomllib.load(fh).get("ratings", {})
    words: dict[str, Rating] = {}
    for band, listed in section.items():
        if band not in {str(r) for r in Rating}:
            raise VocabularyError(f"[ratings] {band!r}: not a band (achieved, partial, missed)")
        if not isinstance(listed, list) or not all(isinstance(w, str) for w in listed):
            raise VocabularyError(f"[ratings] {band}: a list of words")
        for word in listed:
            key = fold(word)
            if words.get(key, Rating(band)) != Rating(band):
                raise VocabularyError(f"[ratings] {word!r} is under both {words[key]} and {band}")
            words[key] = Rating(band)
    for word, band in OFFICIAL_WORDS.items():
        words.setdefault(fold(word), band)
    return words


@functools.cache
def rating_words() -> dict[str, Rating]:
    """The shipped vocabulary's rating words, read once per process (edits take effect on restart).

    A missing or broken file leaves the official words only, with a warning naming the fault: every
    command must still start (the uploads then refuse a synonym with the closest official word)."""
    try:
        return read_rating_words()
    except (OSError, tomllib.TOMLDecodeError, VocabularyError) as exc:
        warnings.warn(f"{VOCABULARY_FILE.name} [ratings] not used: {exc}", stacklevel=2)
        return {fold(w): band for w, band in OFFICIAL_WORDS.items()}


def rating_of(word: str | None) -> Rating | None:
    """The band a rating word means; None when the word is not known."""
    if word is None:
        return None
    return rating_words().get(fold(word))


def closest_rating_word(word: str) -> str | None:
    """The known rating word most like ``word`` (达成了 → 达成), for the message that refuses it."""
    known = [w for w in rating_words() if not w.isascii()]
    close = difflib.get_close_matches(fold(word), known, n=1, cutoff=0.3)
    return close[0] if close else None
