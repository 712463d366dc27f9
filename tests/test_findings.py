"""Findings on hand-made records: inconsistencies, unattributed figures, moved quotes, changed
numbers, single origins."""

from __future__ import annotations

from dataclasses import replace

from crosscheck.assess.findings import find_findings
from crosscheck.records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation,
                                EntityKey, Mention, Passage, Quantity, Quote, TimeExpr)


def _article(article_id: str, text: str, published: str | None = "2024-04-02",
             outlet: str = "Harbour Gazette") -> Article:
    return Article(article_id, f"{article_id}.txt", None, outlet, "input", None, published,
                   "input", "en", text)


def _time(article: Article, text: str, low: str, high: str, kind: str = "range") -> TimeExpr:
    start = article.text.index(text)
    return TimeExpr(f"t-{article.id}-{start}", article.id, start, start + len(text), text, kind,
                    low, high, None, 0)


def _quantity(article: Article, text: str, value: float, counted: str, *, occurrence: int = 0,
              approximate: bool = False) -> Quantity:
    start = -1
    for _ in range(occurrence + 1):
        start = article.text.index(text, start + 1)
    sentence = article.text[:start].count(". ")  # the fixtures' sentences end with ". "
    return Quantity(f"q-{article.id}-{start}", article.id, start, start + len(text), text, value,
                    value, value, approximate, None, counted, sentence)


def _claim(article: Article, sentence: str, quantities=(), *, speaker=None, hedged=False,
           action=None) -> Claim:
    start = article.text.index(sentence)
    return Claim(f"c-{article.id}-{start}", article.id, start, start + len(sentence), sentence,
                 None, action, speaker, None, hedged, None, tuple(q.id for q in quantities), (),
                 (), 0.9, 0)


def _quote(article: Article, words: str, speaker: str) -> Quote:
    start = article.text.index(words)
    return Quote(f"qt-{article.id}-{start}", article.id, start, start + len(words), "direct",
                 speaker, None, None, None, "said", None, None, "neutral", start,
                 start + len(words), ())


def _find(articles, *, claims=(), quantities=(), times=(), quotes=(), derivations=(),
          passages=(), groups=(), members=(), mentions=(), entity_keys=()):
    return find_findings(articles={a.id: a for a in articles}, claims=list(claims),
                         quantities={q.id: q for q in quantities}, times={t.id: t for t in times},
                         quotes=list(quotes), derivations=list(derivations),
                         passages=list(passages), claim_groups=list(groups), members=list(members),
                         mentions=list(mentions), entity_keys=list(entity_keys))


def test_two_ranges_for_the_same_named_period_are_an_inconsistency():
    article = _article("a1", "Ferry fares rose during the last fiscal year (July 2021 - June 2022). "
                             "Tolls fell over the last fiscal year (July 2022 - June 2023).")
    times = [_time(article, "July 2021 - June 2022", "2021-07-01", "2022-06-30"),
             _time(article, "July 2022 - June 2023", "2022-07-01", "2023-06-30")]
    findings = _find([article], times=times)
    assert [(f.kind, article.text[f.start:f.end]) for f in findings] == [
        ("internal_inconsistency", "July 2022 - June 2023")]
    assert "July 2021 - June 2022" in findings[0].detail


def test_the_same_period_pointing_back_counts_but_a_comparison_does_not():
    text = ("Landings grew in the past year (May 2023 - April 2024). Over the same twelve months, "
            "given as May 2021 to April 2022, prices fell. In the same period a year earlier "
            "(May 2022 - April 2023) nothing changed.")
    article = _article("a2", text)
    times = [_time(article, "May 2023 - April 2024", "2023-05-01", "2024-04-30"),
             _time(article, "May 2021 to April 2022", "2021-05-01", "2022-04-30"),
             _time(article, "May 2022 - April 2023", "2022-05-01", "2023-04-30")]
    findings = _find([article], times=times)
    assert [article.text[f.start:f.end] for f in findings] == ["May 2021 to April 2022"]


