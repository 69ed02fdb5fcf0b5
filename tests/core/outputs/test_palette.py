"""The charts' colours: every mark stands out from the white page (WCAG's 3:1 for graphics), and the
colours a chart shows together stay apart for people with deuteranopia or protanopia.

Colour vision is simulated with Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB;
colours are compared as CIELAB distances (D65). A distance of 15 or more reads as two colours."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.outputs import charts

DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
)
PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
)
VISIONS = {"typical": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}
APART = 15.0


def _linear(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str) -> np.ndarray:
    return _lab(np.clip(VISIONS[vision] @ _linear(colour), 0, 1))


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    def luminance(c):
        return float(np.array([0.2126, 0.7152, 0.0722]) @ _linear(c))

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_known_colour_is_simulated_as_published():
    # pure red seen with protanopia loses most of its lightness (Machado's matrix, first column)
    assert np.allclose(np.clip(PROTANOPIA @ _linear("#FF0000"), 0, 1), [0.152286, 0.114503, 0.0], atol=1e-6)
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # WCAG's grey at 4.5:1 on white


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.BLUE, charts.ORANGE, charts.GREEN, charts.RED, charts.GREY])
def test_every_mark_colour_stands_out_from_the_page(colour):
    assert contrast(colour) >= 3.0, colour


@pytest.mark.parametrize("vision", list(VISIONS))
def test_the_colours_a_chart_shows_together_stay_apart(vision):
    together = [
        [charts.GREY, *charts.PALETTE],  # an answer mix: a person, then each answer
        [charts.BLUE, charts.ORANGE],  # two figures on one chart, or bars and the overall line
        [charts.RED, charts.BLUE, charts.GREY],  # raises, lowers, the total
        [charts.BLUE, charts.GREEN],  # a line and its band
    ]
    for colours in together:
        for a, b in itertools.combinations(colours, 2):
            distance = float(np.linalg.norm(seen(a, vision) - seen(b, vision)))
            assert distance >= APART, (vision, a, b, round(distance, 1))
