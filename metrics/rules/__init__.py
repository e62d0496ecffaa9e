"""The rule registry: every rule an indicator can be bound to, in one table (docs/rules.md).

Each ``Rule`` names its stream and measure, judges all of its indicators at once with band bounds
taken from the ``Config``, projects the year end, and explains itself from those same bounds.
An unknown rule name is an error where it is met (``rule``), never a silent fallback.
"""

from __future__ import annotations

from metrics.rules import between, budget, counts, hotline, opinion, values
from metrics.rules.base import AS_OF, Grey, Period, Rule, RuleName

REGISTRY: dict[RuleName, Rule] = {
    r.name: r for r in (*budget.RULES, *hotline.RULES, *opinion.RULES, *counts.RULES, *values.RULES, *between.RULES)
}
assert set(REGISTRY) == set(RuleName), "every rule name has exactly one rule"

# The rule an indicator gets when the bindings say nothing, by the kind of its target.
DEFAULT_RULE: dict[str, RuleName] = {
    "at_least": RuleName.VALUE_LATEST,
    "at_most": RuleName.VALUE_LATEST,
    "equal": RuleName.VALUE_LATEST,
    "between": RuleName.VALUE_BETWEEN,
    "zero_events": RuleName.VALUE_SUM,
    "increase": RuleName.VALUE_VS_BASELINE,
    "above_reference": RuleName.VALUE_VS_REFERENCE,
    "qualitative": RuleName.RATING,
    "deadline": RuleName.RATING,
    "not_applicable": RuleName.RATING,
}


class UnknownRule(ValueError):
    """A binding names a rule the registry does not have."""


def rule(name: str) -> Rule:
    """The rule called ``name``; UnknownRule (listing the known ones) otherwise."""
    try:
        return REGISTRY[RuleName(name)]
    except ValueError:
        raise UnknownRule(f"unknown rule {name!r}; known: {', '.join(REGISTRY)}") from None


def rule_for(name: str | None, kind: str) -> Rule:
    """The bound rule, or the default one for the target's kind."""
    return rule(name) if name else REGISTRY[DEFAULT_RULE[kind]]


# rule name → (stream, formula): what ingest's binding check and the docs list
RULES: dict[str, tuple[str, str]] = {str(r.name): (r.stream, r.formula) for r in REGISTRY.values()}

__all__ = [
    "AS_OF",
    "DEFAULT_RULE",
    "REGISTRY",
    "RULES",
    "Grey",
    "Period",
    "Rule",
    "RuleName",
    "UnknownRule",
    "rule",
    "rule_for",
]
