"""Quotes and attribution: who said what, with which cue, in which stance, through whom.

Three kinds of :class:`~crosscheck.records.Quote` come out of one parsed article:

- ``direct``: words inside quote marks (“ ” " « » ‘ ’ „ and ASCII single quotes used as
  quotes) whose clause is the whole quote, cued by a speech verb next to it, including quotes
  split around the cue (“A,” she said, “B.”) and paragraphs of a quote that continue a speaker;
- ``indirect``: reported speech governed by a cue verb ("X said (that) ...", "X claimed ...",
  "X accused Y of ...", "X was quoted as saying ...", "A, X said, B", "X decried Y"): any verb
  the learned cue table knows, with a speaker and a clause or object, kept when the logistic
  cue model accepts it (:mod:`.reported_speech`, :mod:`.cue_model`, both trained on PolNeAR
  train by ``bench/train_attribution.py``);
- ``according_to``: "according to X" (also when another cue reports the same clause: "X said
  ..., according to Y" gives X's quote through Y and Y's own).

Quote marks are found by a scanner over the text, not by the parser, because the small spaCy
model often attaches quoted clauses to the wrong verb; the parser then supplies the cue, its
subject and the reported clause. A quote mark with no partner never runs past its paragraph or
``MAX_QUOTE_CHARS`` (then it ends at a sentence end), so an unbalanced mark cannot swallow an
article. Speakers are resolved to mention keys (see :mod:`.speakers`):
names directly, pronouns to the last person speaking or acting, and definite role phrases ("the
minister") to the person the article introduced with that role. Quotes reported inside another
speaker's quote or "according to" phrase carry the intermediaries in ``via``.
"""

from __future__ import annotations

from spacy.language import Language

from ..records import Article, Mention, Quote, content_id
from .attribution_marks import MAX_QUOTE_CHARS, find_quote_marks
from .attribution_marks import PARAGRAPH as _PARAGRAPH
from .cue_syntax import (CUE_STANCE, CUE_THRESHOLD, MIN_CUE_PRECISION, _Context, _cue_span,
                         _Found, _is_cue, _phrase, _stance, _trim, SUBJECT_DEPS)
from .reported_speech import (_citing_for, _indirect_quotes, attribution_candidates, speaker_of,
                              speaker_span)
from .speakers import Speakers

__all__ = ["extract_quotes", "find_quote_marks", "paragraph_sentence_starts", "CUE_STANCE",
           "MAX_QUOTE_CHARS", "PARAGRAPH_COMPONENT", "attribution_candidates", "CUE_THRESHOLD",
           "MIN_CUE_PRECISION"]

PARAGRAPH_COMPONENT = "crosscheck_paragraphs"


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_sentence_starts(doc):
    """Start a sentence after every blank line. Add before the parser
    (``nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")``): the small model otherwise parses
    a headline or a closing quote mark into the next paragraph's sentence."""
    last_end, text = None, doc.text
    for token in doc:
        if token.is_space:
            continue
        if last_end is not None and _PARAGRAPH.search(text, last_end, token.idx):
            token.is_sent_start = True
        last_end = token.idx + len(token)
    return doc


# --- direct quotes ----------------------------------------------------------------------------


def _direct_quotes(ctx: _Context) -> list[_Found]:
    """Quotes whose whole clause is quoted, joined when split around one cue."""
    found: list[_Found] = []
    for mark in ctx.marks:
        cue = _cue_for_mark(ctx, mark)
        subject = speaker_of(cue) if cue is not None else None
        if cue is None:
            cue, subject = _cue_after(ctx, mark)
        if cue is None:
            found.append(_Found("direct", None, None, _inner(ctx.text, mark), None))
            continue
        previous = found[-1] if found else None
        if previous is not None and previous.cue == _cue_span(cue):
            previous.content = (previous.content[0], _inner(ctx.text, mark)[1])
            continue
        found.append(_Found("direct", _cue_span(cue), speaker_span(ctx, subject, cue),
                            _inner(ctx.text, mark), _stance(cue),
                            speaker_head=subject.i))
    return _continued(ctx, found)


