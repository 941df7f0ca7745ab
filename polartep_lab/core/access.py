"""Which features are on for the current user: configuration, then hub groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .identity import Identity


@dataclass(frozen=True)
class Decision:
    enabled: bool
    reason: str


def validate_feature_names(
    known: Iterable[str], disabled: Iterable[str], groups: Mapping[str, object]
) -> None:
    """Unknown feature names in configuration are a start-up error that lists the valid ones."""
    valid = set(known)
    unknown = sorted((set(disabled) | set(groups)) - valid)
    if unknown:
        raise ValueError(
            f"unknown Polar TEP feature name(s) in configuration: {', '.join(unknown)}; "
            f"valid names: {', '.join(sorted(valid))}"
        )


class FeatureAccess:
    """`c.PolarTEP.feature_groups = {"dashboard": ["publishers"]}`: a feature with no entry is for
    everyone; under JupyterHub a listed feature is on only for members of one of its groups."""

    def __init__(self, feature_groups: Mapping[str, Iterable[str]], identity: Identity) -> None:
        self.feature_groups = {k: sorted(set(v)) for k, v in feature_groups.items()}
        self.identity = identity

    def decide(self, feature: str) -> Decision:
        groups = self.feature_groups.get(feature)
        if not groups:
            return Decision(True, "enabled")
        if not self.identity.under_hub:
            return Decision(True, f"enabled (groups {', '.join(groups)} apply only under JupyterHub)")
        user = self.identity.current()
        member = sorted(user.groups.intersection(groups))
        if member:
            return Decision(True, f"enabled for group {', '.join(member)}")
        if user.error:
            return Decision(False, f"needs group {' or '.join(groups)}; {user.error}")
        return Decision(False, f"only for group {' or '.join(groups)}")

    def allowed(self, feature: str) -> bool:
        return self.decide(feature).enabled
