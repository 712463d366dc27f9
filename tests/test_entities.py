"""Entity mentions, alias resolution and the corpus-level merge, on hand-written texts."""

from __future__ import annotations

import random

import pytest

from crosscheck.enrich.aliases import load_alias_table, normalize_name
from crosscheck.enrich.entities import extract_mentions, strip_titles
from crosscheck.enrich.nlp import load_nlp
from crosscheck.errors import SettingsError
from crosscheck.link.entities import merge_entities, names_by_outlet, names_by_outlet_all
from crosscheck.records import Article, Mention


def _article(text: str, *, id: str = "a1", outlet: str | None = None) -> Article:
    return Article(id=id, source=f"{id}.txt", url=None, outlet=outlet, outlet_from=None,
                   title=None, published=None, published_from=None, language="en", text=text)


def _mentions(text: str, **kwargs) -> list[Mention]:
    article = _article(text, **kwargs)
    return extract_mentions(load_nlp()(text), article=article)


def _by_text(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in mentions}


def test_acronym_defined_in_the_text_links_short_and_long_form():
    text = ("Supporters of the Northern Liberation Front (NLF) gathered outside the court. "
            "Police said the NLF had planned the march for weeks.")
    mentions = _mentions(text)
    long_form = _by_text(mentions)["Northern Liberation Front"]
    acronyms = [m for m in mentions if m.text == "NLF"]
    assert len(acronyms) == 2
    assert {m.name for m in acronyms} == {"Northern Liberation Front"}
    assert {m.key for m in acronyms} == {long_form.key} == {"northern liberation front"}


def test_acronym_not_in_the_table_is_tagged_from_its_definition():
    text = ("The Coastal Fishers Cooperative (CFC) asked for new quotas on Monday. "
            "A spokesman for the CFC said the boats would stay in port.")
    cfc = [m for m in _mentions(text) if m.text == "CFC"]
    assert [m.name for m in cfc] == ["Coastal Fishers Cooperative"] * 2
    assert {m.key for m in cfc} == {"coastal fishers cooperative"}
    assert {m.label for m in cfc} == {"ORG"}


def test_titles_are_dropped_from_the_name_and_a_bare_surname_resolves():
    text = ("Mrs. Maryam Rajavi spoke to the meeting in Paris on Sunday. "
            "Later that evening Rajavi left the hall without questions.")
    mentions = [m for m in _mentions(text) if m.label == "PERSON"]
    assert [m.name for m in mentions] == ["Maryam Rajavi", "Maryam Rajavi"]
    assert len({m.key for m in mentions}) == 1


def test_strip_titles():
    assert strip_titles("Mrs. Maryam Rajavi") == "Maryam Rajavi"
    assert strip_titles("Colonel Ivo Brannet") == "Ivo Brannet"
    assert strip_titles("Interior Minister Lidia Marren") == "Lidia Marren"
    assert strip_titles("President") == "President"


def test_the_official_is_not_an_entity():
    text = "The official said the roads into the valley would reopen on Friday."
    assert not [m for m in _mentions(text) if "official" in m.text.lower()]


def test_the_front_resolves_to_the_organisation_named_before():
    text = ("The Northern Liberation Front held a rally in the capital. "
            "The Front said later that nobody had been hurt.")
    front = [m for m in _mentions(text) if m.text.lower() == "the front"]
    assert [m.name for m in front] == ["Northern Liberation Front"]
    assert front[0].key == "northern liberation front"


def test_alias_table_gives_mko_mek_and_pmoi_one_key():
    text = ("A court heard that the MKO had paid for the leaflets. Lawyers for the MEK denied "
            "it, and a statement from the PMOI called the trial a farce.")
    mentions = _by_text(_mentions(text))
    keys = {mentions[name].key for name in ("MKO", "MEK", "PMOI")}
    assert keys == {"people mojahedin organization of iran"}
    assert {mentions[name].label for name in ("MKO", "MEK", "PMOI")} == {"ORG"}


