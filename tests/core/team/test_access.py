"""Who sees which model: `access:` read from bundle.yaml, and the rules applied to a viewer."""

from __future__ import annotations

import pytest

from core.bundles.contract import BundleError, parse_manifest
from core.team.access import Viewer, allows

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
