"""Names of the daily table's columns, defined once.

Every channel adds `activations_<channel>` (people it activated that day) and every cause of a
decision adds `intents_<cause>` (decisions it produced that day). Code that reads a table asks
this module, never rebuilds the strings.
"""

from __future__ import annotations

# The columns every run has, in the order of daily.csv; channel and cause columns follow.
LEAD = ("activated", "activated_share", "intents_new", "activations", "waiting", "gave_up")
# Counted during a day (the rest of LEAD are states read at the end of the day, or derived).
TOTALS = ("intents_new", "activations", "gave_up")

_ACTIVATIONS = "activations_"
_INTENTS = "intents_"


def activations(channel: str) -> str:
    return _ACTIVATIONS + channel


def intents(cause: str) -> str:
    return _INTENTS + cause


def is_channel(column: str) -> bool:
    return column.startswith(_ACTIVATIONS)


def is_cause(column: str) -> bool:
    # intents_new is the day's total, not a cause.
    return column.startswith(_INTENTS) and column != "intents_new"


def channel_of(column: str) -> str:
    return column.removeprefix(_ACTIVATIONS)


def cause_of(column: str) -> str:
    return column.removeprefix(_INTENTS)


def service_cause(name: str) -> str:
    return f"service_{name}"


def campaign_cause(name: str) -> str:
    return f"campaign_{name}"


def outreach_cause(name: str) -> str:
    return f"outreach_{name}"