def test_unattributed_casualty_figure_but_not_a_sourced_one():
    article = _article("a3", "Five fishermen drowned and two were killed at the pier. "
                             "Police said four people died in the storm.")
    two = _quantity(article, "two", 2, "fishermen")
    four = _quantity(article, "four", 4, "people")
    claims = [_claim(article, "Five fishermen drowned and two were killed at the pier.", [two]),
              _claim(article, "Police said four people died in the storm.", [four])]
    findings = _find([article], claims=claims, quantities=[two, four])
    assert [(f.kind, f.start, f.end) for f in findings] == [
        ("unattributed_figure", 0, len("Five fishermen drowned and two were killed at the pier."))]
    assert "no source" in findings[0].detail


def test_two_counts_of_the_same_thing_in_one_article():
    article = _article("a4", "Port police detained 12 protesters on the quay. "
                             "Port police detained 30 protesters on the quay.")
    first = _quantity(article, "12", 12, "protesters")
    second = _quantity(article, "30", 30, "protesters")
    claims = [_claim(article, "Port police detained 12 protesters on the quay.", [first], action="detain"),
              _claim(article, "Port police detained 30 protesters on the quay.", [second], action="detain")]
    findings = _find([article], claims=claims, quantities=[first, second])
    assert [(f.kind, article.text[f.start:f.end]) for f in findings] == [
        ("internal_inconsistency", "30")]


def test_two_figures_of_two_things_are_no_inconsistency():
    """Copy gives figures of one noun side by side all the time: of money or goods, in one
    sentence, in other units, for other periods, places or subjects. None contradicts the other."""
    text = ("Net income fell to 537m euros from 798m euros. "
            "Some 2% of the members voted. Later 42 members voted. "
            "In 2003 the firm sold 900 cars. The firm sold 1,200 cars. "
            "Profits rose 20%. Earnings at the bank arm rose 25%. "
            "The union said 400 workers struck at Velmora. It said 300 workers struck at Korvask.")
    article = _article("a5", text)
    q = {t: _quantity(article, t, v, c) for t, v, c in [
        ("537m", 537, "euros"), ("798m", 798, "euros"), ("2%", 2, "members"), ("42", 42, "members"),
        ("900", 900, "cars"), ("1,200", 1200, "cars"), ("20%", 20, "%"), ("25%", 25, "%"),
        ("400", 400, "workers"), ("300", 300, "workers")]}
    q["2%"] = replace(q["2%"], unit="percent")
    when = _time(article, "2003", "2003-01-01", "2003-12-31", kind="year")
    claims = [
        _claim(article, "Net income fell to 537m euros from 798m euros.", [q["537m"], q["798m"]], action="fall"),
        _claim(article, "Some 2% of the members voted.", [q["2%"]], action="vote"),
        _claim(article, "Later 42 members voted.", [q["42"]], action="vote"),
        replace(_claim(article, "In 2003 the firm sold 900 cars.", [q["900"]], action="sell"),
                            times=(when.id,)),
        _claim(article, "The firm sold 1,200 cars.", [q["1,200"]], action="sell"),
        replace(_claim(article, "Profits rose 20%.", [q["20%"]], action="rise"), actor="Profits"),
        replace(_claim(article, "Earnings at the bank arm rose 25%.", [q["25%"]], action="rise"),
                            actor="Earnings at the bank arm"),
        replace(_claim(article, "The union said 400 workers struck at Velmora.", [q["400"]], action="strike",
                       speaker="The union"), places=("Velmora",)),
        replace(_claim(article, "It said 300 workers struck at Korvask.", [q["300"]], action="strike",
                       speaker="The union"), places=("Korvask",)),
    ]
    findings = _find([article], claims=claims, quantities=list(q.values()), times=[when])
    assert [f for f in findings if f.kind == "internal_inconsistency"] == []


