"""Claim groups across articles: alignment, one claim per article, origins, output records.

Hand-made articles and claims (invented wording), the ``hashing`` embedder: no spaCy, no model.
"""

from __future__ import annotations

import dataclasses

from crosscheck.assess.claims import assess_claims
from crosscheck.link.claims import align_claims, claim_facts
from crosscheck.records import (Article, Claim, ClaimGroup, ClaimGroupMember, Conflict,
                                ConflictValue, Derivation, Quantity, content_id)

STORY = "story-harbour"


class Corpus:
    """Articles made of sentences, each sentence a claim; quantities found by their text."""

    def __init__(self):
        self.articles: dict[str, Article] = {}
        self.claims: list[Claim] = []
        self.quantities: dict[str, Quantity] = {}
        self.story_of: dict[str, str] = {}
        self.derivations: list[Derivation] = []

    def article(self, article_id: str, sentences: list[str], *, story: str | None = STORY,
                published: str | None = "2025-02-03", outlet: str | None = None,
                figures: dict[str, tuple[float, float | None, float | None, str]] | None = None,
                speaker: str | None = None, action: str | None = None) -> None:
        text = " ".join(sentences)
        self.articles[article_id] = Article(article_id, f"{article_id}.txt", None,
                                            outlet or f"Outlet {article_id}", "input", None,
                                            published, "input", "en", text)
        if story is not None:
            self.story_of[article_id] = story
        start = 0
        for index, sentence in enumerate(sentences):
            ids = self._figures(article_id, text, start, sentence, figures or {}, index)
            self.claims.append(Claim(content_id(article_id, start), article_id, start,
                                     start + len(sentence), sentence, None, action, speaker,
                                     "said" if speaker else None, False, None, ids, (), (), 0.9,
                                     index))
            start += len(sentence) + 1

    def _figures(self, article_id, text, start, sentence, figures, index) -> tuple[str, ...]:
        ids = []
        for surface, (value, low, high, counted) in figures.items():
            at = sentence.find(surface)
            if at < 0:
                continue
            quantity = Quantity(content_id(article_id, "q", start + at), article_id, start + at,
                                start + at + len(surface), surface, value, low, high,
                                value is None, None, counted, index)
            assert text[quantity.start:quantity.end] == surface
            self.quantities[quantity.id] = quantity
            ids.append(quantity.id)
        return tuple(ids)

    def derive(self, source: str, derived: str, kind: str = "copy") -> None:
        self.derivations.append(Derivation(content_id(source, derived), source, derived, kind,
                                           0.9, 0.9, "dated", "test"))

    def assess(self, **options):
        return assess_claims(articles=self.articles, claims=self.claims,
                             quantities=self.quantities, times={}, quotes=[], mentions=[],
                             entity_keys=[], story_of=self.story_of,
                             derivations=self.derivations, embedder="hashing", **options)


WALKOUT = "Dockers at the northern harbour walked out on Friday over unpaid night shift bonuses."
WALKOUT_REWORDED = "Dockers at the northern harbour walked out on Friday over unpaid night bonuses."
CRANES = "The harbour board said every crane along the eastern quay stood idle through the night."
BAKERY = "A bakery near the ferry terminal sold out of bread rolls before noon."


def _groups(records):
    return [r for r in records if isinstance(r, ClaimGroup)]


def _members(records):
    return [r for r in records if isinstance(r, ClaimGroupMember)]


def test_same_claim_in_three_articles_is_one_group():
    corpus = Corpus()
    corpus.article("a1", [WALKOUT, CRANES])
    corpus.article("a2", [WALKOUT_REWORDED, BAKERY])
    corpus.article("a3", [CRANES, WALKOUT])
    records = corpus.assess()
    groups = _groups(records)
    assert len(groups) == 2
    walkout = next(g for g in groups if "Dockers" in g.key)
    members = [m for m in _members(records) if m.group == walkout.id]
    assert sorted(m.article for m in members) == ["a1", "a2", "a3"]
    assert walkout.story == STORY and walkout.origins == 3


def test_story_of_one_article_gives_no_group():
    corpus = Corpus()
    corpus.article("solo", [WALKOUT, WALKOUT_REWORDED, CRANES])
    assert corpus.assess() == []


