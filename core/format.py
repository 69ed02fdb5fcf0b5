"""Numbers as people read them: "82%", "about 8 in 10", "$142,200 a month".

>>> percent(0.8163), frequency(0.8163), money(142180, "USD"), money(-31095.2, "USD", compact=True)
('82%', 'about 8 in 10', '$142,180', '-$31.1k')
"""

from __future__ import annotations

import html
import math
import re

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
MISSING = "–"


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def percent(x: float | None, digits: int = 0) -> str:
    """A share as a percentage, halves rounded up (0.625 -> '63%')."""
    if _missing(x):
        return MISSING
    scale = 10**digits
    return f"{math.floor(x * 100 * scale + 0.5 + 1e-9) / scale:.{digits}f}%"


def count(n: int | float) -> str:
    return f"{int(round(n)):,}"


def _half_up(x: float) -> int:
    """Round halves up, as people do (Python's round() sends 2.5 to 2)."""
    return int(math.floor(x + 0.5))


def frequency(x: float | None) -> str:
    """A share as a natural frequency, the way people picture it; tenths are rounded from the whole
    percentage (0.846 is shown as 85%, so "about 9 in 10").

    >>> frequency(0.846), frequency(0.844), frequency(0.05), frequency(0.97)
    ('about 9 in 10', 'about 8 in 10', 'about 1 in 20', 'about 97 in 100')
    """
    if _missing(x):
        return "no"
    if x <= 0:
        return "no"  # "no cases", never "none cases"
    if x >= 1:
        return "all"
    if x >= 0.995:
        return "nearly all"
    if x < 0.005:
        return "almost no"
    if x < 0.095:
        return f"about 1 in {_half_up(1 / x)}"
    if x >= 0.945:  # "10 in 10" would say "all"; a finer scale keeps the difference visible
        return f"about {_half_up(x * 100)} in 100"
    return f"about {_half_up(_half_up(x * 100) / 10)} in 10"  # from the percentage shown beside it


def money(x: float | None, currency: str = "USD", compact: bool = False, decimals: int | None = None) -> str:
    """An amount in the bundle's currency, or in its unit when the 'currency' is time."""
    if _missing(x):
        return MISSING
    sign = "-" if x < 0 else ""
    size = abs(x)
    if compact and size >= 1e6:
        body = f"{size / 1e6:.1f}M"
    elif compact and size >= 1e3:
        body = f"{size / 1e3:.1f}k"
    else:
        places = decimals if decimals is not None else (2 if size < 100 and size != int(size) else 0)
        body = f"{size:,.{places}f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"


def per(period: str | None) -> str:
    """'month' -> 'a month'; None -> 'per case'."""
    if not period:
        return ""
    return f"an {period}" if period[0] in "aeiou" else f"a {period}"


def plural(n: float, one: str, many: str) -> str:
    return one if round(n) == 1 else many


def counted(n: float, one: str, many: str) -> str:
    """A count with its noun in the right number: '1 customer', '2,500 customers'."""
    return f"{count(n)} {plural(n, one, many)}"


def singular(word: str) -> str:
    """'calls' -> 'call', 'categories' -> 'category', 'hours' -> 'hour'; other words as they are.

    >>> singular("mentions"), singular("categories"), singular("USD"), singular("1 to 5")
    ('mention', 'category', 'USD', '1 to 5')
    """
    if " " in word or not word.islower() or len(word) < 3 or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def quantity(value: float, unit: str | None, text: str | None = None) -> str:
    """A number with its unit, the unit in the singular for exactly one: '1 call', '3 calls'."""
    text = text if text is not None else f"{value:,.0f}"
    if not unit:
        return text
    return f"{text} {singular(unit) if abs(value) == 1 else unit}"


def class_label(label) -> str:
    """A class as words: a bare number reads 'class 9', never 'send this case to 9'."""
    text = str(label)
    return f"class {text}" if text.lstrip("-").isdigit() else text


# --- text from a bundle, shown as text ------------------------------------------------------

# Characters that reorder or hide text on screen (bidirectional overrides and isolates, zero-width
# marks) and control characters: text from a bundle is shown as typed, so they are dropped.
_HIDDEN = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Every ASCII punctuation character can be backslash-escaped in CommonMark, and escaping all of
# them leaves nothing for Markdown, Streamlit's directives (:red[...]), LaTeX ($) or HTML to act on.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Escapes do not stop two things: Streamlit's icon shortcodes (:material/home:) and GFM's links
# from "http://x", "www.x.com" and "a@b.com". An invisible word joiner after a colon that a
# letter or slash follows, after each at-sign and inside "www.", keeps them apart. A colon
# before a space, as in ordinary sentences, is left alone.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(www)(\.)|(@)")
_SHORTCODE = re.compile(r"\\:(?=\\?[A-Za-z/])")
LIMIT = 2_000


def clean(text: object, limit: int | None = LIMIT) -> str:
    """Bundle text made safe to show anywhere: hidden characters dropped, long text shortened.

    >>> clean("Churn\u202e risk"), clean("x" * 10, limit=4)
    ('Churn risk', 'xxx…')
    """
    shown = _HIDDEN.sub("", str(text))
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def literal(text: object, limit: int | None = LIMIT) -> str:
    """Text for any element that renders Markdown, escaped so it shows exactly as written.

    Every string that comes from a bundle (manifest fields and data values), and every sentence
    built from them, passes through here on its way to the page. Newlines become spaces: a
    field is one run of text, never a heading or a list.

    >>> print(literal("[x](javascript) **bold** <b>"))
    \\[x\\]\\(javascript\\) \\*\\*bold\\*\\* \\<b\\>
    """
    shown = " ".join(clean(text, limit).split())
    shown = _AUTOLINK.sub(lambda m: f"{m[1]}{_WORD_JOINER}{m[2]}" if m[1] else f"@{_WORD_JOINER}", shown)
    return _SHORTCODE.sub("\\\\:" + _WORD_JOINER, _PUNCTUATION.sub(r"\\\1", shown))


def html_text(text: object, limit: int | None = LIMIT) -> str:
    """Bundle text for an HTML document: escaped, and with no address a viewer could follow.

    Colons and slashes are written as character references, so the file itself never holds a
    URL (nothing a scanner, a mail filter or a browser's link detection would pick up), while a
    reader still sees the text exactly as written.

    >>> html_text("<img src=http://x.test/t.png>")
    '&lt;img src=http&#58;&#47;&#47;x.test&#47;t.png&gt;'
    """
    return html.escape(clean(text, limit)).replace(":", "&#58;").replace("/", "&#47;")
