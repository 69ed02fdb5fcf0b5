"""Who sees which model: `access:` read from bundle.yaml, and the rules applied to a viewer."""

from __future__ import annotations

import datetime as dt

import pytest

from core.bundles.contract import BundleError, parse_manifest
from core.team import access
from core.team.access import Viewer, allows, signer_name, viewer_from_claims

BASE = "schema: modelbrief/v1\ntitle: T\ntask: binary\ntarget: y\nmodel: {path: m.skops}\neval: {path: e.csv}\n"
ANA = Viewer(True, "Ana@Example.com", ("reviewers",))
BEN = Viewer(True, "ben@partner.org", ("support",))


def test_access_reads_emails_domains_and_groups_and_none_means_everyone(tmp_path):
    assert parse_manifest(BASE, tmp_path).access == ()
    spec = parse_manifest(BASE + "access: [Ana@Example.com, '@partner.org', 'group:Reviewers']\n", tmp_path)
    assert spec.access == ("ana@example.com", "@partner.org", "group:reviewers")


@pytest.mark.parametrize("written", ["access: []\n", "access:\n", "access:\n  # - ana@example.com\n", "access: ~\n"])
def test_an_access_key_that_lists_nobody_is_refused_not_read_as_everyone(tmp_path, written):
    with pytest.raises(BundleError) as caught:
        parse_manifest(BASE + written, tmp_path)
    assert caught.value.message == "bundle.yaml: `access` lists nobody."
    assert caught.value.hint.startswith(
        "Remove the key to open the bundle to everyone signed in, or list who may open it."
    )


@pytest.mark.parametrize("listed", ["[ana]", "['@']", "['group:']", "['ana@@x.com']", "{a: 1}"])
def test_a_rule_that_is_no_email_domain_or_group_gets_one_sentence(tmp_path, listed):
    with pytest.raises(BundleError) as caught:
        parse_manifest(BASE + f"access: {listed}\n", tmp_path)
    assert caught.value.message.startswith("bundle.yaml: `access`")


@pytest.mark.parametrize(
    ("rules", "ana", "ben"),
    [
        ((), True, True),  # no access: everyone signed in
        (("ana@example.com",), True, False),
        (("@partner.org",), False, True),
        (("group:reviewers",), True, False),
        (("group:support", "ana@example.com"), True, True),
        (("@example.co",), False, False),  # a domain matches whole, not as a suffix
    ],
)
def test_the_rules_decide_who_may_open_a_bundle(rules, ana, ben):
    assert allows(rules, ANA, sign_in_on=True) is ana
    assert allows(rules, BEN, sign_in_on=True) is ben


def test_without_sign_in_everyone_sees_everything_and_with_it_no_one_signed_out_does():
    assert allows(("ana@example.com",), Viewer(False), sign_in_on=False)
    assert not allows((), Viewer(False), sign_in_on=True)


# --- who is looking: from verified claims only ---------------------------------------------------

ISSUER = "http://127.0.0.1:9999"


@pytest.mark.parametrize(
    ("claims", "email"),
    [
        ({"email": "ana@example.com", "email_verified": True}, "ana@example.com"),
        ({"email": "ana@example.com", "email_verified": "true"}, "ana@example.com"),  # some providers send text
        ({"email": "ANA@example.com", "email_verified": False}, None),  # the attack in the issue
        ({"email": "ana@example.com", "email_verified": "false"}, None),
        ({"email": "ana@example.com"}, None),  # no claim: not verified, unless the deployment vouches
        ({"name": "ana@example.com"}, None),  # a display name is never an e-mail address
        ({"email": "   ", "email_verified": True}, None),
    ],
)
def test_an_email_counts_only_when_the_provider_verified_it(claims, email):
    who = viewer_from_claims({"is_logged_in": True, "iss": ISSUER, "sub": "u1", **claims}, set())
    assert (who.signed_in, who.email, who.issuer, who.subject) == (True, email, ISSUER, "u1")
    assert signer_name(who) == email
    assert allows(("ana@example.com",), who, sign_in_on=True) == (email is not None)


