"""Offline geocoding: names to places, decided by the article's other places."""

import pytest

from crosscheck.enrich.places import GeoPlace, geocode, normalize_place


def one(name, *context):
    return geocode([name], context=context)[name]


def test_paris_alone_is_the_french_capital():
    paris = one("Paris")
    assert (paris.country_code, paris.admin1, paris.precision) == ("FR", "Ile-de-France", "city")
    assert paris.lat == pytest.approx(48.85, abs=0.05) and paris.lon == pytest.approx(2.35, abs=0.05)
    assert paris.candidates > 1 and paris.geonameid is not None


def test_paris_beside_texas_is_paris_texas():
    paris = one("Paris", "Texas")
    assert (paris.name, paris.country_code, paris.admin1) == ("Paris", "US", "Texas")
    assert paris.lat == pytest.approx(33.66, abs=0.05)


def test_a_qualifier_written_beside_the_name_decides():
    assert one("Paris, Texas").admin1 == "Texas"
    assert one("Wasilla, Alaska").admin1 == "Alaska"
    assert one("Schenectady, N.Y.").admin1 == "New York"


def test_tabriz_with_east_azarbaijan():
    result = geocode(["Tabriz", "East Azarbaijan province"])
    tabriz, province = result["Tabriz"], result["East Azarbaijan province"]
    assert (tabriz.precision, tabriz.country, tabriz.admin1) == ("city", "Iran", "East Azerbaijan")
    assert (province.precision, province.name, province.country_code) == ("province", "East Azerbaijan", "IR")
    assert province.geonameid is None  # GeoNames' admin1 ids do not ship in the package


@pytest.mark.parametrize("written", ["Tehran province", "the province of Tehran", "Tehran Province"])
def test_province_forms(written):
    place = one(written)
    assert (place.precision, place.name, place.country_code) == ("province", "Tehran", "IR")


def test_a_city_of_a_province_name_is_the_city():
    assert one("Tehran").precision == "city"
    assert one("Ashgabat city").precision == "city"


@pytest.mark.parametrize("written, code", [("Iran", "IR"), ("the United States", "US"), ("U.S.", "US"),
                                          ("Britain", "GB"), ("Turkmenistan", "TM")])
def test_countries(written, code):
    place = one(written)
    assert (place.precision, place.country_code, place.admin1) == ("country", code, None)


def test_a_country_point_lies_inside_it():
    iran = one("Iran")
    assert iran.country == "Iran" and 25 < iran.lat < 40 and 44 < iran.lon < 63


def test_a_state_is_a_province():
    texas = one("Texas")
    assert (texas.precision, texas.country_code, texas.geonameid) == ("province", "US", 4736286)


def test_unknown_and_invented_names_are_none():
    assert geocode(["Korvask", "Ostrel Valley", "Qodtrat"]) == {"Korvask": None, "Ostrel Valley": None,
                                                                "Qodtrat": None}
    assert one("") is None


def test_a_close_spelling_of_a_province_is_found():
    assert one("East Azarbayjan").name == "East Azerbaijan"


def test_an_undecided_name_is_none():
    # Springfields of similar size in several states, nothing in the text to choose between them.
    assert one("Springfield") is None
    assert one("Springfield", "Missouri").admin1 == "Missouri"


def test_a_town_abroad_while_the_text_points_elsewhere_is_not_invented():
    # A historic English county the gazetteer lacks must not become a town in New Jersey.
    assert one("Middlesex", "England", "London") is None
    assert one("Middlesex").country_code == "US"
    # A county it holds is that county (once this was Surrey, British Columbia).
    assert (one("Surrey", "England", "London").country_code, one("Surrey").country_code) == ("GB", "GB")


def test_order_independent_and_deterministic():
    names = ["Paris", "Texas", "Tabriz", "Iran", "Springfield", "Korvask"]
    first = geocode(names, context=["Dallas"])
    again = geocode(list(reversed(names)), context=["Dallas"])
    assert first == again
    assert geocode(["Paris"], context=["Texas", "Dallas"]) == geocode(["Paris"], context=["Dallas", "Texas"])
    assert geocode(["Paris"], context=["Texas"])["Paris"] == geocode(["Paris", "Texas"])["Paris"]


def test_duplicates_and_types():
    result = geocode(["Paris", "Paris"])
    assert list(result) == ["Paris"] and isinstance(result["Paris"], GeoPlace)


def test_normalize_place():
    assert normalize_place("the Gulf's  Qeshm-Island") == "gulf qeshm island"
    assert normalize_place("Thessaloníki") == "thessaloniki"


def test_compass_words_and_near_misses_are_not_places():
    assert geocode(["North", "the West", "Brask"]) == {"North": None, "the West": None, "Brask": None}


def test_a_town_held_twice_by_geonames_is_still_decided():
    assert one("Kashan").country_code == "IR"


def test_state_codes_count_only_after_a_comma():
    assert one("In") is None and one("ME") is None
    assert one("Fountain Valley, CA").admin1 == "California"
    assert one("L.A.").name == "Los Angeles"


def test_an_abbreviated_state_in_the_context_votes():
    assert one("Golden", "Colo.").admin1 == "Colorado"
    assert one("Colo.").name == "Colorado"


def test_a_country_is_not_a_town_named_after_it():
    assert one("Egypt", "United States", "Texas").precision == "country"
    assert one("Georgia", "Atlanta").precision == "province"
    assert one("Georgia", "Tbilisi").precision == "country"


def test_the_islamic_republic_is_iran():
    from crosscheck.enrich.places import geocode

    for context in ((), ("Lahore",)):
        place = geocode(["the Islamic Republic"], context=context)["the Islamic Republic"]
        assert (place.country_code, place.precision) == ("IR", "country")


def test_an_english_county_is_not_the_us_town_named_after_it():
    """The cities gazetteer lacks Britain's counties; a county is a province of England, and it
    no longer pulls the article's other towns across the Atlantic."""
    norfolk = one("Norfolk", "Norwich")
    assert (norfolk.country_code, norfolk.admin1, norfolk.precision) == ("GB", "England", "province")
    assert one("Norwich", "Norfolk").country_code == "GB"
    assert one("Essex", "Chelmsford").country_code == "GB"
    # a county's short form qualifies a town: not New Jersey's Newark, which is all the
    # gazetteer holds under that name
    assert one("Newark, Notts") is None and one("Newark").country_code == "US"
    # beside Virginia's places, Norfolk is the Virginia city
    assert (one("Norfolk", "Virginia").country_code, one("Norfolk", "Virginia").precision) == ("US", "city")


def test_a_county_named_after_its_city_is_the_city():
    assert (one("Manchester").country_code, one("Manchester").precision) == ("GB", "city")


def test_a_world_city_is_not_overturned_by_a_country_vote_alone():
    assert one("London", "Enfield").country_code == "GB"
    assert one("London, Kentucky").admin1 == "Kentucky"  # a qualifier still decides


def test_a_state_is_not_a_town_abroad_of_its_name():
    assert (one("Virginia").country_code, one("Virginia").precision) == ("US", "province")
