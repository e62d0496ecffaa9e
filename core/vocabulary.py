"""The words of target tables from other regions and years, read from ``data/vocabulary.toml``.

An admin extends the file; nothing here hard-codes a label (docs/domain.md §9).  The target-table
reader asks this module which 一级/二级 words, header labels and field labels it knows, and for the
closest known word when a table uses one it does not know.  ``[ratings]`` is read by metrics/ratings.py.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from core.paths import DATA_DIR

VOCABULARY_FILE = DATA_DIR / "vocabulary.toml"
# "产出指标（50分）", "产出指标(50分)", "产出指标 50分": the label and its printed 分值
_SCORE = re.compile(r"^(?P<label>.*?)\s*[（(]?\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[）)]?\s*$")
_LABEL_END = re.compile(r"[：:\s]+$")
LABEL_MAX = 40  # characters: a longer cell is a value, never a label
_UNIT = re.compile(r"\s*[（(]\s*(?P<unit>万?元)\s*[）)]\s*$")


@dataclass(frozen=True)
class Vocabulary:
    """Known words: 一级 (with the form's label), 二级, the indicator table's header and the project fields."""

    level1: dict[str, str]  # 一级 word -> the self-evaluation form's 一级 label
    level2: tuple[str, ...]  # without 指标
    header: dict[str, tuple[str, ...]]  # column key (level1, level2, level3, target, weight, caption) -> labels
    fields: dict[str, tuple[str, ...]]  # project field -> labels, the printed one first
    ticked: tuple[str, ...]
    unticked: tuple[str, ...]

    def level1_word(self, text: str) -> tuple[str, float | None]:
        """``产出指标（50分）`` → (``产出指标``, 50.0); a label without points → (label, None)."""
        text = re.sub(r"\s+", "", text or "")
        m = _SCORE.match(text)
        if m and m.group("label"):
            return m.group("label"), float(m.group("points"))
        return text, None

    def knows_level1(self, word: str, extra: set[str] | frozenset[str] = frozenset()) -> bool:
        return word in self.level1 or word in extra

    def knows_level2(self, word: str, extra: set[str] | frozenset[str] = frozenset()) -> bool:
        base = level2_base(word)
        return base in self.level2 or word in extra or base in {level2_base(w) for w in extra}

    def form_level1(self, word: str) -> str | None:
        return self.level1.get(word)

    @cached_property
    def _labels(self) -> dict[str, str]:
        return {label: key for key, labels in self.fields.items() for label in labels}

    @cached_property
    def _seen(self) -> dict[str, tuple[str, str | None] | None]:
        return {}

    def field_of(self, cell: str) -> tuple[str, str | None] | None:
        """The project field a label cell names, and the money unit it states (``元``/``万元``), or None."""
        if not cell or len(cell) > LABEL_MAX:
            return None  # prose, not a label: most cells of a form, so answered at once
        if cell not in self._seen:
            self._seen[cell] = self._field_of(cell)
        return self._seen[cell]

    def _field_of(self, cell: str) -> tuple[str, str | None] | None:
        label = _LABEL_END.sub("", re.sub(r"^\s+", "", cell or ""))
        unit = None
        m = _UNIT.search(label)
        if m:
            unit, label = m.group("unit"), label[: m.start()]
        label = re.sub(r"\s+", "", label)
        label = re.sub(r"[：:]", "：", label)
        key = self._labels.get(label)
        return (key, unit) if key else None

    def header_column(self, cell: str) -> str | None:
        """Which indicator-table column a header cell names (``level1`` … ``weight``, ``caption``), or None."""
        word = re.sub(r"\s+", "", cell or "")
        word = _UNIT.sub("", word)
        for key, labels in self.header.items():
            if word in labels:
                return key
        return None

    def label_for(self, field: str) -> str:
        """The printed label of a field (for messages and 不完整 lists)."""
        labels = self.fields.get(field)
        return labels[0] if labels else field


def level2_base(word: str) -> str:
    """``数量指标`` → ``数量``: 二级 labels come with and without 指标."""
    word = re.sub(r"\s+", "", word or "")
    return word[: -len("指标")] if word.endswith("指标") and len(word) > 2 else word


def closest(word: str, known) -> str | None:
    """The known word nearest to ``word`` (difflib), to suggest for an unknown one; None when none is near."""
    found = difflib.get_close_matches(word, list(known), n=1, cutoff=0.4)
    return found[0] if found else None


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Vocabulary:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    header = {k: tuple(v) for k, v in raw.get("table_header", {}).items()}
    fields = {k: tuple(re.sub(r"[：:]", "：", x) for x in v) for k, v in raw.get("fields", {}).items()}
    box = raw.get("checkbox", {})
    return Vocabulary(
        level1=dict(raw.get("level1", {})),
        level2=tuple(level2_base(w) for w in raw.get("level2", {}).get("words", [])),
        header=header,
        fields=fields,
        ticked=tuple(box.get("ticked", ["√"])),
        unticked=tuple(box.get("unticked", ["□"])),
    )


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary file (``data/vocabulary.toml`` unless ``path``), re-read when it changes."""
    path = Path(path or VOCABULARY_FILE)
    return _load(str(path), path.stat().st_mtime)
