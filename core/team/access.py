"""Who may see which model, when the deployment turns sign-in on.

With no sign-in configured (no `[auth]` in `.streamlit/secrets.toml`), the app runs open on one
machine, as it always has: everyone sees every bundle. With sign-in on, only signed-in people see
anything, and a bundle whose `bundle.yaml` has `access:` is seen only by the people it lists: an
e-mail address, a domain (`@example.com`), or a group from the identity token's `groups` claim
(`group:reviewers`). A bundle without `access:` is for everyone signed in.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_ACCESS = "You do not have access to this model."


@dataclass(frozen=True)
class Viewer:
    signed_in: bool
    email: str | None = None
    groups: tuple[str, ...] = ()


def allows(rules: tuple[str, ...], viewer: Viewer, sign_in_on: bool) -> bool:
    """Whether `viewer` may open a bundle with these `access:` rules."""
    if not sign_in_on:
        return True
    if not viewer.signed_in:
        return False
    if not rules:
        return True
    email = (viewer.email or "").strip().lower()
    domain = email.rsplit("@", 1)[1] if "@" in email else None
    groups = {g.strip().lower() for g in viewer.groups}
    for rule in rules:
        if rule.startswith("group:") and rule[6:] in groups:
            return True
        if rule.startswith("@") and domain is not None and rule[1:] == domain:
            return True
        if rule == email and email:
            return True
    return False