def test_quote_moved_along_a_derivation_and_number_changed_in_a_passage():
    words = "We will close the harbour gates at dawn every day this week"
    source = _article("s1", f"Harbourmaster Ilse Varn said: \"{words}.\" She counted 14 ships.",
                      published="2024-04-01", outlet="Coast Wire")
    derived = _article("d1", f"Mayor Pol Dessen said: \"{words}.\" She counted 140 ships.",
                       published="2024-04-02", outlet="Bay Bugle")
    derivation = Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "dated", "test")
    passage = Passage("p1", "dv1", 0, len(source.text), 0, len(derived.text), "paraphrase", 0.9)
    ships = [_quantity(source, "14", 14, "ships"), _quantity(derived, "140", 140, "ships")]
    quotes = [_quote(source, words, "Harbourmaster Ilse Varn"), _quote(derived, words, "Mayor Pol Dessen")]
    findings = _find([source, derived], quotes=quotes, derivations=[derivation],
                     passages=[passage], quantities=ships)
    assert [(f.kind, f.article, f.related, derived.text[f.start:f.end]) for f in findings] == [
        ("quote_moved", "d1", "s1", words), ("number_changed", "d1", "s1", "140")]
    assert "Mayor Pol Dessen" in findings[0].detail and "Ilse Varn" in findings[0].detail


def test_same_speaker_under_a_shorter_name_is_not_a_moved_quote():
    words = "The gates stay shut until the inspectors have finished their work"
    one = _article("s1", f"\"{words},\" said Ilse Varn.", published="2024-04-01")
    two = _article("d1", f"\"{words},\" Varn said.", published="2024-04-02")
    quotes = [_quote(one, words, "Ilse Varn"), _quote(two, words, "Varn")]
    assert _find([one, two], quotes=quotes) == []


def test_a_body_and_its_own_spokeswoman_are_one_voice():
    words = "we have never held a single rifle in our depots anywhere"
    one = _article("s1", f"Ilse Varn, a spokeswoman for the Valley Union, said \"{words}\".",
                   published="2024-04-01")
    two = _article("d1", f"The Valley Union said \"{words}\".", published="2024-04-02")
    quotes = []
    for article, speaker in ((one, "Ilse Varn"), (two, "The Valley Union")):
        content = article.text.index(words)
        quotes.append(Quote(f"qt-{article.id}", article.id, 0, len(article.text), "direct",
                            speaker, None, None, None, "said", None, None, "neutral", content,
                            content + len(words), ()))
    # passed on along rewrites (unrelated articles are not compared: see the next test)
    derivations = [Derivation(f"dv-{d}", "s1", d, "rewrite", 0.9, 0.8, "dated", "test") for d in ("d1", "d2")]
    assert _find([one, two], quotes=quotes, derivations=derivations) == []
    # Another body's spokeswoman is another voice.
    other = _article("d2", f"The Harbour Board said \"{words}\".", published="2024-04-03")
    content = other.text.index(words)
    quotes.append(Quote("qt-d2", "d2", 0, len(other.text), "direct", "The Harbour Board", None,
                        None, None, "said", None, None, "neutral", content,
                        content + len(words), ()))
    assert [f.kind for f in _find([one, two, other], quotes=quotes, derivations=derivations)] == ["quote_moved"]


def test_a_formula_said_by_two_companies_in_unrelated_articles_is_no_moved_quote():
    """The same words under two speakers in articles no derivation or story links are a
    formula each says for itself, not a quote one outlet gave to someone else."""
    words = "it filed a registration statement covering a proposed offering of shares"
    one = _article("s1", f"Velmora Mills Inc said {words}.", published="2024-04-01")
    two = _article("d1", f"Korvask Tools Corp said {words}.", published="2024-04-02")
    quotes = [_quote(one, words, "Velmora Mills Inc"), _quote(two, words, "Korvask Tools Corp")]
    assert _find([one, two], quotes=quotes) == []
    linked = [Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "dated", "test")]
    assert [f.kind for f in _find([one, two], quotes=quotes, derivations=linked)] == ["quote_moved"]


