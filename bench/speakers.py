"""Speaker resolution: pronoun and role-noun speakers resolved to the article's own entities.

Gold: ``bench/speakers_gold.tsv``, quotes whose speaker phrase is a pronoun ("he", "she",
"they", "it") or a definite role noun ("the official", "the company"), from the dev sets
(PolNeAR dev texts, METER, Reuters-21578), labelled by hand (labels and character offsets only,
no article text; see the file's header). Each row names the quote by its article and speaker span
and gives the correct antecedent: the offsets of one mention of the entity the speaker is, or
``unnamed`` (a person or body the article never names: "a spokesman said ... he added") or
``unresolvable`` (the text does not decide). For both of those the right answer is to leave the
speaker unresolved.

Scores, over the labelled quotes:

- accuracy: the resolved entity is the gold one (the speaker key is the key of a mention
  overlapping the gold antecedent, or a mention of that key ends in the antecedent's last word),
  or the quote is left unresolved where the gold says it must be;
- resolved precision: of the quotes given an entity, the share given the right one;
- unresolved share: the quotes left without an entity (gold: the share that should be).

Also the Reuters check of issue 16: over the first ``--reuters-limit`` Reuters articles, the
share of attributed claims whose shown speaker (``Claim.speaker``) is a pronoun or a bare role
noun. Run it on an older checkout (``PYTHONPATH=OLD/src``) for the figure before a change.

``--errors`` prints every dev row judged other than right (wrong entity, left unresolved,
resolved where the gold says unnamed or unresolvable) with its context, to read the rules that
fail; held-out rows are never printed. ``--cv FOLDS`` parses the dev rows' articles once and
scores every setting of the resolver (:class:`crosscheck.enrich.speakers.Resolution`, the grid
:data:`GRID`), chooses one on the other folds' articles by right - wrong per quote, and prints
each test fold's scores and their spread.

Example:
    python bench/speakers.py
    python bench/speakers.py --reuters-limit 500
    python bench/speakers.py --errors --reuters-limit 0 | less
    python bench/speakers.py --cv 5
    python bench/speakers.py --list polnear > /tmp/candidates.txt   # for labelling
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=OLD/src measures an older checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH  # noqa: E402

from crosscheck.records import Article, Claim, Mention, Quote  # noqa: E402

GOLD = Path(__file__).resolve().parent / "speakers_gold.tsv"
PRONOUNS = frozenset("he she they it him her them".split())
_ROLE = re.compile(r"^(the|this|that)\s+([a-z][\w-]*\s+){0,3}[a-z][\w-]*$")
_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
# How many articles of each set the labels were drawn from (the first N, in file order).
SET_LIMITS = {"polnear": 84, "meter": 250, "reuters": 600}


def fingerprint(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def read_sets(limits: dict[str, int]):
    """(set, Article) pairs, the first N of each set on this machine (a missing set is skipped
    with a message)."""
    polnear = SHARED_BENCH / "polnear" / "dev" / "text"
    if polnear.exists():
        for path in sorted(polnear.glob("*.txt"))[: limits.get("polnear", 0)]:
            yield "polnear", _article(path.stem, path.read_text(encoding="utf-8"))
    else:
        print(f"skipping polnear: not found at {polnear}", file=sys.stderr)
    for name, path in (("meter", SHARED_BENCH / "meter" / "articles.jsonl"),
                       ("reuters", SHARED_BENCH / "reuters-21578" / "articles.jsonl")):
        if not path.exists():
            print(f"skipping {name}: not found at {path}", file=sys.stderr)
            continue
        taken = 0
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if taken >= limits.get(name, 0):
                    break
                row = json.loads(line)
                if (row.get("text") or "").strip():
                    taken += 1
                    yield name, _article(row["id"], row["text"])


def _article(article_id: str, text: str) -> Article:
    return Article(id=article_id, source=article_id, url=None, outlet=None, outlet_from=None,
                   title=None, published=None, published_from=None, language="en", text=text)


def enrich(pairs, batch: int = 32):
    """(set, article, mentions, quotes, claims) per article, through the real enrich stage."""
    from crosscheck.enrich import enrich_batch
    from crosscheck.settings import Settings

    settings, pairs = Settings(), list(pairs)
    for lo in range(0, len(pairs), batch):
        chunk = pairs[lo : lo + batch]
        by_article: dict[str, list] = defaultdict(list)
        for record in enrich_batch([a for _, a in chunk], settings=settings):
            by_article[getattr(record, "article", None)].append(record)
        for name, article in chunk:
            records = by_article.get(article.id, [])
            yield (name, article, [r for r in records if isinstance(r, Mention)],
                   [r for r in records if isinstance(r, Quote)],
                   [r for r in records if isinstance(r, Claim)])


def is_referring(phrase: str | None, quote: Quote | None = None, mentions=()) -> bool:
    """A pronoun, or a definite role phrase holding no name ("the company", "the official")."""
    if not phrase:
        return False
    words = phrase.strip()
    if words.lower() in PRONOUNS:
        return True
    if not _ROLE.match(words.lower()) or any(w[:1].isupper() for w in words.split()[1:]):
        return False
    if quote is None:
        return True
    return not any(m.start < quote.speaker_end and quote.speaker_start < m.end
                   and m.label in _NAMED for m in mentions)


# --- listing candidates for labelling ------------------------------------------------------


def list_candidates(sets: list[str]) -> None:
    limits = {k: v for k, v in SET_LIMITS.items() if k in sets}
    for name, article, mentions, quotes, _ in enrich(read_sets(limits)):
        cands = [q for q in quotes if q.speaker_start is not None
                 and is_referring(q.speaker, q, mentions)]
        if not cands:
            continue
        print(f"=== {name}\t{article.id}\t{fingerprint(article.text)}")
        for quote in cands:
            _print_candidate(article, mentions, quote)


def _print_candidate(article: Article, mentions: list[Mention], quote: Quote) -> None:
    text = article.text
    lo = max(0, quote.speaker_start - 700)
    shown = [m for m in mentions if lo <= m.start and m.end <= quote.speaker_start
             and m.label in _NAMED]
    pieces, at = [], lo
    for i, m in enumerate(shown):
        pieces.append(text[at : m.start])
        pieces.append(f"[{m.start}-{m.end}:{m.text}|{m.label[:3]}]")
        at = m.end
    end = min(len(text), quote.speaker_end + 120)
    pieces.append(text[at : quote.speaker_start] + ">>>" + text[quote.speaker_start : quote.speaker_end]
                  + "<<<" + text[quote.speaker_end : end])
    key = quote.speaker_key
    print(f"--- Q {quote.speaker_start} {quote.speaker_end} now={key!r}")
    print(" ".join("".join(pieces).split()))


# --- scoring ---------------------------------------------------------------------------------


def read_gold(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, article, check, s, e, answer, split = (line.split("\t") + ["dev"])[:7]
        row = {"set": name, "article": article, "check": check, "span": (int(s), int(e)),
               "split": split}
        if answer in ("unnamed", "unresolvable"):
            row["answer"], row["antecedent"] = answer, None
        else:
            a, b = answer.split(":")
            row["answer"], row["antecedent"] = "entity", (int(a), int(b))
        rows.append(row)
    return rows


def judge(row: dict, quote: Quote | None, mentions: list[Mention], text: str) -> str:
    """``right``, ``wrong``, ``missed`` (left unresolved, gold names an entity) or
    ``unseen`` (the quote or its speaker span is not found)."""
    if quote is None:
        return "unseen"
    key = quote.speaker_key
    if row["antecedent"] is None:
        return "right" if key is None else "wrong"
    if key is None:
        return "missed"
    a, b = row["antecedent"]
    keys = {m.key for m in mentions if m.start < b and a < m.end}
    if key in keys:
        return "right"
    # The same name in fewer or more words ("Cenergy" for "Cenergy Corp", "Williams" for
    # "Daniel Williams"): the tagger gave one entity two keys in the article.
    gold = _name_words(text[a:b])
    return "right" if gold and any(
        (words := _name_words(m.text)) and (words <= gold or gold <= words)
        for m in mentions if m.key == key) else "wrong"


_SUFFIXES = frozenset("the inc corp co ltd plc llc lp mr mrs ms miss dr".split())


def _name_words(name: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", name.lower().replace("'s", ""))) - _SUFFIXES


def score(gold: list[dict], errors: bool = False) -> list[tuple[dict, str]]:
    """(row, verdict) for every labelled quote whose article text is the labelled one;
    ``errors``: print each dev row judged other than right, with its context."""
    wanted = defaultdict(list)
    for row in gold:
        wanted[(row["set"], row["article"])].append(row)
    pairs = [(n, a) for n, a in read_sets(dict(SET_LIMITS)) if (n, a.id) in wanted]
    verdicts = []
    for name, article, mentions, quotes, _ in enrich(pairs):
        by_span = {(q.speaker_start, q.speaker_end): q for q in quotes}
        for row in wanted[(name, article.id)]:
            if row["check"] == fingerprint(article.text):
                quote = by_span.get(row["span"])
                verdicts.append((row, judge(row, quote, mentions, article.text)))
                if errors and row["split"] == "dev" and verdicts[-1][1] != "right":
                    _print_error(row, verdicts[-1][1], article, mentions, quote)
    return verdicts


def _print_error(row: dict, verdict: str, article: Article, mentions: list[Mention],
                 quote: Quote | None) -> None:
    """One dev error for reading (held-out rows are never printed: they stay untouched)."""
    kind = {"wrong": "unresolved-gold" if row["antecedent"] is None else "wrong-entity",
            "missed": "left-unresolved", "unseen": "unseen"}[verdict]
    gold = row["answer"] if row["antecedent"] is None else article.text[slice(*row["antecedent"])]
    got = quote.speaker_key if quote is not None else None
    names = sorted({m.text for m in mentions if got is not None and m.key == got})
    print(f"### {kind}\t{row['set']}\t{row['article']}\t{row['span']}\tgold={gold!r}"
          f"\tgot={got!r} {names}")
    if quote is not None:
        _print_candidate(article, mentions, quote)


# --- settings by cross-validation across articles ----------------------------------------------

GRID = [dict(max_sentences=m, main_clauses=c, unnamed_subjects=u, descriptions=d)
        for m in (2, 3, 4, 6, 10, None) for c in (True, False) for u in (True, False)
        for d in (True, False)]


def utility(verdicts: list[str]) -> float:
    """What the reader gains per quote: a right entity (or a rightly unresolved speaker) +1, a
    wrong name shown -1, a speaker left unresolved 0; precision before coverage."""
    return (verdicts.count("right") - verdicts.count("wrong")) / max(len(verdicts), 1)


def cross_validate(gold: list[dict], folds: int) -> None:
    """Each setting of :data:`GRID` on the dev rows, through one parse per article; settings
    chosen on the other folds' articles, scored on the fold's own (folds drawn by article)."""
    from crosscheck.enrich import speakers
    from crosscheck.enrich.aliases import load_alias_table
    from crosscheck.enrich.entities import extract_mentions
    from crosscheck.enrich.nlp import parse
    from crosscheck.enrich.quotes import extract_quotes

    wanted = defaultdict(list)
    for row in gold:
        if row["split"] == "dev":
            wanted[(row["set"], row["article"])].append(row)
    pairs = [(n, a) for n, a in read_sets(dict(SET_LIMITS)) if (n, a.id) in wanted]
    aliases = load_alias_table("")
    parsed = []
    for (name, article), doc in zip(pairs, parse(a.text for _, a in pairs)):
        rows = [r for r in wanted[(name, article.id)] if r["check"] == fingerprint(article.text)]
        parsed.append((article, doc, extract_mentions(doc, article=article, aliases=aliases), rows))
    kept = speakers.RESOLUTION
    table: dict[int, list[tuple[str, dict, str]]] = {}  # setting -> (article, row, verdict)
    try:
        for index, setting in enumerate(GRID):
            speakers.RESOLUTION = speakers.Resolution(**setting)
            table[index] = []
            for article, doc, mentions, rows in parsed:
                by_span = {(q.speaker_start, q.speaker_end): q
                           for q in extract_quotes(doc, article=article, mentions=mentions)}
                table[index] += [(article.id, r, judge(r, by_span.get(r["span"]), mentions,
                                                      article.text)) for r in rows]
    finally:
        speakers.RESOLUTION = kept
    _report_folds(table, folds)


def _fold(article_id: str, folds: int) -> int:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % folds


def _report_folds(table: dict[int, list], folds: int) -> None:
    def pick(keep) -> int:  # best utility; ties to the earlier (stricter) setting
        return max(table, key=lambda i: (utility([v for a, _, v in table[i] if keep(a)]), -i))

    scores = []
    print(f"\nsettings by {folds}-fold cross-validation across articles (dev rows only):")
    for fold in range(folds):
        chosen = pick(lambda a, f=fold: _fold(a, folds) != f)
        test = [(r, v) for a, r, v in table[chosen] if _fold(a, folds) == fold]
        verdicts = [v for _, v in test]
        resolved = sum(1 for r, v in test if v == "wrong" or (v == "right" and r["antecedent"]))
        right_named = sum(1 for r, v in test if v == "right" and r["antecedent"])
        scores.append((verdicts.count("right") / len(test), right_named / max(resolved, 1),
                       1 - resolved / len(test)))
        print(f"  fold {fold}: {len(test):3d} quotes, chosen {GRID[chosen]}: accuracy "
              f"{scores[-1][0]:.3f}, resolved precision {scores[-1][1]:.3f}, unresolved "
              f"{scores[-1][2]:.3f}")
    for name, values in zip(("accuracy", "resolved precision", "unresolved"), zip(*scores)):
        mean = sum(values) / len(values)
        spread = (sum((x - mean) ** 2 for x in values) / max(len(values) - 1, 1)) ** 0.5
        print(f"  {name}: mean {mean:.3f} ± {spread:.3f} "
              f"(folds {min(values):.3f}–{max(values):.3f})")
    best = pick(lambda a: True)
    print(f"  chosen on all dev rows: {GRID[best]} "
          f"(utility {utility([v for _, _, v in table[best]]):.3f})")
    for i in sorted(table, key=lambda i: -utility([v for _, _, v in table[i]]))[:6]:
        print(f"    {GRID[i]}: utility {utility([v for _, _, v in table[i]]):.3f}")


def reuters_claims(limit: int) -> tuple[int, int, int, Counter]:
    """Attributed claims, those whose shown speaker is a pronoun, and those a bare role phrase."""
    pronoun = role = total = 0
    shown: Counter = Counter()
    for _, _, _, _, claims in enrich(read_sets({"reuters": limit})):
        for claim in claims:
            if not claim.speaker:
                continue
            total += 1
            if claim.speaker.strip().lower() in PRONOUNS:
                pronoun += 1
                shown[claim.speaker.strip()] += 1
            elif is_referring(claim.speaker):
                role += 1
    return total, pronoun, role, shown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--reuters-limit", type=int, default=2000,
                        help="Reuters articles for the shown-speaker check (0: skip it)")
    parser.add_argument("--list", nargs="*", metavar="SET", default=None,
                        help="print candidate quotes with context for labelling, not scores")
    parser.add_argument("--errors", action="store_true",
                        help="print the dev rows judged wrong or missed, with their context")
    parser.add_argument("--cv", type=int, default=0, metavar="FOLDS",
                        help="choose the resolver's settings by cross-validation across the dev "
                             "rows' articles in FOLDS folds, and print the spread")
    args = parser.parse_args(argv)
    if args.cv:
        cross_validate(read_gold(args.gold), args.cv)
        return
    if args.list is not None:
        list_candidates(args.list or list(SET_LIMITS))
        return
    clock = time.perf_counter()
    gold = read_gold(args.gold)
    verdicts = score(gold, errors=args.errors)
    print(f"speaker resolution: {len(verdicts)} labelled quotes scored of {len(gold)} "
          f"({len(gold) - len(verdicts)} skipped: article missing or its text differs)")
    for split in ("all", "dev", "heldout"):
        _report(split, [(r, v) for r, v in verdicts if split in ("all", r["split"])])
    if args.reuters_limit:
        total, pronoun, role, shown = reuters_claims(args.reuters_limit)
        print(f"\nReuters, first {args.reuters_limit} articles: {total} attributed claims; shown "
              f"speaker a pronoun: {pronoun} ({pronoun / max(total, 1):.1%}); a bare role "
              f"phrase: {role} ({role / max(total, 1):.1%})")
        print("  pronouns shown: " + ", ".join(f"{w} {n}" for w, n in shown.most_common(6)))
    print(f"\n{time.perf_counter() - clock:.0f} s")


def _report(split: str, verdicts: list[tuple[dict, str]]) -> None:
    n = len(verdicts)
    if not n:
        return
    outcome = Counter(v for _, v in verdicts)
    by_answer: dict[str, Counter] = defaultdict(Counter)
    for row, verdict in verdicts:
        by_answer[row["answer"]][verdict] += 1
    sets = Counter(row["set"] for row, _ in verdicts)
    unresolved = outcome["missed"] + outcome["unseen"] + sum(
        c["right"] for a, c in by_answer.items() if a != "entity")
    resolved = n - unresolved
    should = sum(sum(c.values()) for a, c in by_answer.items() if a != "entity")
    print(f"\n{split}: {n} quotes ({', '.join(f'{k} {v}' for k, v in sorted(sets.items()))})")
    print(f"  accuracy {outcome['right'] / n:.3f} ({outcome['right']}/{n})")
    print(f"  resolved precision {by_answer['entity']['right'] / max(resolved, 1):.3f} "
          f"({by_answer['entity']['right']}/{resolved})")
    print(f"  unresolved share {unresolved / n:.3f} (gold: {should / n:.3f})")
    for answer in ("entity", "unnamed", "unresolvable"):
        counts = by_answer.get(answer, Counter())
        print(f"  gold {answer:13s} {sum(counts.values()):4d}: " + ", ".join(
            f"{k} {counts[k]}" for k in ("right", "wrong", "missed", "unseen") if counts[k]))


if __name__ == "__main__":
    main()
