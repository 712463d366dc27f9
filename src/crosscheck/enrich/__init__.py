"""The enrich stage: per article, one spaCy parse and every extractor on the same Doc.

``enrich_batch`` is the map stage the pipeline runs on an engine: it parses all texts of a batch
in one ``nlp.pipe`` stream and, per article, yields :class:`~crosscheck.records.Sentence` records,
then mentions (``entities.py``, which also corrects the Doc's entities), quantities, times,
quotes, claims, places (resolved offline) and event mentions (``events.py``). Articles in another language get sentences only: the English model's
entities and claims on them would be noise. An extractor that fails on one article costs that
article that extractor's output and a :class:`~crosscheck.records.Rejected` saying why; the rest
of the batch goes on.

``enrich_text`` does the same for one text and returns JSON-able dicts, for ``crosscheck
extract``.

The work lives in ``stage.py`` and is imported on first use of its names (``enrich_batch``,
``enrich_article``, ``enrich_text``, ``warm_up``): importing this package, or a part of it that
needs no parse (``aliases``, ``speakers``), does not load spaCy. The pipeline's driver reads
names and aliases from here while the workers parse; loading spaCy (and the torch that its
thinc library imports when installed) took it several seconds a run.
"""

from __future__ import annotations

__all__ = ["enrich_batch", "enrich_article", "enrich_text", "warm_up"]


def __getattr__(name: str):
    if name in __all__:
        from . import stage

        return getattr(stage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
