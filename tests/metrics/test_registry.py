"""The rule registry: one entry per rule, unknown names refused, and docs/rules.md generated from it."""

import pytest
from helpers import ROOT

from core.config import load_config
from core.paths import DEFAULT_CONFIG
from metrics.rules import DEFAULT_RULE, REGISTRY, RuleName, UnknownRule, rule, rule_for
from metrics.rules.docs import render


def test_every_rule_name_has_one_rule_with_its_bands():
    assert set(REGISTRY) == set(RuleName)
    config = load_config(path=DEFAULT_CONFIG)
    for name, entry in REGISTRY.items():
        assert entry.name == name
        assert entry.measures and entry.formula and entry.projection
        assert entry.bands(config).table(), name


def test_unknown_rule_is_an_error_not_a_fallback():
    with pytest.raises(UnknownRule, match="unknown rule 'value_lastest'"):
        rule("value_lastest")
    assert rule_for(None, "zero_events").name == RuleName.VALUE_SUM
    assert rule_for("rating", "at_least").name == RuleName.RATING
    assert set(DEFAULT_RULE.values()) <= set(RuleName)


def test_rules_doc_is_generated_from_the_registry():
    """Fails when a rule, a formula or a band changed and docs/rules.md was not regenerated.

    Regenerate with: .venv/bin/python scripts/rules_doc.py
    """
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(load_config(path=DEFAULT_CONFIG))
    for name in RuleName:
        assert f"### `{name}`" in committed