def test_one_claim_per_article_takes_the_best_match():
    corpus = Corpus()
    corpus.article("a1", [WALKOUT])
    corpus.article("a2", [WALKOUT_REWORDED, "Some dockers at the harbour walked out on Friday."])
    records = corpus.assess()
    members = _members(records)
    assert [m.article for m in members] == ["a1", "a2"]
    best = next(c for c in corpus.claims if c.text == WALKOUT_REWORDED)
    assert any(m.claim == best.id for m in members)


def test_unrelated_claims_of_a_story_stay_apart():
    corpus = Corpus()
    corpus.article("a1", [WALKOUT])
    corpus.article("a2", [BAKERY])
    assert corpus.assess() == []


def test_claims_without_quantities_group_and_raise_no_number_conflict():
    corpus = Corpus()
    corpus.article("a1", [CRANES])
    corpus.article("a2", [CRANES])
    records = corpus.assess()
    assert len(_groups(records)) == 1
    assert not [r for r in records if isinstance(r, Conflict)]


def test_fifty_copies_are_one_group_with_one_origin():
    corpus = Corpus()
    for n in range(50):
        corpus.article(f"copy{n:02d}", [WALKOUT, CRANES], published=f"2025-02-{1 + n % 28:02d}")
        if n:
            corpus.derive("copy00", f"copy{n:02d}")
    records = corpus.assess()
    groups = _groups(records)
    assert len(groups) == 2 and all(g.origins == 1 for g in groups)
    members = _members(records)
    assert len(members) == 100
    assert {m.origin for m in members} == {"copy00"}


def test_figures_differ_between_articles_as_a_number_conflict_with_spans():
    corpus = Corpus()
    sixty = "Police in the river district arrested 60 people after the night protest."
    six_hundred = "Police in the river district arrested 600 people after the night protest."
    corpus.article("a1", [sixty], figures={"60": (60, 60, 60, "people")}, action="arrest")
    corpus.article("a2", [six_hundred], figures={"600": (600, 600, 600, "people")},
                   action="arrest")
    records = corpus.assess()
    conflicts = [r for r in records if isinstance(r, Conflict)]
    assert [c.slot for c in conflicts] == ["number"]
    values = [r for r in records if isinstance(r, ConflictValue)]
    assert {(v.article, v.value) for v in values} == {("a1", "60"), ("a2", "600")}
    for value in values:
        text = corpus.articles[value.article].text
        assert 0 <= value.start < value.end <= len(text)
        assert text[value.start:value.end] == value.value
    assert _groups(records)[0].key == "arrest 60 people"


def test_output_is_deterministic_and_ordered_group_first():
    corpus = Corpus()
    corpus.article("a1", [WALKOUT, CRANES])
    corpus.article("a2", [CRANES, WALKOUT_REWORDED])
    first, second = corpus.assess(), corpus.assess()
    assert first == second
    assert isinstance(first[0], ClaimGroup)
    group_ids = {g.id for g in _groups(first)}
    assert all(m.group in group_ids for m in _members(first))


def _seizure_facts(corpus: Corpus, *, later_story: str | None, placed: bool):
    quay = "Customs officers seized 240 crates of cigarettes at the Marlow quay."
    corpus.article("a1", [quay], story="s1", figures={"240": (240, 240, 240, "crates")},
                   action="seize")
    later = "Last spring customs officers seized 240 crates of cigarettes at Marlow quay."
    corpus.article("b1", [later], story=later_story,
                   figures={"240": (240, 240, 240, "crates")}, action="seize")
    facts = claim_facts(corpus.claims, story_of=corpus.story_of, quantities=corpus.quantities,
                        times={}, quotes=[], mentions=[], entity_keys=[])
    place = (("marlow", "Marlow", None, None),)
    return [dataclasses.replace(f, places=place) for f in facts] if placed else facts


def test_a_figure_recalled_in_another_story_stays_in_that_story():
    # Background in another event's coverage is no origin of this one: no group across stories.
    facts = _seizure_facts(Corpus(), later_story="s2", placed=True)
    assert align_claims(facts, embedder="hashing") == []


def test_an_article_outside_every_story_joins_on_strict_anchors():
    # Without a shared place the figure alone is not enough.
    assert align_claims(_seizure_facts(Corpus(), later_story=None, placed=False),
                        embedder="hashing") == []
    groups = align_claims(_seizure_facts(Corpus(), later_story=None, placed=True),
                          embedder="hashing")
    assert [sorted(f.article for f in g) for g in groups] == [["a1", "b1"]]