def test_single_origin_claim_group():
    origin = _article("o1", "The ferry line will close in May.", published="2024-04-01",
                      outlet="Harbour Gazette")
    copy = _article("c1", "The ferry line will close in May, readers learn.", published="2024-04-02",
                    outlet="Velmora Post")
    echo = _article("e1", "The ferry line will close in May, a notice says.", published="2024-04-03",
                    outlet="Korvask Daily")
    claims = [_claim(origin, "The ferry line will close in May."),
              _claim(copy, "The ferry line will close in May, readers learn."),
              _claim(echo, "The ferry line will close in May, a notice says.")]
    group = ClaimGroup("g1", None, "ferry line close, May", 1, None)
    members = [ClaimGroupMember("m1", "g1", claims[0].id, "o1", "o1"),
               ClaimGroupMember("m2", "g1", claims[1].id, "c1", "o1"),
               ClaimGroupMember("m3", "g1", claims[2].id, "e1", "o1")]
    findings = _find([origin, copy, echo], claims=claims, groups=[group], members=members)
    assert [(f.kind, f.article, f.start, f.end) for f in findings] == [
        ("single_origin", "o1", 0, len("The ferry line will close in May."))]
    assert findings[0].detail.startswith('3 outlets, one origin: "The ferry line will close in May."')
    assert "go back to Harbour Gazette" in findings[0].detail
    # Two articles sharing a sentence with no figure is ordinary; it is not reported.
    two = _find([origin, copy], claims=claims[:2], groups=[group], members=members[:2])
    assert [f for f in two if f.kind == "single_origin"] == []
    # One outlet's three updates repeating its own sentence are no echo: a reader counts outlets.
    same = [_article(a.id, a.text, published=a.published) for a in (origin, copy, echo)]
    assert [f for f in _find(same, claims=claims, groups=[group], members=members)
            if f.kind == "single_origin"] == []


def test_single_origin_figure_counts_outlets_not_articles():
    texts = {"o1": ("Harbour Gazette", "Tolls rose by 40 percent. The board met. One ferry sank."),
             "c1": ("Harbour Gazette", "Tolls rose by 40 percent, the board said."),
             "e1": ("Velmora Post", "Tolls rose by 40 percent, a notice says. The board met. "
                                    "One ferry sank.")}
    articles = [_article(i, text, outlet=outlet) for i, (outlet, text) in texts.items()]
    figures = [_quantity(a, "40", 40, "percent") for a in articles]
    claims = [_claim(a, a.text.split(".")[0], [q]) for a, q in zip(articles, figures)]
    group = ClaimGroup("g1", None, "tolls rose, 40 percent", 1, None)
    members = [ClaimGroupMember(f"m{n}", "g1", c.id, c.article, "o1") for n, c in enumerate(claims)]

    def single(articles, claims, groups, members, quantities=figures):
        return [f for f in _find(articles, claims=claims, groups=groups, members=members,
                                 quantities=quantities) if f.kind == "single_origin"]

    found = single(articles, claims, [group], members)
    assert [f.detail.split(":")[0] for f in found] == ["2 outlets, one origin"]
    assert 'one origin: "Tolls rose by 40 percent" is carried by 2 outlets (3 articles)' \
        in found[0].detail
    assert single(articles[:2], claims[:2], [group], members[:2]) == []  # one outlet: no echo
    # "One ferry sank" in two outlets: a lone "one" is no figure anyone counts.
    ones = [_quantity(a, "One", 1, "ferry") for a in (articles[0], articles[2])]
    sank = [_claim(a, "One ferry sank", [q]) for a, q in zip((articles[0], articles[2]), ones)]
    sunk = ClaimGroup("g3", None, "sank one ferry", 1, None)
    assert single(articles, sank, [sunk], [ClaimGroupMember("s0", "g3", sank[0].id, "o1", "o1"),
                                           ClaimGroupMember("s1", "g3", sank[1].id, "e1", "o1")],
                  quantities=ones) == []
    # A second claim of the same origin passed on: still one finding, led by the figure.
    other = ClaimGroup("g2", None, "board met, Harbour", 1, None)
    extra = [_article("x1", "The board met at Harbour.", outlet="Korvask Daily")]
    extra_claims = [_claim(a, "The board met") for a in (articles[0], articles[2], *extra)]
    more = [ClaimGroupMember("n0", "g2", extra_claims[0].id, "o1", "o1"),
            ClaimGroupMember("n1", "g2", extra_claims[1].id, "e1", "o1"),
            ClaimGroupMember("n2", "g2", extra_claims[2].id, "x1", "o1")]
    found = single(articles + extra, claims + extra_claims, [group, other], members + more)
    assert len(found) == 1
    assert found[0].detail == ('3 outlets, one origin: "Tolls rose by 40 percent" and 1 more of '
                               'its claims are carried by 3 outlets (4 articles) that all go back '
                               'to Harbour Gazette.')


