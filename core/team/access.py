"""Who may see which model, when the deployment turns sign-in on.

With no sign-in configured (no `[auth]` in `.streamlit/secrets.toml`), the app runs open on one
machine, as it always has: everyone sees every bundle. With sign-in on, only signed-in people see
anything, and a bundle whose `bundle.yaml` has `access:` is seen only by the people it lists: an
e-mail address, a domain (`@example.com`), or a group from the identity token's `groups` claim
(`group:reviewers`). A bundle without `access:` is for everyone signed in.

A sign-in lasts as long as the provider's identity token says (its `exp`), and ends for good when
the person signs out: the sign-out is remembered in the decision database, and an identity issued
before it is refused (`ended`), so a copy of the sign-in cookie stops working.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

NO_ACCESS = "You do not have access to this model."
TRUSTED_ISSUERS_ENV = "MODELBRIEF_EMAIL_VERIFIED_BY_ISSUER"  # issuers that verify every e-mail but send no claim
CANNOT_SIGN = (
    "Signing needs an e-mail address that your sign-in provider has verified, and this account has none, "
    "so it cannot sign."
)


EXPIRED = "Your sign-in has expired. Sign in again to go on."
SIGNED_OUT = "This sign-in ended when you signed out. Sign in again to go on."
NO_TIMES = (
    "Your sign-in provider did not say when this sign-in was issued and when it ends, so it cannot be "
    "trusted; ask whoever runs this app to check the provider's identity tokens."
)


@dataclass(frozen=True)
class Viewer:
    signed_in: bool
    email: str | None = None  # only an address the provider says it verified
    groups: tuple[str, ...] = ()
    issuer: str | None = None
    subject: str | None = None


def _verified(claims: Mapping, trusted_issuers: set[str]) -> bool:
    said = claims.get("email_verified")
    if isinstance(said, str):
        return said.strip().lower() == "true"
    if said is None:  # no claim at all: only for an issuer the deployment vouches for
        return str(claims.get("iss") or "") in trusted_issuers
    return said is True


def trusted_issuers() -> set[str]:
    """Issuers the deployment names (comma-separated in $MODELBRIEF_EMAIL_VERIFIED_BY_ISSUER) whose
    e-mail addresses are taken as verified although they send no `email_verified` claim."""
    return {i.strip() for i in os.environ.get(TRUSTED_ISSUERS_ENV, "").split(",") if i.strip()}


def viewer_from_claims(claims: Mapping, issuers: set[str] | None = None) -> Viewer:
    """Who is looking, from the identity token's claims.

    The e-mail address counts only when the provider says it verified it (`email_verified: true`),
    or the issuer is one the deployment vouches for; a display name never counts. Groups come from
    the `groups` claim: a list of names, or one name."""
    if not claims.get("is_logged_in"):
        return Viewer(False)
    issuers = trusted_issuers() if issuers is None else issuers
    email = claims.get("email")
    email = str(email).strip() if isinstance(email, str) and email.strip() and _verified(claims, issuers) else None
    groups = claims.get("groups") or ()
    if isinstance(groups, str):
        groups = (groups,)
    groups = tuple(str(g) for g in groups if isinstance(g, (str, int))) if isinstance(groups, (list, tuple)) else ()
    issuer, subject = claims.get("iss"), claims.get("sub")
    return Viewer(True, email, groups, str(issuer) if issuer else None, str(subject) if subject else None)


def _instant(value) -> dt.datetime | None:
    """A token time (seconds since 1970, as the standard writes it) as a moment, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return dt.datetime.fromtimestamp(number, dt.UTC)


def ended(claims: Mapping, signed_out: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why a signed-in identity no longer counts, in one sentence, or None while it does.

    It counts from when the provider issued it (`iat`) until its expiry (`exp`), and not at all if
    this person signed out at or after it was issued (`signed_out`, from the decision database).
    The standard requires both times; an identity without them is not trusted."""
    if not claims.get("is_logged_in"):
        return None
    issued, expires = _instant(claims.get("iat")), _instant(claims.get("exp"))
    if issued is None or expires is None:
        return NO_TIMES
    if now >= expires:
        return EXPIRED
    if signed_out is not None and issued <= signed_out:
        return SIGNED_OUT
    return None


def signer_name(viewer: Viewer) -> str | None:
    """The name a signature carries: the verified e-mail address, or None (such an account cannot sign)."""
    return viewer.email if viewer.signed_in and viewer.email else None


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