def test_a_deployment_may_vouch_for_an_issuer_that_sends_no_verified_claim(monkeypatch):
    claims = {"is_logged_in": True, "iss": ISSUER, "sub": "u1", "email": "ana@example.com"}
    monkeypatch.setenv("MODELBRIEF_EMAIL_VERIFIED_BY_ISSUER", f"https://other.test, {ISSUER}")
    assert viewer_from_claims(claims).email == "ana@example.com"
    assert viewer_from_claims({**claims, "email_verified": False}).email is None  # a claim that says no wins
    assert viewer_from_claims({**claims, "iss": "https://elsewhere.test"}).email is None


@pytest.mark.parametrize(
    ("groups", "seen"),
    [(["reviewers", "support"], ("reviewers", "support")), ("reviewers", ("reviewers",)), ({"a": 1}, ()), (None, ())],
)
def test_groups_come_from_a_list_or_one_name(groups, seen):
    who = viewer_from_claims({"is_logged_in": True, "groups": groups}, set())
    assert who.groups == seen


def test_matching_is_exact_but_for_case_and_a_plus_address_is_another_address():
    def verified(address):
        return viewer_from_claims({"is_logged_in": True, "email": address, "email_verified": True}, set())

    assert allows(("ana@example.com",), verified("Ana@EXAMPLE.com"), sign_in_on=True)  # one mailbox, any case
    assert not allows(("ana@example.com",), verified("ana+x@example.com"), sign_in_on=True)
    assert allows(("@example.com",), verified("ana+x@Example.COM"), sign_in_on=True)  # the domain's, though
    assert not viewer_from_claims({"is_logged_in": False, "email": "ana@example.com"}, set()).signed_in


def test_groups_match_the_names_the_provider_sends_whatever_their_case():
    def with_groups(groups):
        return viewer_from_claims({"is_logged_in": True, "groups": groups}, set())

    assert allows(("group:reviewers",), with_groups(["Reviewers"]), sign_in_on=True)
    assert not allows(
        ("group:reviewers",), with_groups(["/reviewers"]), sign_in_on=True
    )  # a Keycloak path is its own name
    assert allows(("group:/reviewers",), with_groups(["/reviewers"]), sign_in_on=True)
    assert not allows(("group:reviewers",), with_groups([{"name": "reviewers"}]), sign_in_on=True)  # not a name
    assert not allows(("group:reviewers",), with_groups("reviewers,support"), sign_in_on=True)  # one name, not a list
    assert not allows(("@example.com",), verified_at("ana@mail.example.com"), sign_in_on=True)  # not a subdomain


def verified_at(address):
    return viewer_from_claims({"is_logged_in": True, "email": address, "email_verified": True}, set())


# --- when a sign-in ends --------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
SIGNED_IN = {"is_logged_in": True, "iat": NOW.timestamp() - 600, "exp": NOW.timestamp() + 3000}


@pytest.mark.parametrize(
    ("claims", "signed_out", "said"),
    [
        (SIGNED_IN, None, None),
        ({**SIGNED_IN, "exp": NOW.timestamp()}, None, "Your sign-in has expired. Sign in again to go on."),
        (SIGNED_IN, NOW - dt.timedelta(seconds=60),
         "This sign-in ended when you signed out. Sign in again to go on."),  # the copied cookie
        (SIGNED_IN, NOW - dt.timedelta(seconds=600), "This sign-in ended when you signed out. Sign in again to go on."),
        (SIGNED_IN, NOW - dt.timedelta(seconds=601), None),  # signed in again after signing out
        ({**SIGNED_IN, "iat": None}, None, access.NO_TIMES),
        ({**SIGNED_IN, "exp": "never"}, None, access.NO_TIMES),
        ({"is_logged_in": False}, NOW, None),
    ],
)  # fmt: skip
def test_a_sign_in_ends_at_its_expiry_and_when_the_person_signs_out(claims, signed_out, said):
    assert access.ended(claims, signed_out, NOW) == said