def test_findings_are_deterministic_and_offsets_inside_text():
    article = _article("a1", "Ferry fares rose during the last fiscal year (July 2021 - June 2022). "
                             "Tolls fell over the last fiscal year (July 2022 - June 2023).")
    times = [_time(article, "July 2021 - June 2022", "2021-07-01", "2022-06-30"),
             _time(article, "July 2022 - June 2023", "2022-07-01", "2023-06-30")]
    first, second = _find([article], times=times), _find([article], times=list(reversed(times)))
    assert first == second
    assert all(0 <= f.start < f.end <= len(article.text) for f in first)


def _hedge_group(stated_text: str, *, published=("2024-04-01", "2024-04-02"), derived=False):
    hedged_text = "The harbour board claimed that the smugglers had been paid from overseas."
    source = _article("s1", hedged_text, published=published[0], outlet="Coast Wire")
    later = _article("d1", stated_text, published=published[1], outlet="Bay Bugle")
    claims = [Claim("c-s1", "s1", 0, len(hedged_text), hedged_text, None, "pay",
                    "The harbour board", "claimed", True, "claimed", (), (), (), 0.9, 0),
              _claim(later, stated_text)]
    group = ClaimGroup("g1", None, "pay smugglers", 2, None)
    members = [ClaimGroupMember("m1", "g1", "c-s1", "s1", "s1"),
               ClaimGroupMember("m2", "g1", claims[1].id, "d1", "d1")]
    derivations = [Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "content", "t")] if derived else []
    return _find([source, later], claims=claims, groups=[group], members=members,
                 derivations=derivations)


def test_a_hedge_dropped_by_a_later_article_is_a_finding():
    stated = "The smugglers were paid from overseas."
    [finding] = _hedge_group(stated)
    assert (finding.kind, finding.article, finding.related) == ("hedge_dropped", "d1", "s1")
    assert (finding.start, finding.end) == (0, len(stated))
    assert "Bay Bugle states as fact" in finding.detail
    assert "on the word of the harbour board" in finding.detail
    # Undated, the derivation's direction decides; an earlier statement is no dropped hedge.
    assert [f.kind for f in _hedge_group(stated, published=(None, None), derived=True)] == [
        "hedge_dropped"]
    assert _hedge_group(stated, published=("2024-04-03", "2024-04-02")) == []  # one against one
    # A claim in other words is not the one that lost its hedge.
    assert _hedge_group("Fishing boats returned to the quay at dawn.") == []
    # Still on the board's word, whatever verb carries it.
    assert _hedge_group("The harbour board pointed out the smugglers were paid from overseas."
                        ) == []