def test_articles_without_a_story_are_not_grouped_by_similarity_alone():
    corpus = Corpus()
    corpus.article("a1", [WALKOUT], story=None)
    corpus.article("a2", [WALKOUT], story=None)
    assert corpus.assess() == []


def test_among_undated_articles_the_source_of_a_copy_is_the_origin():
    """Undated "b" copied undated "z"; "c" shares "b"'s outlet: one origin, and it is "z" (the
    text a derivation names as source), not whichever id sorts first."""
    corpus = Corpus()
    corpus.article("c", [WALKOUT], published=None, outlet="Harbour Post")
    corpus.article("z", [WALKOUT], published=None, outlet="Dock Wire")
    corpus.article("b", [WALKOUT_REWORDED], published=None, outlet="Harbour Post")
    corpus.derive("z", "b")
    [group] = _groups(corpus.assess())
    assert group.origins == 1
    assert {m.origin for m in _members(corpus.assess())} == {"z"}


def test_cost_bounds_keep_a_story_of_copies_one_group(monkeypatch):
    """With the claim alignment's cost bounds set low, a story of copies still gives one group
    per claim, and far fewer pairs are scored than the square of its claims."""
    import crosscheck.link.claims as claims_module

    scored = []
    real = claims_module.pair_score
    monkeypatch.setattr(claims_module, "pair_score", lambda *a, **k: scored.append(1) or real(*a, **k))
    monkeypatch.setattr(claims_module, "MAX_PAIRS_PER_ARTICLE", 1)
    monkeypatch.setattr(claims_module, "MAX_PAIRS_PER_CLAIM", 4)
    monkeypatch.setattr(claims_module, "MAX_MERGE_CHECKS", 6)
    corpus = Corpus()
    for n in range(40):
        corpus.article(f"copy{n:02d}", [WALKOUT, CRANES], published=f"2025-02-{1 + n % 28:02d}")
    records = corpus.assess()
    groups = _groups(records)
    assert len(groups) == 2
    assert sorted(len([m for m in _members(records) if m.group == g.id]) for g in groups) == [40, 40]
    cross_article_pairs = 80 * 79 // 2 - 40  # what the unbounded product scores
    assert len(scored) < cross_article_pairs // 2


def test_nearest_keeps_the_closest_per_article_then_in_all(monkeypatch):
    import numpy as np

    import crosscheck.link.claims as claims_module

    monkeypatch.setattr(claims_module, "MAX_PAIRS_PER_ARTICLE", 2)
    monkeypatch.setattr(claims_module, "MAX_PAIRS_PER_CLAIM", 3)
    article_of = np.array([0, 1, 1, 1, 2, 2, 2])
    sims = np.array([1.0, 0.9, 0.8, 0.7, 0.95, 0.5, 0.5])
    kept = claims_module._nearest(np.arange(7), sims, article_of, own=0)
    assert kept.tolist() == [1, 2, 4]  # article 1: columns 1 and 2; article 2: 4 and 5; best 3 of those


def _org_mentions(corpus: Corpus, article_id: str, name: str) -> list:
    from crosscheck.records import Mention
    text = corpus.articles[article_id].text
    start = text.index(name)
    return [Mention(content_id(article_id, "m", start), article_id, start, start + len(name), name,
                    "ORG", name, name.lower(), 0)]


def test_the_same_template_from_two_companies_is_two_claims():
    corpus = Corpus()
    corpus.article("a1", ["Velkor Mills Inc said its board declared an initial dividend of ten "
                          "cents a share, payable on March 19."])
    corpus.article("a2", ["Dravna Shipping Corp said its board declared an initial dividend of "
                          "ten cents a share, payable on March 23."])
    corpus.article("a3", ["Velkor Mills said its board declared an initial dividend of ten cents "
                          "a share, payable March 19."])
    mentions = (_org_mentions(corpus, "a1", "Velkor Mills Inc")
                + _org_mentions(corpus, "a2", "Dravna Shipping Corp")
                + _org_mentions(corpus, "a3", "Velkor Mills"))
    records = assess_claims(articles=corpus.articles, claims=corpus.claims, quantities={},
                            times={}, quotes=[], mentions=mentions, entity_keys=[],
                            story_of=corpus.story_of, derivations=[], embedder="hashing")
    assert [sorted(m.article for m in _members(records) if m.group == g.id)
            for g in _groups(records)] == [["a1", "a3"]]
