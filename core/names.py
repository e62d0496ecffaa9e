"""Names of projects, indicators and items: one normal form, used on load, on match and on display.

People type the same name in many ways: a stray space, two spaces, a full-width letter or
digit (ＡＢ１), an ideographic space, a zero-width space copied from a web page.  Every name is
stored in its normal form (``normalise_name``) and shown as stored; a name in an upload, a form
or a bindings file is looked up by its normal form too (``NameIndex``).

The normal form is NFKC with one exception: full-width punctuation (，（）：；) stays, because
that is how Chinese is written and official names print in the 自评表 as the unit wrote them
(NFKC would turn “知名度，让公众” into “知名度,让公众” and every bindings file would stop
matching).  Lookups fold that punctuation too, so “(二期)” finds “（二期）”.

A name stored before this rule (project names with their spaces removed, indicator names
with doubled spaces) stays matchable: when no stored name has the same normal form, the one
stored name with the same letters ignoring spaces and punctuation width is taken (never a
guess between two).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Generic, TypeVar

V = TypeVar("V")

# Invisible characters that come along with copy and paste and would make two equal names differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
# Runs of text outside the full-width punctuation and symbols (，（）：；！？ …); full-width letters
# and digits (０-９ Ａ-Ｚ ａ-ｚ) are not in these ranges, so NFKC folds them.
_FOLDED_RUN = re.compile(r"[^\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")


def normalise_name(text: object) -> str:
    """NFKC but full-width punctuation, invisible characters dropped, whitespace collapsed to one space, trimmed."""
    return "" if text is None else _normalised(str(text))


@lru_cache(maxsize=1 << 16)  # an upload's checks look up each of a city's 20,000 names several times
def _normalised(text: str) -> str:
    # a name already in NFKC form has no full-width punctuation (NFKC folds every one of them), so it is one run
    # that NFKC leaves as it is: the common case, checked in C instead of a regex and a normalisation per run
    if not unicodedata.is_normalized("NFKC", text):
        text = _FOLDED_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return " ".join(text.translate(_INVISIBLE).split())


def loose_key(text: object) -> str:
    """How a name is found when its normal form is not: full NFKC, no spaces at all."""
    return _loose(normalise_name(text))


@lru_cache(maxsize=1 << 16)
def _loose(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "")


class NameIndex(Generic[V]):
    """Stored names within a scope (a project, a year…) → a value, found by a name as someone wrote it."""

    def __init__(self, entries: Iterable[tuple[Hashable, str, V]]):
        self._exact: dict[tuple[Hashable, str], V] = {}
        loose: dict[tuple[Hashable, str], list[V]] = {}
        self._names: dict[Hashable, set[str]] = {}
        for scope, name, value in entries:
            self._exact.setdefault((scope, normalise_name(name)), value)
            loose.setdefault((scope, loose_key(name)), []).append(value)
            self._names.setdefault(scope, set()).add(normalise_name(name))
        self._loose = {k: vs[0] for k, vs in loose.items() if len(set(vs)) == 1}

    def find(self, scope: Hashable, written: object) -> V | None:
        """The value of the stored name ``written`` means in ``scope``, or None."""
        name = normalise_name(written)
        if not name:
            return None
        found = self._exact.get((scope, name))
        return found if found is not None else self._loose.get((scope, loose_key(name)))

    def names(self, scope: Hashable) -> set[str]:
        """The stored names of a scope in normal form (for "did you mean" hints)."""
        return self._names.get(scope, set())


def numbered(name: str, taken: set[str], join: Callable[[str, str], str] = lambda name, suffix: name + suffix) -> str:
    """``name``, or ``join(name, "_2")``, ``_3``… when it is in ``taken``, which holds the names given so far
    lower-cased (Windows, macOS and Excel ignore case) and gets this one.  ``join`` may cut the name to make
    room for the suffix (a sheet name has 31 characters)."""
    candidate, k = name, 2
    while candidate.lower() in taken:
        candidate, k = join(name, f"_{k}"), k + 1
    taken.add(candidate.lower())
    return candidate
