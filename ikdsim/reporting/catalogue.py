"""Every string of the report, one catalogue per language, so a translation is one dict.

Values arrive formatted (numbers, percentages and dates by `ikdsim.reporting.i18n.Lang`), so
the strings carry no number formats of their own. tests/test_report_lang.py checks that every
language has the same keys with the same placeholders.
"""

from __future__ import annotations

from ikdsim.reporting.catalogue_en import EN
from ikdsim.reporting.catalogue_id import ID

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "id": ID}