def test_a_hedge_most_outlets_keep_is_dropped_by_the_one_stating_it():
    said = ["The harbour board claimed that the smugglers had been paid from overseas.",
            "According to the harbour board, the smugglers had been paid from overseas.",
            "The smugglers were paid from overseas."]
    articles = [_article(f"a{i}", text, published="2024-04-02") for i, text in enumerate(said)]
    claims = [Claim("c0", "a0", 0, len(said[0]), said[0], None, "pay", "The harbour board",
                    "claimed", True, "claimed", (), (), (), 0.9, 0),
              Claim("c1", "a1", 0, len(said[1]), said[1], None, "pay", "the harbour board",
                    "according to", True, "according to", (), (), (), 0.9, 0),
              _claim(articles[2], said[2])]
    group = ClaimGroup("g1", None, "pay smugglers", 3, None)
    members = [ClaimGroupMember(f"m{i}", "g1", c.id, c.article, c.article)
               for i, c in enumerate(claims)]
    found = _find(articles, claims=claims, groups=[group], members=members)
    assert [(f.kind, f.article, f.related) for f in found] == [("hedge_dropped", "a2", "a0")]


def _copied_quote(words: str, first: str, second: str, **found):
    """The same words given to ``first`` by a source and to ``second`` by its dated copy."""
    source = _article("s1", f"{first} said \"{words}\".", published="2024-04-01")
    copy = _article("d1", f"{second} said \"{words}\".", published="2024-04-02")
    derivation = Derivation("dv1", "s1", "d1", "copy", 0.9, 0.9, "dated", "test")
    quotes = [_quote(source, words, first), _quote(copy, words, second)]
    return _find([source, copy], quotes=quotes, derivations=[derivation], **found)


def test_names_of_one_body_placed_apart_are_one_voice_not_a_moved_quote():
    words = "twelve trawlers were stopped for fishing without a licence"
    places = [Mention(f"m{i}", "s1", 0, len(name), name, "GPE", name, name.lower(), 0)
              for i, name in enumerate(("Halden", "Dravia"))]
    assert _copied_quote(words, "Halden harbour agency", "Dravia harbour agency",
                         mentions=places) == []
    # Without knowing that the words are places, the two names differ.
    moved = _copied_quote(words, "Halden harbour agency", "Dravia harbour agency")
    assert [f.kind for f in moved] == ["quote_moved"]


def test_a_short_name_inside_the_long_one_is_one_voice():
    words = "twelve trawlers were stopped for fishing without a licence"
    assert _copied_quote(words, "The harbour board in the western province", "The board") == []


def test_speakers_the_entity_merge_made_one_are_one_voice():
    words = "twelve trawlers were stopped for fishing without a licence"
    source = _article("s1", f"Fisheries Inspectorate said \"{words}\".", published="2024-04-01")
    copy = _article("d1", f"The FI said \"{words}\".", published="2024-04-02")
    derivation = Derivation("dv1", "s1", "d1", "copy", 0.9, 0.9, "dated", "test")
    quotes = [_quote(source, words, "Fisheries Inspectorate"), _quote(copy, words, "The FI")]
    quotes = [replace(q, speaker_key=key)
              for q, key in zip(quotes, ("fisheries inspectorate", "fi"))]
    keys = [EntityKey("k1", "e-fi", "fisheries inspectorate"), EntityKey("k2", "e-fi", "fi")]
    assert _find([source, copy], quotes=quotes, derivations=[derivation],
                 entity_keys=keys) == []
    assert [f.kind for f in _find([source, copy], quotes=quotes, derivations=[derivation])] == [
        "quote_moved"]


def test_an_office_against_a_name_is_no_moved_quote_but_two_offices_are():
    """"The Coroner" and "Dr Ilse Varn" may well be one person, and "the judge" or "His counsel"
    left unresolved say nothing of who speaks; "the Harbour Master" and "the Port Minister" are
    two offices."""
    words = "the gates will stay shut until the inquiry has heard every witness"
    linked = [Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "dated", "test")]

    def found(first: str, second: str) -> list[str]:
        one = _article("s1", f"{first} said \"{words}\".", published="2024-04-01")
        two = _article("d1", f"{second} said \"{words}\".", published="2024-04-02")
        quotes = [_quote(one, words, first), _quote(two, words, second)]
        return [f.kind for f in _find([one, two], quotes=quotes, derivations=linked)]

    assert found("The Coroner", "Dr Ilse Varn") == []
    assert found("the judge", "Dr Ilse Varn") == []
    assert found("His counsel", "Pol Dessen") == []
    assert found("the Harbour Master", "the Port Minister") == ["quote_moved"]
    assert found("Dr Ilse Varn", "Pol Dessen") == ["quote_moved"]


