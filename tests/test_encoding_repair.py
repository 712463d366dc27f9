"""Text decoded with the wrong charset upstream is put right while cleaning, and good text is
left exactly as it is."""

from crosscheck.clean import clean_document
from crosscheck.clean.encoding import repair_encoding
from crosscheck.enrich.quantities import parse_quantity
from crosscheck.records import Draft, RawDocument
from crosscheck.settings import Settings


def _misread(text: str) -> str:
    """What a UTF-8 text looks like after being read as Windows-1252 (as browsers read it: the
    five bytes Windows-1252 leaves undefined stand for the C1 controls of Latin-1)."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def test_misread_text_is_repaired():
    for good in ["a loss of £600m", "don’t", "“Fine,” she said", "Zürich and Malmö", "École",
                 "Привет", "中文"]:
        bad = good.encode("utf-8").decode("latin-1") if good in ("Привет", "中文") else _misread(good)
        assert bad != good
        assert repair_encoding(bad) == good


def test_good_text_is_left_alone():
    for good in ["Señor Muñoz «hola»", "café »", "naïve—really", "5 °C in Kraków", "plain ASCII",
                 "Ω and π and €40", ""]:
        assert repair_encoding(good) == good


def test_cleaning_repairs_body_and_title_so_amounts_read_as_money():
    body = ("The Velmora ferry line made a pre-tax profit of £75m in the year, up from £12m, "
            "its chief executive told shareholders on Thursday. “We carried more cars than ever,” "
            "she said, adding that fares would not rise before the spring timetable.")
    raw = RawDocument("doc1", "rows.jsonl#1", "text", _misread(body), title=_misread("Ferry line’s profit rises"))
    draft = next(r for r in clean_document(raw, settings=Settings()) if isinstance(r, Draft))
    assert draft.title == "Ferry line’s profit rises"
    assert "£75m" in draft.text and "Â" not in draft.text and "â€" not in draft.text
    assert parse_quantity("£75m")[4] == "GBP"
    assert parse_quantity(_misread("£75m"))[4] != "GBP"  # what the damage did


def test_soft_hyphens_do_not_split_names():
    text = ("Police in Vel\u00admora said on Monday that the march through the old town had ended "
            "peacefully after a long day of speeches.")
    raw = RawDocument("doc2", "page.txt", "text", text)
    draft = next(r for r in clean_document(raw, settings=Settings()) if isinstance(r, Draft))
    assert "Velmora" in draft.text and "\u00ad" not in draft.text
