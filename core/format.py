"""Numbers as people read them: "82%", "about 8 in 10", "$142,200 a month".

>>> percent(0.8163), frequency(0.8163), money(142180, "USD"), money(-31095.2, "USD", compact=True)
('82%', 'about 8 in 10', '$142,180', '-$31.1k')
"""

from __future__ import annotations

import math

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
    """A share as a natural frequency, the way people picture it."""
    if _missing(x):
        return "no"
    if x <= 0:
        return "none"
    if x >= 1:
        return "all"
    if x >= 0.995:
        return "nearly all"
    if x < 0.005:
        return "almost none"
    if x < 0.095:
        return f"about 1 in {_half_up(1 / x)}"
    if x >= 0.945:  # "10 in 10" would say "all"; a finer scale keeps the difference visible
        return f"about {_half_up(x * 100)} in 100"
    return f"about {_half_up(x * 10)} in 10"


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
    return one if n == 1 else many
