"""The report's language: its strings (one catalogue per language) and how it writes numbers
and dates.

Numbers and dates go through Babel so that each language gets its own conventions: English
"551,428; 7.34 %; 31 Dec 2026", Indonesian "551.428; 7,34 %; 31 Desember 2026". The percent sign
keeps a space before it in both, as Indonesian style guides (and the SI) write it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal

from ikdsim.errors import InputError
from ikdsim.reporting.catalogue import CATALOGUES

LANGUAGES = tuple(CATALOGUES)
# English dates abbreviate the month as the rest of ikdsim does; Indonesian spells it out.
DATE_FORMAT = {"en": "d MMM y", "id": "d MMMM y"}
MONTH_FORMAT = {"en": "MMM y", "id": "MMMM y"}
BABEL_LOCALE = {"en": "en_GB", "id": "id_ID"}


@dataclass(frozen=True)
class Lang:
    code: str = "en"

    def __post_init__(self) -> None:
        if self.code not in CATALOGUES:
            raise InputError(f"--lang {self.code}: unknown language; choose one of {', '.join(LANGUAGES)}")

    @property
    def locale(self) -> str:
        return BABEL_LOCALE[self.code]

    def t(self, key: str, default: str | None = None, **values: object) -> str:
        """The catalogue string `key`, with `values` (already formatted) filled in.

        `default` is for names the catalogue cannot know in advance (a lever kind a plug-in
        registers); every other key must be in every catalogue (tests/test_report_lang.py).
        """
        text = CATALOGUES[self.code].get(key, default)
        if text is None:
            raise KeyError(f"report catalogue {self.code!r} has no string {key!r}")
        return text.format(**values)

    def kind(self, kind: str) -> str:
        """A lever's kind in words; model components may add kinds the catalogue does not know."""
        return CATALOGUES[self.code].get(f"kind_{kind}", kind.replace("_", " "))

    def num(self, x: float | None, digits: int = 0, sign: bool = False) -> str:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return self.t("n/a")
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        if sign:
            pattern = f"+{pattern};-{pattern}"
        return str(format_decimal(x, format=pattern, locale=self.locale))

    def sig(self, x: float) -> str:
        """A value of any size to about four significant digits (ranges of unknowns)."""
        if math.isnan(x) or abs(x) >= 1000:
            return self.num(x)
        return str(format_decimal(x, format="@###", locale=self.locale))

    def pct(self, x: float | None, digits: int = 1) -> str:
        """A share as a percentage: 0.0734 -> "7.34 %" / "7,34 %"."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return self.t("n/a")
        return f"{self.num(x * 100, digits)}\u00a0%"

    def pts(self, x: float | None, digits: int = 2) -> str:
        """A difference of shares in percentage points, signed."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return self.t("n/a")
        return f"{self.num(x * 100, digits, sign=True)} {self.t('pts')}"

    def month(self, key: str) -> str:
        """A month written YYYY-MM (as the month tables key them), in words: "Jan 2026" / "Januari 2026"."""
        year, month = (int(x) for x in key.split("-"))
        return str(format_date(dt.date(year, month, 1), MONTH_FORMAT[self.code], locale=self.locale))

    def month_tick(self, d: dt.date, year: bool) -> str:
        """A date axis tick: 'Mar', 'Agu'; with the year on the first tick and on January."""
        return str(format_date(d, "MMM y" if year else "MMM", locale=self.locale))

    def day(self, d: dt.date | None) -> str:
        if d is None:
            return self.t("n/a")
        return str(format_date(d, DATE_FORMAT[self.code], locale=self.locale))