def _cue_after(ctx: _Context, mark: tuple[int, int]):
    """``(cue, speaker head)`` of a closing quote followed by "Name said." or "said Name." up to
    the sentence's end, when the parser split or mangled that sentence; ``(None, None)``."""
    doc, after = ctx.doc, ctx.token_at(mark[1] - 1) + 1
    tokens = []
    for token in doc[after : min(len(doc), after + 14)]:
        if token.text in ".;!?" or token.is_space:
            break
        tokens.append(token)
    cues = [t for t in tokens if _is_cue(t)]
    closing = ctx.text[mark[0] : mark[1]].rstrip("”»’\"' ")
    if not cues or not closing.endswith((",", "?", "!", "—")):  # '"...," she said'
        return None, None
    cue = cues[0]
    before = [t for t in tokens if t.i < cue.i and not t.is_punct]
    behind = [t for t in tokens if t.i > cue.i and not t.is_punct]
    words = before or behind
    if not words or any(t.pos_ in ("VERB", "AUX") for t in before) or ctx.mark_at(cue.idx):
        return None, None
    heads = [t for t in words if t.pos_ in ("PROPN", "NOUN", "PRON")]
    if not heads or len(before) > 8:
        return None, None
    named = [t for t in heads if t.i < (next((c.i for c in words if c.text == ","), 10**9))]
    return cue, (named or heads)[-1] if before else heads[0]


def _inner(text: str, mark: tuple[int, int]) -> tuple[int, int]:
    start, end = mark
    closed = end - start > 1 and not text[end - 1].isalnum() and text[end - 1] in "”»“›’\"'"
    return _trim(text, start + 1, end - 1 if closed else end)


def _cue_for_mark(ctx: _Context, mark: tuple[int, int]):
    """The nearest speech verb outside the quote, in its sentence, with a subject outside the
    quote, where the quote is the verb's whole clause (not a scare-quoted fragment)."""
    first = ctx.token_at(mark[0])
    last = ctx.token_at(max(mark[0], mark[1] - 1))
    lo, _ = ctx.sentence_of(first)
    _, hi = ctx.sentence_of(last)
    if lo > 0 and ctx.doc[lo - 1].text == ":":
        lo = ctx.sentence_of(lo - 1)[0]
    candidates = [t for t in ctx.doc[lo:hi] if _is_cue(t) and ctx.mark_at(t.idx) is None]
    candidates.sort(key=lambda t: min(abs(t.idx - mark[0]), abs(t.idx - mark[1])))
    for cue in candidates:
        subject = speaker_of(cue)
        if subject is None or ctx.mark_at(subject.idx) is not None:
            continue
        if _whole_clause(ctx, mark, cue, subject, (lo, hi)):
            return cue
    return None


def _whole_clause(ctx: _Context, mark, cue, subject, sentence) -> bool:
    """True when nothing but the cue, its speaker and adverbials stand between the quote and
    the sentence's edges: the quote is what was said, not a phrase inside reported speech."""
    doc, (lo, hi) = ctx.doc, sentence
    if cue.idx >= mark[1]:
        speaker_from = min(cue.i, subject.left_edge.i)
        between = doc[ctx.token_at(mark[1] - 1) + 1 : speaker_from]
        before = doc[lo : ctx.token_at(mark[0])]
        return all(t.is_punct or t.is_space for t in between) and _only_marks(ctx, before)
    after_cue = max(cue.i, subject.right_edge.i) + 1
    between = doc[after_cue : ctx.token_at(mark[0])]
    after = doc[ctx.token_at(mark[1] - 1) + 1 : hi]
    loose = len(between) == 0 or (len(between) <= 8 and between[-1].is_punct and not any(
        t.pos_ in ("VERB", "AUX") or t.dep_ in SUBJECT_DEPS for t in between))
    return loose and _only_marks(ctx, after)


def _only_marks(ctx: _Context, tokens) -> bool:
    """Only punctuation, or other quoted passages, or a cue phrase ("she said")."""
    return all(t.is_punct or t.is_space or ctx.mark_at(t.idx) is not None
               or _is_cue(t) or t.dep_ in SUBJECT_DEPS or t.head.dep_ in SUBJECT_DEPS
               for t in tokens)