def test_slash_joined_names_are_one_mention():
    text = "Families of detained PMOI/MEK supporters waited outside the prison all day."
    mentions = _by_text(_mentions(text))
    assert mentions["PMOI/MEK"].key == "people mojahedin organization of iran"


def test_slash_joined_acronyms_take_the_long_form_they_were_defined_with():
    text = ("Relatives of the Harbour Workers Guild (HWG/DG) were questioned. "
            "Two HWG/DG organisers were later freed.")
    names = {m.name for m in _mentions(text) if m.text == "HWG/DG"}
    assert names == {"Harbour Workers Guild"}


def test_mention_offsets_lie_inside_the_text():
    text = ("On Tuesday the Northern Liberation Front (NLF) said Ana Torvik of the NLF "
            "had left Selvar for Tessel; Torvik denied it. The Front’s office stayed shut.")
    mentions = _mentions(text)
    assert mentions
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text


def test_normalize_name_handles_plurals_apostrophes_and_case():
    assert normalize_name("the Mojahedin Khalq Organizations") == "mojahedin khalq organization"
    assert normalize_name("People’s Front") == normalize_name("People's Front") == "people front"
    assert normalize_name("U.S.") == "us"
    assert normalize_name("Ministry of Intelligence & Security") == \
        "ministry of intelligence and security"


def test_alias_table_matches_spelling_variants():
    table = load_alias_table()
    assert table.key("MKO") == table.key("Mojahedin-e Khalq") == table.key("PMOI")
    assert table.key("East Azarbaijan") == table.key("East Azerbaijan")
    assert table.key("Mojahedin Khalq Organizations") == table.key("MEK")
    assert table.key("Ministry of Interior") == "ministry of interior"


