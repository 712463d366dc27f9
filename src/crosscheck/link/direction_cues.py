"""The content cues that tell which of two aligned articles is the source.

Each cue takes ``(a, b, *, verbatim, paraphrase, quantities_a, quantities_b)`` with ``a`` on the
source side of the alignments and returns ``(value, reason)``: ``value`` in [-1, 1], positive
when the cue says ``a`` is the source, 0 (with an empty reason) when it has nothing to say.
``CUES`` lists them by the names :data:`crosscheck.link.direction.CUE_WEIGHTS` weights.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..records import Article

__all__ = ["CUES", "outlet_name"]

# A name: capitalised words after a lower-case word (not a sentence start), possessives and
# "of (the)" kept inside, so "Bank of Lorn" or "People's Front of Amra" is one name.
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:['’]s)?(?:(?: of(?: the)?)? [A-Z][a-z]+(?:['’]s)?)*")
_JOINERS = frozenset({"of", "the", "s"})
_CITE_CUES = r"(?:reported|reports|said|says|told|according to|citing|quoted|cited)"
# Lower case, or capitalised at a sentence start only: "Korvask Today" is a name, not a day.
_SENTENCE_START = r"(?:(?<=^)|(?<=[.!?\n] )|(?<=\n))"
_EARLIER_DAY = re.compile(rf"\b(?:today|tonight|this (?:morning|afternoon|evening))\b"
                          rf"|{_SENTENCE_START}(?:Today|Tonight|This (?:morning|afternoon|evening))\b")
_LATER_DAY = re.compile(rf"\b(?:yesterday|last night)\b|{_SENTENCE_START}(?:Yesterday|Last night)\b")
_WORDS = re.compile(r"[^\W_]+")
# Calendar words a retelling tends to drop: weekdays and month names (with a day when given).
_CALENDAR = re.compile(
    r"\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)(?: \d{1,2}\b)?)")
# A parenthetical explanation: "(the term used for ...)", "(March 21, 2017-March 20, 2018)".
_PARENTHETICAL = re.compile(r"\(([^()\n]{3,120})\)")
# An editor's words put into a quotation: "[the group's] members", "[while another 50 were ...]".
_BRACKET = re.compile(r"\[[^\[\]\n]{2,80}\]")
_QUOTE_OPEN = "\"“‘'"
#: Loaded-term weight per aligned passage by which two texts must differ for the loaded cue.
MIN_LOADED_GAP = 0.2
#: Longest gap (words) between two reused passages read as an edit; a longer one is a section
#: of the writer's own, which says nothing about who cut.
MAX_GAP_WORDS = 40


# --- credits and days ----------------------------------------------------------------------


def _citation_cue(a, b, **_):
    """Crediting the other outlet ("..., the Courier reported") marks the later text."""
    a_cites, b_cites = _cites(a.text, b.outlet), _cites(b.text, a.outlet)
    if b_cites and not a_cites:
        return 1, f"{outlet_name(b)} credits {b_cites!r}"
    if a_cites and not b_cites:
        return -1, f"{outlet_name(a)} credits {a_cites!r}"
    return 0, ""


def _cites(text: str, outlet: str | None) -> str | None:
    """The credit to ``outlet`` in ``text``: within one sentence, and the outlet's name written
    as a name (capitalised), so "the times said" or "Express.\nHe said" credit nobody."""
    if not outlet or len(outlet) < 3:
        return None
    bare = outlet.removeprefix("The ").strip()
    name = re.escape(bare[:1].upper()) + "(?i:" + re.escape(bare[1:]) + ")"
    gap = r"[^\w.!?\n]+"  # no sentence end between the name and the verb
    pattern = rf"(?i:{_CITE_CUES}){gap}(?:[Tt]he\s+)?{name}\b|\b{name}{gap}(?:\w+{gap})?(?i:{_CITE_CUES})"
    found = re.search(pattern, text)
    return found.group(0) if found else None


def _day_shift_cue(a, b, **_):
    """A retelling written the next day turns the first report's "today" into "yesterday":
    the text leaning more on "yesterday"/"last night" is the later one."""
    lean_a, lean_b = _day_lean(a.text), _day_lean(b.text)
    if lean_a == lean_b:
        return 0, ""
    later, earlier = (b, a) if lean_a > lean_b else (a, b)
    return (1 if lean_a > lean_b else -1), (
        f"{outlet_name(later)} says 'yesterday' where {outlet_name(earlier)} says 'today' "
        f"(day words {min(lean_a, lean_b):+d} against {max(lean_a, lean_b):+d})")


def _day_lean(text: str) -> int:
    return len(_EARLIER_DAY.findall(text)) - len(_LATER_DAY.findall(text))


# --- what happens inside the reused passages -----------------------------------------------


def _edit_cue(a, b, *, verbatim, paraphrase, **_):
    """Editors cut more than they add inside the passages they reuse: of the words that differ
    between aligned passages, the source side holds most. Value: (dropped - added) / both."""
    dropped, added = 0, 0
    for x in [*verbatim, *paraphrase]:
        words_a = set(_WORDS.findall(a.text[x.source_start:x.source_end].lower()))
        words_b = set(_WORDS.findall(b.text[x.derived_start:x.derived_end].lower()))
        dropped, added = dropped + len(words_a - words_b), added + len(words_b - words_a)
    gap_a, gap_b = _gaps(a.text, b.text, [*verbatim, *paraphrase])
    dropped, added = dropped + gap_a, added + gap_b
    if dropped == added:
        return 0, ""
    value = (dropped - added) / (dropped + added)
    cutter = b if value > 0 else a
    return round(value, 4), (f"{outlet_name(cutter)} cuts reused passages ({max(dropped, added)} words "
                             f"only in the other side, {min(dropped, added)} added)")


def _gaps(text_a: str, text_b: str, alignments) -> tuple[int, int]:
    """Words between two passages that follow each other in both texts (no other passage
    between them in either): a clause cut from the source or one slipped into the copy between
    two reused stretches. Passages that a retelling reorders mark no cut, and taking the pairs
    adjacent in both texts counts the same gaps whichever text is ``a``."""
    words_a = words_b = 0
    by_a = sorted(alignments, key=_span_key)
    by_b = sorted(alignments, key=lambda x: _span_key(x)[2:] + _span_key(x)[:2])
    follows_in_b = {_span_key(x): _span_key(y) for x, y in zip(by_b, by_b[1:])}
    for x, y in zip(by_a, by_a[1:]):
        if (follows_in_b.get(_span_key(x)) == _span_key(y) and y.source_start >= x.source_end
                and y.derived_start >= x.derived_end):
            gap_a = len(_WORDS.findall(text_a[x.source_end:y.source_start]))
            gap_b = len(_WORDS.findall(text_b[x.derived_end:y.derived_start]))
            if max(gap_a, gap_b) <= MAX_GAP_WORDS:
                words_a, words_b = words_a + gap_a, words_b + gap_b
    return words_a, words_b


def _span_key(x) -> tuple[int, int, int, int]:
    return x.source_start, x.source_end, x.derived_start, x.derived_end


def _detail_cue(a, b, *, verbatim, paraphrase, **_):
    """A retelling drops specifics: the side of the aligned passages (verbatim and paraphrase
    pairs alike) that alone holds weekdays and dates, names and parenthetical explanations is the
    source. A name the other side of the passage writes another way is held there
    (:class:`_Held`: "Guard" for "Guards", the parts of a possessive, initials), so a body named
    in full where the other side gave its acronym is no added specific. Bare figures take no
    part: on METER they point either way (papers round figures and add their own), in
    paraphrase pairs too."""
    only_a, only_b = set(), set()
    for x in [*verbatim, *paraphrase]:
        piece_a, piece_b = a.text[x.source_start:x.source_end], b.text[x.derived_start:x.derived_end]
        held_a, held_b = _Held(piece_a), _Held(piece_b)
        only_a |= {d for d in _details(piece_a) if not held_b.holds(d)}
        only_b |= {d for d in _details(piece_b) if not held_a.holds(d)}
    if len(only_a) == len(only_b):
        return 0, ""
    value = (len(only_a) - len(only_b)) / (len(only_a) + len(only_b))
    keeper, dropper, kept = (a, b, only_a) if value > 0 else (b, a, only_b)
    return round(value, 4), (f"{outlet_name(dropper)} drops details of {outlet_name(keeper)} in shared "
                             f"passages ({len(kept)} against {min(len(only_a), len(only_b))}, "
                             f"e.g. {_sample(kept)})")


class _Held:
    """What one text holds, to test the other side's specifics against: its words folded with
    plurals cut, and its upper-case tokens (initials)."""

    def __init__(self, text: str):
        self.folded = _stemmed(text)
        self.initials = set(re.findall(r"\b[A-Z]{2,}\b", text))

    def holds(self, detail: str) -> bool:
        """The detail in the text, or each part of a possessive name ("Orrin's Harbour Board")
        in it; a part as itself or as the initials of its words ("VFO" for "Valley Front of
        Orrin")."""
        parts = [part for part in re.split(r"['’]s\b", detail) if part.strip()]
        return self._holds_part(detail) or all(self._holds_part(part) for part in parts)

    def _holds_part(self, part: str) -> bool:
        if _stemmed(part) in self.folded:
            return True
        words = [w for w in _WORDS.findall(part) if w.lower() not in _JOINERS]
        return len(words) >= 2 and "".join(w[0] for w in words).upper() in self.initials


def _stemmed(text: str) -> str:
    """Words lower-cased, a plural or possessive "s" cut ("Guards" and "Guard" match)."""
    words = (w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORDS.findall(text.lower()))
    return " ".join(w for w in words if w != "s")


def _details(piece: str) -> set[str]:
    """Calendar words, names (without a closing possessive) and parentheticals in one passage."""
    notes = {f"({m.group(1)})" for m in _PARENTHETICAL.finditer(piece) if _explains(m.group(1))}
    names = {re.sub(r"['’]s$", "", name) for name in _NAME.findall(piece)}
    return set(_CALENDAR.findall(piece)) | names | notes


def _explains(note: str) -> bool:
    """A parenthetical that explains (dates, figures, a clause), not a bare label "(MEK)"."""
    return any(ch.isdigit() for ch in note) or len(re.findall(r"\b[a-z]{2,}\b", note)) >= 2


def _sample(details: set[str]) -> str:
    return ", ".join(repr(d) for d in sorted(details, key=lambda d: (-len(d), d))[:3])


def _bracket_cue(a, b, **_):
    """Square brackets inside a quotation are an editor's insertion into someone else's words
    ("[the group's] members ..."): the text that brackets quotes the other leaves plain is the
    later one."""
    count_a, count_b = _quote_brackets(a.text), _quote_brackets(b.text)
    if count_a == count_b:
        return 0, ""
    bracketer = b if count_b > count_a else a
    return (1 if count_b > count_a else -1), (
        f"{outlet_name(bracketer)} inserts editorial brackets into quotes "
        f"({max(count_a, count_b)} against {min(count_a, count_b)})")


def _quote_brackets(text: str) -> int:
    """Bracketed insertions in a quotation: a quote mark opens earlier in the same paragraph."""
    count = 0
    for match in _BRACKET.finditer(text):
        paragraph = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        if any(mark in paragraph for mark in _QUOTE_OPEN) or text[match.end():match.end() + 1] == "\u201d":
            count += 1
    return count


# --- what surrounds the reused passages ----------------------------------------------------


def _loaded_cue(a, b, *, verbatim, paraphrase, **_):
    """A partisan rewrite frames the facts it takes in loaded words ("regime", "thugs"): the
    text whose paragraphs holding the shared passages carry clearly more loaded-word weight
    (per shared passage, at least ``MIN_LOADED_GAP`` more) is the later one. Value: difference
    of the two rates over their sum."""
    both = [*verbatim, *paraphrase]
    rate_a = _loaded_rate(a.text, [(x.source_start, x.source_end) for x in both])
    rate_b = _loaded_rate(b.text, [(x.derived_start, x.derived_end) for x in both])
    if abs(rate_a - rate_b) < MIN_LOADED_GAP:
        return 0, ""
    value = (rate_b - rate_a) / (rate_a + rate_b)
    framer = b if value > 0 else a
    return round(value, 4), (f"{outlet_name(framer)} frames shared facts in loaded words "
                             f"({max(rate_a, rate_b):.2f} against {min(rate_a, rate_b):.2f} per shared passage)")


def _loaded_insert_cue(a, b, *, verbatim, **_):
    """Inside a verbatim passage a copy keeps the source's words, so a loaded word that only one
    side of the passage holds ("the notorious Harbour Guard" for "the Harbour Guard") was put
    in by the later text's editor. Value: the loaded-term weight only the later side adds, less
    the weight only the other side holds, over the larger of their sum and 1 (one light word
    says less than several). Paraphrase pairs take no part: a rewriter rewords whole sentences
    and drops loaded wording about as often as it brings some (right on 59% of the METER pairs
    it would fire on; a rewrite that tones its source down points the wrong way), so the
    paragraphs' ``loaded`` rate, not this, speaks for them."""
    only_a = only_b = 0.0
    for x in verbatim:
        terms_a = _loaded_terms(a.text, x.source_start, x.source_end)
        terms_b = _loaded_terms(b.text, x.derived_start, x.derived_end)
        only_a += sum(w for t, w in terms_a.items() if t not in terms_b)
        only_b += sum(w for t, w in terms_b.items() if t not in terms_a)
    if only_a == only_b:
        return 0, ""
    value = (only_b - only_a) / max(only_a + only_b, 1.0)
    inserter, words = (b, only_b) if value > 0 else (a, only_a)
    return round(value, 4), (f"{outlet_name(inserter)} puts loaded words into passages it shares "
                             f"word for word (weight {words:.2f} against {min(only_a, only_b):.2f})")


def _loaded_terms(text: str, start: int, end: int) -> dict[str, float]:
    """The hand-written lexicon terms in ``text[start:end]`` (plural forms folded) with their
    weights. The terms counted from annotated corpora ("plot", "hunt", "angry") are loaded in
    some contexts only, and an editor swaps them for plain words as often as the reverse."""
    pattern, weights = _lexicon()
    hand = _hand_terms()
    return {term: weights[term] for m in pattern.finditer(text, start, end)
            if (term := m.group(1).lower()) in hand}


@lru_cache(maxsize=1)
def _hand_terms() -> frozenset[str]:
    from ..assess.propaganda import load_lexicon

    return frozenset(t.term for t in load_lexicon() if t.source == "hand")


def _loaded_rate(text: str, spans: list[tuple[int, int]]) -> float:
    """Loaded-term weight per aligned passage, counted in the paragraphs that hold them."""
    if not spans:
        return 0.0
    pattern, weights = _lexicon()
    paragraphs = {(text.rfind("\n", 0, s) + 1, _end_of_line(text, e)) for s, e in spans}
    total = sum(weights.get(m.group(1).lower(), 0.0)
                for start, end in paragraphs for m in pattern.finditer(text, start, end))
    return round(total / len(spans), 4)


def _end_of_line(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern, dict[str, float]]:
    from ..assess.propaganda import load_lexicon

    weights = {t.term: t.weight for t in load_lexicon() if " " not in t.term}
    body = "|".join(re.escape(t) for t in sorted(weights, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![\w-])({body})(?:s|es)?(?![\w-])", re.IGNORECASE), weights


def _lead_cue(a, b, *, verbatim, paraphrase, **_):
    """A retelling gets a lead of its own: the text that starts with clearly more unaligned
    sentences (two or more) before the first reused passage is the later one. A passage in the
    headline line does not count as the start: two headlines on one event align as a rule."""
    both = [*verbatim, *paraphrase]
    lead_a = _lead(a.text, [(x.source_start, x.source_end) for x in both])
    lead_b = _lead(b.text, [(x.derived_start, x.derived_end) for x in both])
    vote = _sign(lead_b - lead_a, 2)
    if not vote:
        return 0, ""
    framer = b if vote > 0 else a
    return vote, f"{outlet_name(framer)} has a lead of its own ({max(lead_a, lead_b)} sentences)"


def _lead(text: str, spans: list[tuple[int, int]]) -> int:
    """Whole sentences before the first aligned passage below the headline line."""
    headline_end = text.find("\n")
    if headline_end < 0:
        body = [s for s, _ in spans]
        return _sentences(text[:min(body)]) if body else 0
    # a passage running on from the headline into the body starts the body where the line ends
    body = [max(s, headline_end + 1) for s, e in spans if e > headline_end + 1]
    return _sentences(text[headline_end + 1:min(body)]) if body else 0


def _sign(difference: int, margin: int) -> int:
    return 1 if difference >= margin else -1 if difference <= -margin else 0


def _sentences(text: str) -> int:
    pieces = re.split(r"(?<=[.!?])\s+", text.strip())
    return len([s for s in pieces if len(s.split()) >= 4 and s.rstrip("\"'”’)").endswith((".", "!", "?"))])


def outlet_name(article: Article) -> str:
    """How the evidence names an article: its outlet, else its id."""
    return article.outlet or article.id


CUES = {"citation": _citation_cue, "day_shift": _day_shift_cue, "edits": _edit_cue,
        "details": _detail_cue, "brackets": _bracket_cue, "loaded": _loaded_cue,
        "loaded_insert": _loaded_insert_cue, "lead": _lead_cue}