def _continued(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """A quoted paragraph with no cue, right after a cued quote, continues that speaker."""
    kept: list[_Found] = []
    for quote in found:
        if quote.cue is None:
            previous = kept[-1] if kept else None
            if previous is not None and _continues(ctx, previous, quote):
                previous.content = (previous.content[0], quote.content[1])
            continue
        kept.append(quote)
    return kept


def _continues(ctx: _Context, previous: _Found, quote: _Found) -> bool:
    gap = ctx.text[previous.content[1] : quote.content[0]]
    words = ctx.text[quote.content[0] : quote.content[1]].split()
    return (previous.kind == "direct" and len(words) >= 4 and words[0][:1].isupper()
            and len(gap.split()) <= 6)


# --- "according to" and headlines -----------------------------------------------------------


def _colon_attributions(ctx: _Context) -> list[_Found]:
    """Headline style "Name: what they said" (a short name, a colon, the words)."""
    found = []
    for lo, hi in ctx.sents:
        colon = next((t for t in ctx.doc[lo : min(hi, lo + 7)] if t.text == ":"), None)
        if colon is None or colon.i == lo or hi - colon.i < 4:
            continue
        name = [t for t in ctx.doc[lo : colon.i] if not t.is_space]
        if not name or name[-1].pos_ != "PROPN" or name[-1].text.isupper() \
                or any(t.pos_ in ("VERB", "AUX") for t in name):
            continue
        content = _trim(ctx.text, *ctx.chars(colon.i + 1, hi - 1))
        kind = "direct" if ctx.mark_at(content[0]) is not None else "indirect"
        if kind == "indirect" and _place_label(ctx, name):
            continue  # "Velmora: 420 arrested": the headline says where, not who speaks
        found.append(_Found(kind, (colon.i, colon.i), ctx.chars(name[0].i, name[-1].i),
                            content, "neutral", speaker_head=name[-1].i))
    return found


def _place_label(ctx: _Context, name: list) -> bool:
    """The words before a headline's colon name a place: a place mention there, else the same
    words mentioned as a place further down (the tagger often misses a headline's names)."""
    start, end = name[0].idx, name[-1].idx + len(name[-1])
    covering = [m for m in ctx.mentions if m.start <= start and end <= m.end]
    if covering:
        return all(m.label in _PLACE_LABELS for m in covering)
    # (any one place mention: the tagger labels a bare country name a place or a body at random)
    return any(m.label in _PLACE_LABELS and m.text == ctx.text[start:end] for m in ctx.mentions) \
        or all(t.ent_type_ in _PLACE_LABELS for t in name)


_PLACE_LABELS = frozenset({"GPE", "LOC"})


def _according_to(ctx: _Context, found: list[_Found]) -> list[_Found]:
    """ "according to X": a quote of its own; when another cue in the sentence already reports
    the clause ("X said, according to Y"), Y is also an intermediary of that quote."""
    added: list[_Found] = []
    for token in ctx.doc:
        source = _according_source(token)
        if source is None:
            continue
        speaker = _phrase(ctx, source)
        lo, hi = ctx.sentence_of(token.i)
        phrase = ctx.chars(token.i, source.right_edge.i)
        host = _quote_in_sentence(ctx, found, (lo, hi), exclude=speaker, tail=phrase)
        if host is not None:
            host.via.append(ctx.text[speaker[0] : speaker[1]])
            if host.content[0] < phrase[0] < host.content[1]:  # "said X, according to Y"
                host.content = _trim(ctx.text, host.content[0], phrase[0])
        # Y is also a source of its own: it says that X said so
        content = _rest_of_sentence(ctx, (lo, hi), (token.i, source.right_edge.i))
        if content is not None:
            added.append(_Found("according_to", (token.i, source.head.i), speaker, content,
                                "neutral", speaker_head=source.i))
    return added


def _according_source(token):
    if token.lower_ != "according":
        return None
    for to in token.children:
        if to.lower_ == "to":
            for child in to.children:
                if child.dep_ == "pobj":
                    return child
    return None


def _quote_in_sentence(ctx: _Context, found: list[_Found], sentence, *, exclude, tail=None):
    """A cued quote of the sentence spoken by someone other than ``exclude``, that does not
    hold ``exclude`` in its content (unless the phrase ``tail`` ends that content)."""
    lo, hi = ctx.chars(sentence[0], sentence[1] - 1)
    for quote in found:
        if quote.cue is None or quote.speaker is None or quote.speaker == exclude \
                or not lo <= ctx.doc[quote.cue[0]].idx < hi:
            continue
        inside = quote.content[0] <= exclude[0] < quote.content[1]
        ends = tail is not None and tail[1] >= quote.content[1] - 1
        if tail is None or not inside or ends:
            return quote
    return None


def _rest_of_sentence(ctx: _Context, sentence, phrase) -> tuple[int, int] | None:
    """The longer side of the sentence around the "according to" phrase."""
    lo, hi = sentence
    before = (lo, phrase[0] - 1) if phrase[0] > lo else None
    after = (phrase[1] + 1, hi - 1) if phrase[1] + 1 < hi else None
    sides = [s for s in (before, after) if s is not None and s[1] >= s[0]]
    if not sides:
        return None
    first, last = max(sides, key=lambda s: s[1] - s[0])
    start, end = _trim(ctx.text, *ctx.chars(first, last))
    while end > start and ctx.text[end - 1] in ".!?":
        end -= 1
    return (start, end) if end - start > 3 else None


# --- chains -----------------------------------------------------------------------------------


def _chain(ctx: _Context, found: list[_Found]) -> None:
    """Intermediaries: a quote reported inside another speaker's quote, and "Y reported,
    citing Z" (Z spoke, through Y)."""
    for token in ctx.doc:
        if _citing_for(token):
            _citing(ctx, found, token)
    outer_first = sorted(found, key=lambda q: (q.content[0], -q.content[1]))
    for outer in outer_first:
        if outer.speaker is None:
            continue
        for inner in found:
            if inner is not outer and inner.speaker is not None \
                    and outer.content[0] <= inner.speaker[0] < outer.content[1]:
                name = ctx.text[outer.speaker[0] : outer.speaker[1]]
                # deduplicated as it grows (same first-seen order as at the end): nested
                # "according to X citing Y who quoted Z" would otherwise double it per level
                inner.via = list(dict.fromkeys([name, *outer.via, *inner.via]))


def _citing(ctx: _Context, found: list[_Found], cite) -> None:
    origin = next((c for c in cite.children if c.dep_ in ("dobj", "pobj")), None)
    if origin is None:
        return
    lo, hi = ctx.sentence_of(cite.i)
    host = _quote_in_sentence(ctx, found, (lo, hi), exclude=_phrase(ctx, origin))
    if host is None:
        return
    host.via = [ctx.text[host.speaker[0] : host.speaker[1]], *host.via]
    host.speaker, host.speaker_head = _phrase(ctx, origin), origin.i


# --- assembly ---------------------------------------------------------------------------------


def extract_quotes(doc, *, article: Article, mentions: list[Mention]) -> list[Quote]:
    """Direct quotes, indirect speech and "according to" attributions in ``article``.

    ``doc`` is ``article.text`` parsed by a spaCy pipeline with a dependency parser (without
    one, no cue can be found and the result is empty); ``mentions`` are the article's named
    entity mentions, whose keys become the quotes' ``speaker_key``. Quotes come sorted by
    offset, one per span.
    """
    if doc.text != article.text:
        raise ValueError(f"article {article.id}: the parsed doc's text is not the article text "
                         f"({len(doc.text)} vs {len(article.text)} characters); parse article.text")
    if not doc.has_annotation("DEP"):
        return []
    ctx = _Context(doc, find_quote_marks(doc.text), mentions)
    found = _direct_quotes(ctx)
    found += _indirect_quotes(ctx, {q.cue for q in found if q.cue is not None})
    found += _according_to(ctx, found)
    found += _colon_attributions(ctx)
    found = [q for q in found if q.content[1] > q.content[0]]
    _chain(ctx, found)
    speakers = Speakers(ctx, [q.content for q in found if q.kind != "according_to"])
    for quote in sorted(found, key=lambda q: q.speaker or q.content):
        quote.key = speakers.resolve(quote) if quote.speaker is not None else None
    return _records(ctx, article, found)


def _records(ctx: _Context, article: Article, found: list[_Found]) -> list[Quote]:
    records: dict[tuple[int, int], Quote] = {}
    for quote in sorted(found, key=lambda q: (q.content, q.cue or (-1, -1))):
        cue = ctx.chars(*quote.cue) if quote.cue is not None else None
        spans = [s for s in (quote.speaker, cue, quote.content) if s is not None]
        start, end = min(s[0] for s in spans), max(s[1] for s in spans)
        if (start, end) in records:
            continue
        speaker = quote.speaker or (None, None)
        records[(start, end)] = Quote(
            id=content_id(article.id, "quote", start, end), article=article.id,
            start=start, end=end, kind=quote.kind,
            speaker=ctx.text[speaker[0] : speaker[1]] if quote.speaker else None,
            speaker_start=speaker[0], speaker_end=speaker[1], speaker_key=quote.key,
            cue=ctx.text[cue[0] : cue[1]] if cue else None,
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
            stance=quote.stance, content_start=quote.content[0], content_end=quote.content[1],
            via=tuple(dict.fromkeys(quote.via)))
    return sorted(records.values(), key=lambda q: (q.start, q.end))