def test_user_alias_table_adds_rows(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("# my own\nHarbour Guild\tORG\tHG Union\n", encoding="utf-8")
    table = load_alias_table(str(path))
    assert table.key("HG Union") == "harbour guild"
    assert table.key("MEK") == "people mojahedin organization of iran"


def test_bad_user_alias_table_says_which_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("Harbour Guild\tORG\n", encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_alias_table(str(path))
    assert str(error.value) == (f"alias table {path} line 1: expected "
                                "canonical<TAB>type<TAB>alias, got 'Harbour Guild\\tORG'")
    with pytest.raises(SettingsError, match="no such file"):
        load_alias_table(str(tmp_path / "missing.tsv"))


def _mention(article: str, text: str, name: str, key: str, label: str = "ORG",
             start: int = 0) -> Mention:
    return Mention(id=f"{article}-{start}-{text}", article=article, start=start,
                   end=start + len(text), text=text, label=label, name=name, key=key, sentence=0)


def _corpus() -> list[Mention]:
    return [
        _mention("a1", "Northern Liberation Front", "Northern Liberation Front",
                 "northern liberation front"),
        _mention("a1", "NLF", "Northern Liberation Front", "northern liberation front", start=40),
        _mention("a2", "NLF", "NLF", "nlf"),
        _mention("a2", "NLF", "NLF", "nlf", start=30),
        _mention("a3", "East Azarbaijan", "East Azarbaijan", "east azarbaijan", "GPE"),
        _mention("a4", "East Azerbaijan", "East Azerbaijan", "east azerbaijan", "GPE"),
        _mention("a4", "Drevic", "Drevic", "drevic", "PERSON", start=20),
        _mention("a5", "Anselm Drevic", "Anselm Drevic", "anselm drevic", "PERSON"),
        _mention("a5", "Velmora", "Velmora", "velmora", "GPE", start=20),
    ]


def test_merge_joins_defined_acronyms_spellings_and_surnames():
    entities, keys = merge_entities(_corpus())
    entity_of = {k.key: k.entity for k in keys}
    assert entity_of["nlf"] == entity_of["northern liberation front"]
    assert entity_of["east azarbaijan"] == entity_of["east azerbaijan"]
    assert entity_of["drevic"] == entity_of["anselm drevic"]
    assert len(entities) == 4
    names = {e.id: e.name for e in entities}
    assert names[entity_of["nlf"]] == "Northern Liberation Front"
    assert names[entity_of["drevic"]] == "Anselm Drevic"
    assert {e.id: e.type for e in entities}[entity_of["velmora"]] == "GPE"


def test_merge_is_deterministic_whatever_the_order():
    mentions = _corpus()
    expected = merge_entities(mentions)
    for seed in range(3):
        shuffled = mentions[:]
        random.Random(seed).shuffle(shuffled)
        assert merge_entities(shuffled) == expected


def test_names_by_outlet_counts_surface_names():
    mentions = _corpus()
    outlets = {"a1": "Lowland Observer", "a2": "Patriot Standard"}
    by_outlet = names_by_outlet(mentions, keys={"nlf", "northern liberation front"},
                                outlets=outlets)
    assert by_outlet == {"Lowland Observer": {"NLF": 1, "Northern Liberation Front": 1},
                         "Patriot Standard": {"NLF": 2}}
    entities, keys = merge_entities(mentions)
    every = names_by_outlet_all(mentions, keys, outlets=outlets)
    front = next(k.entity for k in keys if k.key == "nlf")
    assert every[front] == by_outlet
    drevic = next(k.entity for k in keys if k.key == "drevic")
    assert every[drevic] == {"(unknown outlet)": {"Anselm Drevic": 1, "Drevic": 1}}


def test_many_mentions_in_one_long_article_resolve_to_their_full_names():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PERSON", "pattern": "Maryam Rajavi"}, {"label": "PERSON", "pattern": "Rajavi"},
        {"label": "ORG", "pattern": "Northern Liberation Front"}])
    text = "Maryam Rajavi met the Northern Liberation Front (NLF). Rajavi thanked the Front. " * 1000
    mentions = extract_mentions(nlp(text), article=_article(text))
    assert len(mentions) == 5000
    assert {(m.text, m.name) for m in mentions} == {
        ("Maryam Rajavi", "Maryam Rajavi"), ("Rajavi", "Maryam Rajavi"),
        ("Northern Liberation Front", "Northern Liberation Front"),
        ("NLF", "Northern Liberation Front"), ("the Front", "Northern Liberation Front")}


def test_merging_counted_inside_the_store_gives_the_merge_of_the_records(tmp_path):
    """The link stage counts mentions per key in DuckDB: the same entities and keys as the
    merge of the mention records, in any order."""
    from crosscheck.link.entities import merge_stored_entities
    from crosscheck.store import Store

    mentions = [
        Mention("m1", "a1", 0, 27, "Northern Liberation Front", "ORG", "Northern Liberation Front",
                "northern liberation front", 0),
        Mention("m2", "a1", 29, 32, "NLF", "ORG", "Northern Liberation Front", "northern liberation front", 0),
        Mention("m3", "a2", 0, 3, "NLF", "ORG", "NLF", "nlf", 0),
        Mention("m4", "a2", 10, 24, "East Azarbaijan", "GPE", "East Azarbaijan", "east azarbaijan", 1),
        Mention("m5", "a3", 0, 15, "East Azerbaijan", "GPE", "East Azerbaijan", "east azerbaijan", 0),
        Mention("m6", "a3", 20, 31, "Ilsa Dorran", "PERSON", "Ilsa Dorran", "ilsa dorran", 0),
        Mention("m7", "a4", 0, 6, "Dorran", "PERSON", "Dorran", "dorran", 0),
        Mention("m8", "a4", 9, 15, "Dorran", "ORG", "Dorran", "dorran", 1),
    ]
    with Store(tmp_path / "s.duckdb") as store:
        store.write(mentions)
        stored = merge_stored_entities(store.con)
    assert stored == merge_entities(mentions) == merge_entities(list(reversed(mentions)))
    assert len(stored[0]) < len({m.key for m in mentions})  # some keys were joined
