"""Modelbrief's logic: bundles, figures, explanations, words and reports, usable without Streamlit."""

__version__ = "0.1.0"
