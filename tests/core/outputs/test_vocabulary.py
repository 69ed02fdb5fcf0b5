"""The sweep's own checks: each catches what it is for and passes what is right."""

from __future__ import annotations

from tests.core.outputs.vocabulary import DOUBLED, RETIRED, arithmetic_problems


def test_arithmetic_that_does_not_add_up_is_caught():
    assert arithmetic_problems("About 349 more would cancel (1,451 instead of 1,103).") == [
        "'349 more would cancel (1,451 instead of 1,103)': 1451 and 1103 differ by 348, not 349"
    ]
    assert arithmetic_problems("15,262 of all 15,000 ask for something else.") == [
        "'15,262 of all 15,000': a part larger than its whole"
    ]
    assert arithmetic_problems("Right 91% (95% range 92% to 95%, n = 300).") == [
        "'91% (95% range 92% to 95%': 91 lies outside its own range"
    ]
    assert arithmetic_problems("It acts on 120% of them.") == ["'120% of': a share outside 0% to 100%"]
    assert arithmetic_problems("It covers about 6 in 10 tickets (49%).") == [
        "'about 6 in 10 tickets (49%)': 49% is about 5 in 10, not 6"
    ]
    assert arithmetic_problems(
        "Net value is highest, about $457,950 a month. That is $50,175 a month more than now. "
        "Along it (now $344,625 at a 50% chance)"
    ) == ["$457,950 less $344,625 is not $50,175"]


def test_arithmetic_that_adds_up_passes():
    assert arithmetic_problems("About 348 more would cancel (1,451 instead of 1,103).") == []
    assert arithmetic_problems("It covers about 6 in 10 tickets (59%), right 93% (95% range 92% to 95%).") == []
    assert arithmetic_problems("15,000 of all 45,000 ask for something it was never trained on.") == []
    assert (
        arithmetic_problems(
            "Net value is highest, about $457,950 a month. That is $113,325 a month more than now. (now $344,625"
        )
        == []
    )


def test_retired_words_and_doubled_punctuation_are_caught():
    assert RETIRED.search("It handles about 6 in 10 tickets") and not RETIRED.search("It covers about 6 in 10")
    assert DOUBLED.search("my money back?.") and DOUBLED.search("end,.") and not DOUBLED.search("and so on...")
    assert DOUBLED.search("For example: “Can I get my money back?”.") and not DOUBLED.search("“Is it here?” It is.")
