"""Claim scope: datelines and headlines are kept out of a claim's speaker (no spaCy needed)."""

from __future__ import annotations

import pytest

from crosscheck.enrich.claim_scope import dateline_length, speaker_phrase


@pytest.mark.parametrize("text, prefix", [
    ("DORVIK, June 3 (Wirex) - Harbour police said", "DORVIK, June 3 (Wirex) - "),
    ("Ruritania, May 5, 2020—In the past weeks", "Ruritania, May 5, 2020—"),
    ("TARN, Ruritania, Oct. 9 (Wirex) – The mayor said", "TARN, Ruritania, Oct. 9 (Wirex) – "),
    ("The mayor - who was re-elected in 2019 - said", ""),  # no comma before the dash
    ("Harbour police, the mayor said - and nobody else", ""),  # no digit: not a date
])
def test_dateline_length(text, prefix):
    assert dateline_length(text) == len(prefix)


def test_a_speaker_in_a_headline_above_the_clause_is_refused():
    text = "Junta boasts of arrests\nA spokesman said the rebels had fled."
    clause = text.index("A spokesman")
    assert speaker_phrase(text, 0, 5, "Junta", clause_start=clause, scope_start=clause) is None


def test_a_speaker_spanning_a_line_break_is_refused():
    text = "Arrests in the north\nPolice said 12 were held."
    end = text.index(" said")
    assert speaker_phrase(text, 0, end, text[:end], clause_start=0, scope_start=0) is None


def test_a_quote_running_on_from_the_paragraph_above_keeps_its_speaker():
    text = 'The mayor said: "The bridge is closed.\nIt will reopen in May."'
    clause = text.index("It will")
    assert speaker_phrase(text, 4, 9, "mayor", clause_start=clause,
                          scope_start=clause) == "mayor"


def test_a_dateline_is_cut_off_the_speaker():
    text = "TARN, May 4 (Wirex) - Harbour police said 12 sailors were held."
    end = text.index(" said")
    scope = text.index("Harbour")
    assert speaker_phrase(text, 0, end, text[:end], clause_start=0,
                          scope_start=scope) == "Harbour police"
    assert speaker_phrase(text, 0, scope - 3, text[:scope - 3], clause_start=0,
                          scope_start=scope) is None  # the dateline alone