def test_an_unattributed_toll_names_the_people_counted_and_a_hearing_is_a_source():
    article = _article("a6", "Surgeons carried out 53 operations after which 29 patients died. "
                             "Two drivers were killed in the crash, the inquest heard. "
                             "The gelding had won 65 caps before it died.")
    ops = _quantity(article, "53", 53, "operations")
    patients = _quantity(article, "29", 29, "patients")
    drivers = _quantity(article, "Two", 2, "drivers")
    caps = _quantity(article, "65", 65, "caps")
    claims = [_claim(article, "Surgeons carried out 53 operations after which 29 patients died.", [ops, patients]),
              _claim(article, "Two drivers were killed in the crash, the inquest heard.", [drivers]),
              _claim(article, "The gelding had won 65 caps before it died.", [caps])]
    findings = _find([article], claims=claims, quantities=[ops, patients, drivers, caps])
    assert [f.kind for f in findings] == ["unattributed_figure"]
    assert '"29 patients"' in findings[0].detail
    # "one woman" killed is the case a court report tells, not a toll to attribute
    case = _article("a7", "One woman was killed in the crash.")
    woman = _quantity(case, "One", 1, "woman")
    assert _find([case], claims=[_claim(case, case.text, [woman])], quantities=[woman]) == []


def test_a_finding_names_two_articles_of_one_outlet_by_their_headlines():
    words = "we have closed the harbour gates for the whole of the winter season"
    one = replace(_article("s1", f"Ilse Varn said \"{words}\".", published="2024-04-01"),
                  title="Harbour gates close")
    two = replace(_article("d1", f"Pol Dessen said \"{words}\".", published="2024-04-02"),
                  title="Winter closure for the port")
    quotes = [_quote(one, words, "Ilse Varn"), _quote(two, words, "Pol Dessen")]
    linked = [Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "dated", "test")]
    found = _find([one, two], quotes=quotes, derivations=linked)
    assert [f.kind for f in found] == ["quote_moved"]
    assert "Harbour Gazette: Winter closure for the port gives the quote" in found[0].detail
    assert "Harbour Gazette: Harbour gates close gives it to Ilse Varn" in found[0].detail


def test_a_changed_figure_pairs_counts_of_one_kind_only():
    """"52.2 pct" is no changed "3.6 mln shares": only figures of one noun and unit, or two
    counts of people, pair across a shared passage."""
    source = _article("s1", "The fund holds 3.6 mln shares. Police held 42 individuals.", published="2024-04-01")
    derived = _article("d1", "The fund holds 52.2 pct. Police held 420 people.", published="2024-04-02",
                       outlet="Bay Bugle")
    q = [_quantity(source, "3.6 mln", 3.6e6, "shares"), _quantity(source, "42", 42, "individuals"),
         replace(_quantity(derived, "52.2", 52.2, None), unit="percent"), _quantity(derived, "420", 420, "people")]
    derivation = Derivation("dv1", "s1", "d1", "rewrite", 0.9, 0.8, "dated", "test")
    passages = [Passage("p1", "dv1", 0, 31, 0, 24, "paraphrase", 0.9),
                Passage("p2", "dv1", 32, len(source.text), 25, len(derived.text), "paraphrase", 0.9)]
    found = _find([source, derived], quantities=q, derivations=[derivation], passages=passages)
    assert [(f.kind, derived.text[f.start:f.end]) for f in found] == [("number_changed", "420")]
