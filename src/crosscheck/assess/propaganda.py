"""Propaganda techniques and loaded words in plain text, named as in SemEval-2020 Task 11.

Three detectors feed one list of :class:`TechniqueHit`:

- the lexicon (``data/loaded_terms.tsv``): loaded words and name-calling labels, each with a
  weight and the technique it signals; a name-calling label grows over the words that say whom it
  labels ("the directorate's thugs", "NLF terrorists");
- phrase rules for techniques a word list cannot see: "so-called X" (name calling),
  superlatives with "ever" (exaggeration), "nobody believes" (doubt), "will not be bullied" said
  of a nation (flag-waving) or as a short stand-alone sentence (slogan), "the next bomb could be
  anywhere" (fear), repeated phrases (repetition).

- a trained token tagger (:mod:`crosscheck.assess.technique_tagger`, weights in
  ``data/propaganda_model.npz``), whose spans are added where no lexicon or rule span of the same
  technique lies (``term="tagger"``), each with a confidence. The learned sequence tagger
  (:mod:`crosscheck.assess.sequence_tagger`, ``data/propaganda_sequence.npz``, which also reads
  the token tagger's scores) can be passed as ``model``; ``bench/framing.py`` scores both, and
  the default stays the one that scores better on held-out articles. With the ``embeddings``
  extra, a head over MiniLM's hidden states (``contextual``) or MiniLM with its top layer
  fine-tuned (``finetuned``, :mod:`crosscheck.assess.finetuned`) can be chosen instead.

A label the text reports rather than uses ("which the government lists as a terrorist
organisation", "started calling them terrorists") is left out: the outlet is not using it.
Everything here is text in, offsets out; no parser (the tagger has its own regex tokenizer), so the PTC benchmark and the pipeline share it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import CrosscheckError
from . import ensemble, finetuned as tuned, sequence_tagger as sequence, technique_tagger as tagger

__all__ = ["TechniqueHit", "LexiconTerm", "load_lexicon", "detect_techniques", "tagger_hits",
           "tagger_inputs", "tagger_only", "technique_model", "TECHNIQUES",
           "TECHNIQUE_TAGGERS"]

#: The SemEval-2020 Task 11 names this detector can emit.
TECHNIQUES = (
    "Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Doubt",
    "Flag-Waving", "Appeal_to_fear-prejudice", "Slogans", "Repetition",
    "Causal_Oversimplification", "Black-and-White_Fallacy", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring", "Bandwagon,Reductio_ad_hitlerum",
)


@dataclass(frozen=True, slots=True)
class TechniqueHit:
    """A technique found at ``[start, end)`` of the text; ``weight`` in (0, 1]; ``term`` is the
    lexicon term or rule name that fired (``"tagger"`` for the learned tagger). ``confidence``
    in [0, 1]: for a tagger span the mean probability of its tokens; for a lexicon or rule span
    the share of such spans annotators marked in the PTC training articles (cross-validated,
    stored with the tagger); ``None`` where not measured."""

    technique: str
    start: int
    end: int
    weight: float
    term: str
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    term: str
    weight: float
    technique: str
    source: str


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> tuple[LexiconTerm, ...]:
    """Terms of the loaded-language lexicon (the shipped one unless ``path`` is given)."""
    if path is None:
        text = resources.files("crosscheck.data").joinpath("loaded_terms.tsv").read_text("utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    terms = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 3 or cells[2] not in TECHNIQUES:
            raise ValueError(f"loaded_terms.tsv line {number}: expected 'term<TAB>weight<TAB>"
                             f"technique[<TAB>source]' with a SemEval technique, got {line!r}")
        source = cells[3] if len(cells) > 3 else "hand"
        terms.append(LexiconTerm(cells[0].lower(), float(cells[1]), cells[2], source))
    return tuple(terms)


@lru_cache(maxsize=4)
def _lexicon_pattern(terms: tuple[LexiconTerm, ...]) -> tuple[re.Pattern, dict[str, LexiconTerm]]:
    by_term = {t.term: t for t in terms}
    # Longest first so "witch hunt" wins over "witch"; a plural or -ed/-ing ending is allowed.
    alternatives = sorted(by_term, key=lambda t: (-len(t), t))
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in alternatives)
    pattern = re.compile(rf"(?<![\w-])({body})(?:s|es|ed|d|ing)?(?![\w-])", re.IGNORECASE)
    return pattern, by_term


# A label someone else applies, reported by the outlet: "lists as", "branded", "calling them".
_REPORTED_LABEL = re.compile(
    r"\b(lists?|listed|designat\w*|brand\w*|call\w*|label\w*|describ\w*|dubb\w*|term\w*|"
    r"accus\w*)\b(?:\s+\w+){0,3}\s+(?:as\s+)?(?:an?\s+)?$", re.IGNORECASE)
_POSSESSOR = re.compile(r"(?:\b[Tt]he\s+)?(?:[\w-]+\s+){0,2}[\w-]+['’]s\s+$")
_ACRONYM_BEFORE = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\w*\s+$")


def _lexicon_hits(text: str, terms: tuple[LexiconTerm, ...]) -> list[TechniqueHit]:
    pattern, by_term = _lexicon_pattern(terms)
    hits = []
    for match in pattern.finditer(text):
        entry = by_term[re.sub(r"\s+", " ", match.group(1).lower())]
        start = match.start()
        before = text[max(0, start - 60):start]
        if _REPORTED_LABEL.search(before):
            continue
        end = match.end()
        if entry.technique == "Name_Calling,Labeling":
            start = _grow_label(text, start)
        if entry.term.endswith(" of"):
            # "gang of" labels nothing until its noun: "a gang of bombers".
            noun = re.match(r"\s+[\w'’-]+", text[end:])
            end += len(noun.group(0)) if noun else 0
            article = re.search(r"\b(?:an?|the)\s+$", text[max(0, start - 5):start], re.IGNORECASE)
            start -= len(article.group(0)) if article else 0
        hits.append(TechniqueHit(entry.technique, start, end, entry.weight, entry.term))
    return hits


def _grow_label(text: str, start: int) -> int:
    """Take in whom a label names: "the directorate's thugs", "NLF terrorists"."""
    before = text[max(0, start - 50):start]
    for grower in (_POSSESSOR, _ACRONYM_BEFORE):
        found = grower.search(before)
        if found and "\n" not in found.group(0):
            return start - len(found.group(0))
    return start


_STOP = frozenset(
    "a an the of to in on at by for from with and or but is are was were be been has have had "
    "who which that this these those it its their his her they he she we you i as not no".split())


def _so_called(text: str) -> list[TechniqueHit]:
    """ "so-called X Y": the label is the scare-quoted noun phrase after it (up to four words)."""
    hits = []
    for match in re.finditer(r"\bso[- ]called\s+", text, re.IGNORECASE):
        end = match.end()
        capitalised = False
        for count, word in enumerate(re.finditer(r"\S+", text[match.end():match.end() + 80])):
            bare = word.group(0).strip(".,;:!?\"'’”)")
            if count >= 4 or not bare or bare.lower() in _STOP or (count and bare.endswith("ed")):
                break
            if count and capitalised and not bare[0].isupper():
                break  # "so-called Resistance Units" ends where the name ends
            capitalised = bare[0].isupper() if count == 0 else capitalised
            end = match.end() + word.start() + len(word.group(0).rstrip(".,;:!?\"”)"))
            if bare != word.group(0).rstrip("'’\"”"):
                break
        if end > match.end():
            hits.append(TechniqueHit("Name_Calling,Labeling", match.start(), end, 0.9, "so-called"))
    return hits


# --- phrase rules ----------------------------------------------------------------------------
# Each rule: technique, weight, pattern, and how far the span reaches: "match" (the pattern's
# own text), "clause" (between , ; : — and the sentence ends) or "sentence".

_SUPERLATIVE = (r"(?:most|worst|biggest|largest|greatest|deadliest|bloodiest|cruell?est|"
                r"harshest|fiercest|darkest|gravest|strongest|best)")
_WILL_NOT_BE = (r"will\s+(?:not|never)\s+be\s+(?:bullied|intimidated|cowed|defeated|silenced|"
                r"divided|broken|blackmailed|dictated\s+to|defeated|humiliated|forgotten)")

_RULES: tuple[tuple[str, float, re.Pattern, str], ...] = tuple(
    (technique, weight, re.compile(pattern, re.IGNORECASE), reach)
    for technique, weight, pattern, reach in (
        ("Exaggeration,Minimisation", 0.9,
         rf"\b(?:the\s+)?{_SUPERLATIVE}\s+[^.;:!?\n]{{0,80}}?\b(?:ever(?:\s+(?:known|seen))?|"
         r"in\s+(?:living\s+memory|history|decades)|of\s+all\s+time)\b", "match"),
        ("Exaggeration,Minimisation", 0.6,
         r"\b(?:unprecedented|never\s+before\s+seen|of\s+epic\s+proportions|beyond\s+belief|"
         r"nothing\s+(?:more|less)\s+than|a\s+mere|only\s+a\s+handful)\b", "match"),
        ("Doubt", 0.9,
         r"\b(?:nobody|no\s+one|no-one)\b[^.;!?\n]{0,70}?\bbelieves?\b"
         r"(?:\s+a\s+word\s+of\s+(?:it|this|that)|\s+(?:it|this|that|them|him|her))?", "match"),
        ("Doubt", 0.8,
         r"\b(?:fairy[- ]tales?|trumped[- ]up|cooked[- ]up|far-fetched|hard\s+to\s+believe|"
         r"(?:raises?|raising)\s+(?:serious\s+)?questions|questions\s+remain)\b", "clause"),
        ("Flag-Waving", 0.8, rf"\b{_WILL_NOT_BE}\b", "sentence"),
        ("Flag-Waving", 0.5,
         r"\b(?:our|this)\s+(?:great\s+)?(?:nation|homeland|motherland|fatherland|"
         r"country's\s+(?:honou?r|pride))\b|\bpatriot(?:s|ic|ism)?\b", "clause"),
        ("Appeal_to_fear-prejudice", 0.9,
         r"\bnext\s+(?:bomb|attack|victim|target|massacre)\b|\bany\s+\w+,\s+any\s+\w+,?\s+"
         r"(?:or\s+|and\s+)?any\s+\w+|\bbefore\s+it(?:'s|\s+is)\s+too\s+late\b|"
         r"\b(?:could|will|may)\s+be\s+next\b", "sentence"),
        ("Causal_Oversimplification", 0.5,
         r"\b(?:is|are|was|were)\s+(?:solely|entirely|wholly)\s+(?:to\s+blame|responsible)\b|"
         r"\bthe\s+(?:real|only|sole)\s+(?:reason|cause)\b", "clause"),
        ("Black-and-White_Fallacy", 0.6,
         r"\beither\s+(?:with\s+us|you\s+are)\b[^.;\n]{0,60}|\bno\s+middle\s+ground\b|"
         r"\bthere\s+(?:is|are)\s+(?:only\s+)?(?:two|no\s+other)\s+(?:options|choices|ways)\b",
         "clause"),
        ("Thought-terminating_Cliches", 0.7,
         r"\b(?:enough\s+is\s+enough|it\s+is\s+what\s+it\s+is|end\s+of\s+(?:story|discussion)|"
         r"make\s+no\s+mistake|nothing\s+to\s+see\s+here)\b", "match"),
        ("Whataboutism,Straw_Men,Red_Herring", 0.6, r"\bwhat\s+about\b[^?.\n]{0,80}\?", "match"),
        ("Bandwagon,Reductio_ad_hitlerum", 0.6,
         r"\b(?:hitler|nazis?|stalinis[mt]|gestapo|everyone\s+knows|everybody\s+knows)\b", "clause"),
    )
)

_SENTENCE_END = re.compile(r"[.!?][\"'’”)]*(?=\s|$)|\n")
_CLAUSE_MARK = re.compile(r"[,;:—–]\s|\s[—–]\s")


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start = 0
    for mark in _SENTENCE_END.finditer(text, 0, position):
        start = mark.end()
    end_mark = _SENTENCE_END.search(text, position)
    end = end_mark.start() if end_mark else len(text)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    sent_start, sent_end = _sentence_bounds(text, start)
    left = sent_start
    for mark in _CLAUSE_MARK.finditer(text, sent_start, start):
        left = mark.end()
    right_mark = _CLAUSE_MARK.search(text, end, sent_end)
    right = right_mark.start() if right_mark else sent_end
    return left, max(right, end)


def _rule_hits(text: str) -> list[TechniqueHit]:
    hits = []
    for technique, weight, pattern, reach in _RULES:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if reach == "clause":
                start, end = _clause_bounds(text, start, end)
            elif reach == "sentence":
                start, end = _sentence_bounds(text, start)
                if technique == "Flag-Waving" and len(text[start:end].split()) <= 7:
                    continue  # a short defiant sentence is a slogan (see _slogans)
            hits.append(TechniqueHit(technique, start, end, weight, pattern.pattern[:24]))
    return hits + _slogans(text)


def _slogans(text: str) -> list[TechniqueHit]:
    """Short stand-alone sentences of defiance: "The North will not be silenced." A long one
    naming a nation is flag-waving instead (see the rules)."""
    hits = []
    for match in re.finditer(rf"\b{_WILL_NOT_BE}\b|!", text, re.IGNORECASE):
        start, end = _sentence_bounds(text, match.start())
        words = len(text[start:end].split())
        if 2 <= words <= 7:
            stop = end + 1 if end < len(text) and text[end] in ".!" else end
            hits.append(TechniqueHit("Slogans", start, stop, 0.8, "short defiant sentence"))
    return hits


_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _repetitions(text: str, *, min_count: int = 3) -> list[TechniqueHit]:
    """A two-to-three-word phrase said three times or more: the later saying are repetition."""
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    hits = []
    for size in (3, 2):
        spans: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for i in range(len(words) - size + 1):
            gram = tuple(w for w, _, _ in words[i:i + size])
            if gram[0] in _STOP or gram[-1] in _STOP:
                continue
            spans.setdefault(gram, []).append((words[i][1], words[i + size - 1][2]))
        for gram in sorted(spans):
            places = spans[gram]
            if len(places) >= min_count and not any(p[0] in "\n" for p in gram):
                hits.extend(TechniqueHit("Repetition", s, e, 0.4, " ".join(gram))
                            for s, e in places[1:])
    return hits


def detect_techniques(text: str, *, lexicon: tuple[LexiconTerm, ...] | None = None,
                      techniques: frozenset[str] | None = None, repetition: bool = False,
                      model: bool | tagger.TaggerModel | sequence.SequenceModel
                      | tuned.FinetunedModel | ensemble.EnsembleModel = True,
                      ) -> list[TechniqueHit]:
    """Every technique span found in ``text``, sorted by position then technique; overlapping
    hits of one technique are merged (the stronger weight and confidence kept). ``model`` adds
    the spans of a learned tagger (``term="tagger"``) to those of the lexicon and the phrase
    rules: ``True`` the default one (the hashed-feature :class:`technique_tagger.TaggerModel`,
    which still scores better on held-out PTC articles than the sequence tagger), or a model
    object (:func:`sequence_tagger.load_sequence_model` for the sequence tagger,
    :func:`sequence_tagger.load_contextual_model` for the head over MiniLM's hidden states, which
    needs the ``embeddings`` extra, :func:`finetuned.load_finetuned_model` for MiniLM with its
    top layer fine-tuned, the same; :func:`technique_model` maps the setting to one). With a
    tagger, lexicon and rule spans carry their measured precision as confidence.
    ``repetition`` adds the rule for repeated phrases: off by default, as news repeats names and
    phrases without propaganda (on PTC its precision is below 0.05); the tagger has its own."""
    terms = load_lexicon() if lexicon is None else lexicon
    hits = _lexicon_hits(text, terms) + _so_called(text) + _rule_hits(text)
    if repetition:
        hits += _repetitions(text)
    if model is not False and text.strip():
        hits = _with_rule_confidence(hits, sequence.load_sequence_model())
        hits += tagger_only(tagger_hits(text, model=None if model is True else model), hits)
    if techniques is not None:
        hits = [h for h in hits if h.technique in techniques]
    return _merge(hits)


#: Values of the ``technique_tagger`` setting.
TECHNIQUE_TAGGERS = ("hashed", "contextual", "finetuned", "ensemble")


@lru_cache(maxsize=None)
def technique_model(name: str = "hashed") -> (bool | sequence.SequenceModel | tuned.FinetunedModel
                                               | ensemble.EnsembleModel):
    """The ``model`` argument of :func:`detect_techniques` for a ``technique_tagger`` setting:
    ``True`` (the hashed-feature tagger) for ``hashed``; for ``contextual`` the head over
    MiniLM's hidden states, for ``finetuned`` MiniLM with its top layer fine-tuned, for
    ``ensemble`` the averages of those two and the hashed tagger, when the ``embeddings`` extra
    is installed, else, with a warning, the hashed tagger."""
    if name not in TECHNIQUE_TAGGERS:
        raise CrosscheckError(f"unknown technique tagger {name!r}: choose one of "
                              f"{', '.join(TECHNIQUE_TAGGERS)}")
    if name == "hashed":
        return True
    from . import contextual

    paths = {"contextual": [sequence.CONTEXTUAL_MODEL_PATH],
             "finetuned": [tuned.FINETUNED_MODEL_PATH],
             "ensemble": [sequence.CONTEXTUAL_MODEL_PATH, tuned.FINETUNED_MODEL_PATH,
                          ensemble.ENSEMBLE_MODEL_PATH]}[name]
    if not contextual.available() or not all(p.exists() for p in paths):
        warnings.warn(f"technique_tagger {name!r} needs the embeddings extra "
                      "(pip install 'crosscheck[embeddings]'); using the hashed tagger",
                      stacklevel=2)
        return True
    if name == "finetuned":
        return tuned.load_finetuned_model()
    if name == "ensemble":
        return ensemble.load_ensemble_model()
    return sequence.load_contextual_model()


def _with_rule_confidence(hits: list[TechniqueHit],
                          model: sequence.SequenceModel) -> list[TechniqueHit]:
    measured = dict(zip(model.techniques, model.rule_precision.tolist()))
    return [replace(h, confidence=round(measured[h.technique], 3)) if h.technique in measured
            else h for h in hits]


def _merge(hits: list[TechniqueHit]) -> list[TechniqueHit]:
    merged: list[TechniqueHit] = []
    for hit in sorted(hits, key=lambda h: (h.technique, h.start, -h.end)):
        last = merged[-1] if merged else None
        if last and last.technique == hit.technique and hit.start < last.end:
            if hit.end > last.end or hit.weight > last.weight or _more_sure(hit, last):
                merged[-1] = TechniqueHit(last.technique, last.start, max(last.end, hit.end),
                                          max(last.weight, hit.weight), last.term,
                                          _surest(last.confidence, hit.confidence))
            continue
        merged.append(hit)
    return sorted(merged, key=lambda h: (h.start, h.end, h.technique))


def _more_sure(hit: TechniqueHit, last: TechniqueHit) -> bool:
    return hit.confidence is not None and (last.confidence is None
                                           or hit.confidence > last.confidence)


def _surest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


# --- the trained token tagger (see technique_tagger.py) ---------------------------------------

_LEXICON_MARK = {"Loaded_Language": 1, "Name_Calling,Labeling": 2}


def tagger_inputs(text: str) -> tuple[tagger.Tokens, tuple[np.ndarray, list[np.ndarray],
                                                            np.ndarray, np.ndarray]]:
    """Tokens of ``text`` and their tagger features. Only the hand-written lexicon rows mark
    tokens: the rows counted from PTC would tell the tagger the training answers."""
    tokens = tagger.tokenize(text)
    return tokens, tagger.token_features(text, tokens, lexicon_marks(text, tokens))


def lexicon_marks(text: str, tokens: tagger.Tokens) -> np.ndarray:
    """Per token, which hand-lexicon technique it falls in (0 none, 1 loaded, 2 name calling,
    3 another). Only the hand-written rows: the rows counted from PTC would tell a tagger the
    training answers."""
    marks = np.zeros(len(tokens.words), dtype=np.int64)
    hand = tuple(t for t in load_lexicon() if t.source == "hand")
    for hit in _lexicon_hits(text, hand):
        first = np.searchsorted(tokens.ends, hit.start, side="right")
        last = np.searchsorted(tokens.starts, hit.end, side="left")
        marks[first:last] = _LEXICON_MARK.get(hit.technique, 3)
    return marks


def sequence_inputs(text: str, encoder: str = "") -> tuple[tagger.Tokens, np.ndarray]:
    """Tokens of ``text`` and their :func:`sequence_tagger.sequence_features`, or with an
    ``encoder`` layer mix their :func:`contextual.features` (the ``embeddings`` extra)."""
    tokens = tagger.tokenize(text)
    if encoder:
        from . import contextual

        return tokens, contextual.features(text, tokens, lexicon_marks(text, tokens), encoder)
    return tokens, sequence.sequence_features(tokens, lexicon_marks(text, tokens))


def tagger_only(tagged: list[TechniqueHit], found: list[TechniqueHit]) -> list[TechniqueHit]:
    """Tagger spans that overlap no lexicon or rule span of their technique: where a rule fired,
    its span (a whole clause, a label with whom it names) is kept as the rule drew it."""
    by_technique: dict[str, list[tuple[int, int]]] = {}
    for hit in found:
        by_technique.setdefault(hit.technique, []).append((hit.start, hit.end))
    return [hit for hit in tagged
            if not any(s < hit.end and hit.start < e for s, e in by_technique.get(hit.technique, ()))]


def _hashed_scores(text: str) -> np.ndarray:
    """``(n, T)`` scores (log-odds) of the shipped hashed-feature tagger, an input of a stacked
    sequence model."""
    hashed = tagger.load_model()
    tokens, inputs = tagger_inputs(text)
    probs = tagger.probabilities(hashed, *inputs, is_word=tokens.is_word).astype(np.float64)
    probs = np.clip(probs, 1e-7, 1 - 1e-7)
    return np.clip(np.log(probs) - np.log1p(-probs), -15, 15).astype(np.float32)


def _sequence_probabilities(text: str, model: sequence.SequenceModel,
                            ) -> tuple[tagger.Tokens, np.ndarray]:
    """Tokens and ``(n, T)`` probabilities of the sequence tagger; where the model says so
    (``sources``), a technique's column is the hashed tagger's own probability."""
    tokens, features = sequence_inputs(text, model.encoder)
    if not tokens.words:
        return tokens, np.zeros((0, len(model.techniques)), dtype=np.float32)
    return tokens, _head_probabilities(text, model, tokens, features)


def _head_probabilities(text: str, model: sequence.SequenceModel, tokens: tagger.Tokens,
                        features: np.ndarray, hashed: np.ndarray | None = None) -> np.ndarray:
    """The sequence network's probabilities over ``features`` (then the hashed tagger's scores
    when stacked, ``hashed`` if given, and the word rates)."""
    if model.stacked and hashed is None:
        hashed = _hashed_scores(text)
    if model.stacked:  # the order the training script builds: hashed scores, then rates
        features = np.hstack([features, hashed])
    rates = sequence.word_rates(model, [w.lower() for w in tokens.words])
    features = np.hstack([features, sequence.rate_features(tokens, rates)])
    probs = sequence.sequence_probabilities(model, features)
    if model.stacked and model.sources is not None:
        own = model.sources == 1
        probs[:, own] = 1.0 / (1.0 + np.exp(-hashed[:, own]))
    return probs


def _finetuned_probabilities(text: str, model: tuned.FinetunedModel,
                            ) -> tuple[tagger.Tokens, np.ndarray]:
    """Tokens and ``(n, T)`` probabilities of the fine-tuned model; where the model says so
    (``sources``), a technique's column is the hashed tagger's own probability (1) or the mean of
    the two (2)."""
    tokens = tagger.tokenize(text)
    probs = tuned.token_probabilities(model, text, tokens)
    if tokens.words and (model.sources > 0).any():
        hashed = 1.0 / (1.0 + np.exp(-_hashed_scores(text)))
        probs = np.where(model.sources == 1, hashed,
                         np.where(model.sources == 2, (probs + hashed) / 2, probs))
    return tokens, probs.astype(np.float32)


def _ensemble_probabilities(text: str, model: ensemble.EnsembleModel,
                            ) -> tuple[tagger.Tokens, np.ndarray]:
    """Tokens and ``(n, T)`` probabilities of the ensemble: per technique the source it chose
    (:data:`ensemble.SOURCES`) from the shipped fine-tuned, contextual and hashed taggers' own
    probabilities. The two MiniLM taggers share one encoder pass: the head reads layers 4-6 of
    each wordpiece, the fine-tuned layer the fifth layer's windows."""
    from . import contextual

    tokens = tagger.tokenize(text)
    ids, offsets = tuned.wordpieces(text) if tokens.words else (np.zeros(0), None)
    if not len(ids):
        return tokens, np.zeros((len(tokens.words), len(model.techniques)), dtype=np.float32)
    finetuned, head = tuned.load_finetuned_model(), sequence.load_contextual_model()
    windows, mask, plan = contextual.window_states(ids)
    frozen = windows[:, :, contextual.LAYERS.index(finetuned.first_tuned)]
    logits = tuned.window_logits(tuned._module(finetuned), np.ascontiguousarray(frozen), mask,
                                 plan, len(ids))
    own = 1.0 / (1.0 + np.exp(-np.clip(tuned.token_logits(logits, offsets, tokens), -30, 30)))
    states = contextual.per_token(contextual.kept_states(windows, plan, len(ids)), offsets, tokens)
    del windows, frozen
    features = np.hstack([contextual.mixed(states, head.encoder, tokens),
                          contextual.lexical_features(tokens, lexicon_marks(text, tokens))])
    scores = _hashed_scores(text)
    head_probs = _head_probabilities(text, replace(head, sources=None), tokens,
                                     features.astype(np.float32), scores)
    return tokens, ensemble.combined(model, own, head_probs, 1.0 / (1.0 + np.exp(-scores)))


