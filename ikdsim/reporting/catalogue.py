"""Every string of the report, per language: one catalogue, so a translation is one dict.

Values arrive formatted (numbers, percentages and dates by `ikdsim.reporting.i18n.Lang`), so
the strings carry no number formats of their own. tests/test_report.py checks that every
language has the same keys with the same placeholders.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "n/a": "n/a",
    "pts": "pts",
    "title_fallback": "IKD activation: will the target be reached?",
    "question_h1": "Will {name} reach {share} IKD activation by {by}?",
    "h_question": "The question",
    "question_text": "The target is {share} of the {total} residents who must hold an e-KTP (wajib KTP), that "
    "is {people} people with IKD activated, by {by}. The simulation starts on {start} from {initial} people "
    "({initial_share}).",
    "source_sim": "Source: simulation by ikdsim {version}, {n} futures per policy, seed {seed}; {counts}.",
    "source_counts": "its inputs: {sourced} sourced, {derived} derived from sources, {assumed} assumptions "
    "(listed under Assumptions and sources)",
    "source_no_notes": "its inputs carry no notes: treat every one as an assumption",
    "source_observed": "Observed points: {sources}.",
    "source_missing": "no source given (assumption)",
    # The answer
    "h_answer": "The answer",
    "covers_chance": "What the intervals cover: chance only, over {n} simulated futures. The scenario states "
    "no uncertain inputs, so what is not known about its assumptions is not in them: read them as too narrow.",
    "covers_fixed": "What the intervals cover: fixed inputs: chance only, over {n} simulated futures "
    "(--fixed-inputs holds every input at the file's point value), so they leave out what is not known "
    "about the assumptions and are too narrow.",
    "covers_inputs": "What the intervals cover: chance and {k} uncertain inputs ({names}), one draw of them "
    "from their stated ranges in each of {n} simulated futures; every policy sees the same draws.",
    "covers_posterior": "What the intervals cover: chance and {k} uncertain inputs ({names}), drawn from the "
    "calibrated posterior (what the city's own counts leave plausible) in each of {n} simulated futures; "
    "every policy sees the same draws.",
    "covers_split": "In the first policy, {inputs} of the spread of the final share comes from the inputs "
    "and {chance} from chance.",
    "prob_box": "probability of reaching {share} by {by}: {p} (95 % interval {low} to {high}).",
    "share_box": "Share on the deadline: median {p50} (5–95 % of futures: {p05} to {p95}).",
    "reached_on": "The target is reached on {date} in the median future (5–95 %: {low} to {high}).",
    "not_reached": "In most futures the target is not reached within the horizon (reached in {reached} of {n}).",
    "not_reached_median": "not reached (median)",
    "col_policy": "policy",
    "col_futures": "futures reaching",
    "col_prob": "probability (95 % interval)",
    "col_share": "share on deadline, median (5–95 %)",
    "col_date": "date reached (median)",
    "col_date_range": "date reached (5–95 %)",
    "alt_fan": "fan chart of the activated share by policy",
    "cap_fan": "Activated share over time: median, 25–75 % and 5–95 % of the simulated futures, per policy; "
    "dashed: the target, dotted: the deadline ({by}), dots: observed figures.",
    "fan_outer": "5–95 %",
    "fan_inner": "25–75 %",
    "fan_median": "median",
    "h_unknowns": "What matters most: the unknowns to measure first",
    "unknowns_intro": "For {label}: the {shown} of {k} uncertain inputs that move the answer most. "
    "'Moves' is the share of the spread explained by the input alone (first-order index); "
    "'worth knowing' is how much more often a yes/no call on the target would be right if the input "
    "were known exactly (EVPPI).",
    "evpi": "Knowing every input exactly would make that call right {evpi} more often (EVPI).",
    "col_unknown": "unknown (fields)",
    "col_range": "range (5–95 %)",
    "col_moves_share": "moves final share",
    "col_moves_prob": "moves P(target)",
    "col_evppi": "worth knowing (EVPPI)",
    "col_source": "source",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}
