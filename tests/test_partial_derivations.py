"""Partial derivations: a commentary that lifts a quotation and a clause or two from a report
(texts written for these tests)."""

from __future__ import annotations

from crosscheck.link.derivations import derive
from crosscheck.link.passages import align_verbatim
from crosscheck.records import Article, content_id

REPORT = (
    "Customs officers at the Brask border crossing seized 31 lorries of untaxed tobacco over the "
    "weekend, the finance ministry said on Monday. \"These shipments were meant to flood the "
    "markets of the capital before the holidays,\" deputy minister Oren Vatt told reporters. "
    "The ministry said the drivers had been paid in cash by foreign middlemen and that nine of "
    "them were still being questioned. The hauliers' union said most "
    "drivers had no idea what they were carrying and asked for their release."
)
OWN_WORDS = (
    "For years this newspaper has warned that our borders leak like a rusty bucket. Every "
    "honest shopkeeper in the capital pays the price while smugglers grow fat. The government "
    "promised a new customs law two winters ago and has still not sent it to parliament. "
    "Nobody should be surprised that criminals treat the frontier as an open door. Readers will "
    "remember the fuel scandal of last spring, which ended with fines that nobody paid. "
)
QUOTE = "These shipments were meant to flood the markets of the capital before the holidays"
CLAUSE = "paid in cash by foreign middlemen"
COMMENTARY = (
    OWN_WORDS + f"\"{QUOTE}\", a minister admitted this week. We learn that the drivers were {CLAUSE}. "
    "It is time for the government to act rather than talk."
)


def article(key: str, text: str, *, published: str) -> Article:
    return Article(id=content_id(key), source=f"{key}.txt", url=None, outlet=key, outlet_from="input",
                   title=None, published=published, published_from="input", language="en", text=text)


def compare(source_text: str, derived_text: str):
    a = article("report", source_text, published="2024-02-05")
    b = article("commentary", derived_text, published="2024-02-06")
    return derive(a, b, verbatim=align_verbatim(a.text, b.text), paraphrase=[])


def test_a_lifted_quotation_and_clause_make_a_partial_derivation():
    found = compare(REPORT, COMMENTARY)
    assert found is not None
    derivation, passages = found
    assert derivation.kind == "partial" and derivation.score < 0.3
    lifted = [COMMENTARY[p.derived_start:p.derived_end] for p in passages]
    assert any(QUOTE in x for x in lifted) and any(CLAUSE in x for x in lifted)
    for p in passages:
        assert 0 <= p.derived_start < p.derived_end <= len(COMMENTARY)
        assert 0 <= p.source_start < p.source_end <= len(REPORT)


def test_a_quotation_alone_is_what_two_reports_of_one_statement_share():
    only_quote = OWN_WORDS + f"\"{QUOTE}\", a minister admitted this week."
    assert compare(REPORT, only_quote) is None


def test_the_same_words_without_quotation_marks_need_the_usual_amount():
    unquoted = COMMENTARY.replace('"', "")
    assert compare(REPORT.replace('"', ""), unquoted) is None


def test_single_and_tex_style_quotation_marks_count_too():
    for opening, closing in (("'", "'"), ("``", "''"), ("\u201c", "\u201d")):
        report = REPORT.replace('"These', opening + "These").replace('holidays,"', "holidays," + closing)
        commentary = COMMENTARY.replace(f'"{QUOTE}"', f"{opening}{QUOTE}{closing}")
        assert compare(report, commentary) is not None, opening
