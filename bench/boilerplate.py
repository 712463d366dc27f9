"""Chrome and boilerplate benchmark: seeds (scraped pages) and meter (wire copy with raw headers).

For each seed it prints every removal (reason and text) and checks that each body sentence of
the input is still in the cleaned text. For meter it counts removals by reason for wire and
newspaper texts, shows a sample of removed wire header lines, the share of wire texts whose
first remaining line is story text, and the share of body sentences kept. Then it learns
boilerplate over each set and applies it, as the pipeline does.

Example:
    python bench/boilerplate.py
    python bench/boilerplate.py --data ../shared
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from crosscheck.clean.boilerplate import apply_boilerplate, infer_outlets, learn_boilerplate  # noqa: E402
from crosscheck.clean.document import strip_document_chrome  # noqa: E402
from crosscheck.records import Draft, Removal, content_id  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’`]*\s+(?=[A-Z\"“‘`(])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_RULE = re.compile(r"^[ \t]*[-=_*]{5,}[ \t]*$", re.M)


def body_sentences(text: str) -> list[str]:
    """Sentences of paragraph-shaped lines: at least eight words and a final stop."""
    plain = _CONTROL.sub(" ", text).replace("<\n", "\n\n").replace("\r", "")
    plain = _RULE.sub("\n\n", plain)  # a ruled line is a break, not part of a sentence
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", plain)]
    sentences = []
    for para in paragraphs:
        if len(para.split()) >= 8 and para.rstrip("\"'”’`) <").endswith((".", "!", "?")):
            sentences.extend(s.strip() for s in _SENTENCE_END.split(para.rstrip(" <")) if len(s.split()) >= 4)
    return sentences


def kept_share(raw: str, clean: str, chrome=()) -> tuple[int, int, Counter]:
    """Sentences kept, sentences in all, and the removal reasons that took the others."""
    flat = " ".join(clean.split())
    sentences = body_sentences(raw)
    removed = [(" ".join(_CONTROL.sub(" ", text).split()), reason) for _p, text, reason in chrome]
    lost = Counter()
    for sentence in sentences:
        if sentence not in flat:
            lost[next((reason for text, reason in removed if sentence in text), "not found")] += 1
    return len(sentences) - sum(lost.values()), len(sentences), lost


def short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def to_draft(doc_id: str, source: str, outlet: str | None, clean: str, title: str | None) -> Draft:
    return Draft(doc_id, source, None, outlet, "input" if outlet else None, title, None, None, None, clean)


def run_seeds(folder: Path) -> None:
    files = sorted(folder.glob("*.txt"))
    if not files:
        print(f"skipping seeds: no .txt files in {folder}")
        return
    print(f"== seeds ({len(files)} files from {folder})")
    drafts, removals = [], []
    for path in files:
        raw = path.read_text(encoding="utf-8")
        clean, title, chrome = strip_document_chrome(raw)
        kept, total, _lost = kept_share(raw, clean, chrome)
        print(f"\n{path.name}  title: {short(title or '-', 60)}")
        for position, text, reason in chrome:
            print(f"  {position:>6}  {reason:<22} {short(text)}")
        print(f"  body sentences kept: {kept}/{total}" + ("" if kept == total else "  <-- LOST BODY"))
        doc_id = content_id(path.name)
        drafts.append(to_draft(doc_id, path.name, None, clean, title))
        removals += [Removal(content_id(doc_id, p, t), doc_id, "document", p, t, r) for p, t, r in chrome]
    outlets = infer_outlets(drafts, removals=removals)
    model = learn_boilerplate(drafts, settings=Settings(), outlets=outlets)
    print(f"\ninferred outlets: {json.dumps({d.source: outlets.get(d.id) for d in drafts}, indent=None)}")
    for draft in drafts:
        outlet, how = outlets.get(draft.id, (None, None))
        _article, learned = apply_boilerplate(draft, model, outlet=outlet, outlet_from=how)
        for item in learned:
            print(f"  {draft.source}: {item.reason}  {short(item.text)}")
    print(f"corpus-level removals on seeds: see lines above (model: {len(model.outlet_lines)} outlet "
          f"lines, {len(model.corpus_lines)} corpus lines)")


def _story_line(line: str) -> bool:
    return len(line.split()) >= 6 and bool(re.search(r"[a-z]", line)) and not line.startswith(("By ", "("))


def run_meter(path: Path, *, samples: int) -> None:
    if not path.exists():
        print(f"skipping meter: data set not found at {path}")
        return
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    print(f"\n== meter ({len(rows)} texts from {path})")
    reasons = {"wire": Counter(), "newspaper": Counter()}
    header_samples: list[str] = []
    story_first = wires = 0
    kept = {"wire": [0, 0], "newspaper": [0, 0]}
    lost = {"wire": Counter(), "newspaper": Counter()}
    drafts = []
    started = time.perf_counter()
    for row in rows:
        role = row.get("gold_role", "newspaper")
        clean, title, chrome = strip_document_chrome(row["text"], title=row.get("title"))
        reasons[role].update(reason for _p, _t, reason in chrome)
        got, total, gone = kept_share(row["text"], clean, chrome)
        lost[role].update(gone)
        kept[role][0] += got
        kept[role][1] += total
        if role == "wire":
            wires += 1
            first = clean.split("\n", 1)[0]
            story_first += _story_line(first)
            header_samples += [t for _p, t, r in chrome if r in ("wire-header", "wire-advisory", "wire-trailer")][:1]
        drafts.append(to_draft(row["id"], row["id"], row.get("outlet"), clean, title))
    elapsed = time.perf_counter() - started
    print(f"strip_document_chrome: {len(rows) / elapsed:.0f} texts/s")
    for role, counter in reasons.items():
        print(f"  {role:<10} removals by reason: {dict(sorted(counter.items()))}")
        print(f"  {role:<10} body sentences kept: {kept[role][0]}/{kept[role][1]}; "
              f"the others went as: {dict(sorted(lost[role].items())) or 'none'}")
    print(f"  wire texts whose first remaining line is story text: {story_first}/{wires} "
          f"({story_first / max(1, wires):.1%})")
    print("  sample of removed wire header lines:")
    for line in header_samples[:: max(1, len(header_samples) // samples)][:samples]:
        print(f"    {short(line)}")
    model = learn_boilerplate(drafts, settings=Settings())
    learned = Counter()
    examples: dict[str, str] = {}
    for draft in drafts:
        _article, removed = apply_boilerplate(draft, model)
        for item in removed:
            key = item.reason.split(":")[0]
            learned[key] += 1
            examples.setdefault(key, item.text)
    print(f"  corpus-level removals: {dict(learned) or 'none'}")
    for key, text in sorted(examples.items()):
        print(f"    e.g. {key}: {short(text)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared",
                        help="folder holding corpus/seeds and bench/meter")
    parser.add_argument("--samples", type=int, default=12, help="wire header lines to show")
    args = parser.parse_args(argv)
    seeds = args.data / "corpus" / "seeds"
    if seeds.exists():
        run_seeds(seeds)
    else:
        print(f"skipping seeds: not found at {seeds}")
    run_meter(args.data / "bench" / "meter" / "articles.jsonl", samples=args.samples)


if __name__ == "__main__":
    main()
