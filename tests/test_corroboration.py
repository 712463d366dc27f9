"""Independent origins: reporting lines over derivations, origins per group, primary source."""

from __future__ import annotations

from crosscheck.assess.corroboration import group_origins, primary_source, reporting_lines
from crosscheck.link.claims import ClaimFacts
from crosscheck.records import Article, Claim, Derivation, content_id


def article(article_id: str, published: str | None, outlet: str | None = None) -> Article:
    return Article(article_id, f"{article_id}.html", None, outlet, None, None, published,
                   None, "en", "Body text.")


def derivation(source: str, derived: str, kind: str = "rewrite") -> Derivation:
    return Derivation(content_id(source, derived), source, derived, kind, 0.5, 0.5, "dated", "")


ARTICLES = {a.id: a for a in [
    article("wire", "2025-04-01", "Wire Agency"),
    article("paper", "2025-04-02", "Morning Paper"),
    article("blog", None, "Blog"),
    article("local", "2025-04-01", "Local Radio"),
    article("wire-followup", "2025-04-03", "Wire Agency"),
]}


def test_derivations_of_any_kind_join_one_line():
    lines = reporting_lines([derivation("wire", "paper", "paraphrase"),
                             derivation("paper", "blog", "partial")])
    assert lines == {"blog": "blog", "paper": "blog", "wire": "blog"}


def test_origins_count_lines_and_name_the_earliest_article_of_each():
    lines = reporting_lines([derivation("wire", "paper"), derivation("wire", "blog")])
    origins = group_origins(["paper", "blog", "local"], lines=lines, articles=ARTICLES)
    # wire carries no claim here, yet paper and blog share it: one line, its earliest member.
    assert origins == {"blog": "paper", "paper": "paper", "local": "local"}
    assert len(set(origins.values())) == 2


def test_undated_articles_come_last_and_ties_go_by_id():
    origins = group_origins(["blog", "paper"], lines={"blog": "x", "paper": "x"},
                            articles=ARTICLES)
    assert set(origins.values()) == {"paper"}
    tied = group_origins(["wire", "local"], lines={"wire": "x", "local": "x"}, articles=ARTICLES)
    assert set(tied.values()) == {"local"}


def test_an_outlet_repeating_itself_is_one_line_unless_told_otherwise():
    origins = group_origins(["wire", "wire-followup"], lines={}, articles=ARTICLES)
    assert set(origins.values()) == {"wire"}
    apart = group_origins(["wire", "wire-followup"], lines={}, articles=ARTICLES,
                          same_outlet_one_line=False)
    assert len(set(apart.values())) == 2


def test_fifty_copies_are_one_origin():
    many = {f"c{n:02d}": article(f"c{n:02d}", "2025-04-05") for n in range(50)}
    lines = reporting_lines([derivation("c00", f"c{n:02d}", "copy") for n in range(1, 50)])
    origins = group_origins(many, lines=lines, articles=many)
    assert set(origins.values()) == {"c00"}


def _said(article_id: str, name: str | None, *, entity: str | None, label: str | None = None):
    claim = Claim(content_id(article_id), article_id, 0, 5, "Words", None, None, name,
                  "said" if name else None, False, None, (), (), (), 0.9, 0)
    return ClaimFacts(claim=claim, story=None, speaker=entity, speaker_name=name,
                      speaker_label=label, speaker_span=None, places=(), entities=frozenset(),
                      quantities=(), times=())


def test_primary_source_is_the_most_common_speaker_resolved_first():
    members = [_said("a", "Ivo Dresk", entity="e-dresk", label="PERSON"),
               _said("b", "Ivo Dresk", entity="e-dresk", label="PERSON"),
               _said("c", "the ministry", entity="the ministry"),
               _said("d", "the ministry", entity="the ministry"),
               _said("e", "the ministry", entity="the ministry")]
    assert primary_source(members) == "Ivo Dresk"
    assert primary_source(members[2:]) == "the ministry"
    assert primary_source([_said("f", None, entity=None)]) is None


def test_a_dateline_is_never_the_primary_source():
    members = [_said("a", "HARBOURTON, May 2 (Wire)", entity="harbourton, may 2 (wire)"),
               _said("b", "port officials", entity="port officials")]
    assert primary_source(members) == "port officials"