def tagger_hits(text: str, *, model: tagger.TaggerModel | sequence.SequenceModel
                | tuned.FinetunedModel | ensemble.EnsembleModel | None = None
                ) -> list[TechniqueHit]:
    """Spans of a learned tagger (the default hashed-feature one unless ``model`` names
    another): runs of tokens above each technique's threshold, ``confidence`` their mean
    probability."""
    model = tagger.load_model() if model is None else model
    if isinstance(model, sequence.SequenceModel):
        tokens, probs = _sequence_probabilities(text, model)
        if not tokens.words:
            return []
        spans = sequence.sequence_spans(model, probs, tokens)
    elif isinstance(model, (tuned.FinetunedModel, ensemble.EnsembleModel)):
        tokens, probs = (_finetuned_probabilities(text, model)
                         if isinstance(model, tuned.FinetunedModel)
                         else _ensemble_probabilities(text, model))
        if not tokens.words:
            return []
        spans = tagger.tag_spans(probs, tokens, model.thresholds, model.gaps, model.extents,
                                 model.min_words)
    else:
        tokens, inputs = tagger_inputs(text)
        if not tokens.words:
            return []
        probs = tagger.probabilities(model, *inputs, is_word=tokens.is_word)
        spans = tagger.tag_spans(probs, tokens, model.thresholds, model.gaps, model.extents,
                                 model.min_words)
    return [TechniqueHit(model.techniques[column], start, end, round(weight, 3), "tagger",
                         round(weight, 3))
            for column, start, end, weight in spans]
