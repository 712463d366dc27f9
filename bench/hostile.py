"""Hostile inputs: what each costs `crosscheck analyze` and what becomes of it.

Each kind is a file the wild produces (a crawl record with no address, a 10 MB transcript, a
page nested 100,000 deep, an XML entity bomb, a URL list of loopback addresses...). The script
writes every kind at full size into a folder, runs ``crosscheck analyze`` on each alone under
``/usr/bin/time -v`` (one worker), and prints per kind: what happened (kept, cut, rejected and
why), wall time and peak memory (the largest process). Nothing is fetched: every URL in a URL
list is refused before any request.

``--write-fixtures DIR`` writes the small versions instead (what ``tests/fixtures/hostile``
holds; ``tests/test_hostile.py`` runs them end to end with low limits).

    python bench/hostile.py                     # every kind, full size (about 5 minutes)
    python bench/hostile.py --only jsonl-10mb-row,warc-no-target-uri
    python bench/hostile.py --only jsonl-according-chain --scale 2 --src OLD/src   # a before figure
    python bench/hostile.py --write-fixtures tests/fixtures/hostile
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

_WORDS = ("harbour officials said the ferry service resumed on tuesday after a two day strike "
          "by dock workers over pay and the port authority expects normal traffic by friday").split()
_SENTENCE = "Harbour officials said the ferry service resumed on Tuesday after a two-day strike."


def _prose(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(_WORDS))
        if len(sentence) >= rng.randint(8, 25):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    return " ".join(out + [" ".join(sentence)])


_PLACES = ("Korvask", "Port Alcena", "Velmora", "Ostrel", "Saint Brenna", "Lake Dorin")


def _varied(sentences: int, seed: int) -> str:
    """One claim sentence repeated with other figures, places and days: every sentence a claim
    with a quantity, no two the same, all of them near each other in any embedding."""
    rng = random.Random(seed)
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    return " ".join(f"Police said {rng.randint(2, 900)} people were arrested in "
                    f"{rng.choice(_PLACES)} on {rng.choice(days)} after the protest."
                    for _ in range(sentences))


def _copy_of_one_report(k: int) -> str:
    """The same wire report with one figure and the closing line changed: a story of copies."""
    return (f"Officials said {40 + k % 7} dock workers were detained in Port Alcena on Tuesday "
            "after a two-day strike over pay. \"We will not accept threats,\" the port authority "
            "said in a statement, according to the state news agency. The ferry service resumed "
            "on Wednesday and the authority expects normal traffic by Friday, a spokesman said. "
            f"Reported by desk {k}.")


def _warc_record(headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = ["WARC/1.0", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body + b"\r\n\r\n"


def _warc_page(uri: str, html: str) -> bytes:
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}").encode()
    return _warc_record([("WARC-Type", "response"), ("WARC-Target-URI", uri),
                         ("WARC-Record-ID", f"<urn:uuid:{zlib.crc32(uri.encode()):012d}>"),
                         ("Content-Type", "application/http; msgtype=response")], http)


def _gz(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as stream:
        stream.write(data)
    return out.getvalue()


def _page(body: str) -> str:
    return f"<html><head><title>Ferry service resumes</title></head><body>{body}</body></html>"


def _jsonl(*rows: object) -> bytes:
    return "\n".join(json.dumps(r) if not isinstance(r, str) else r for r in rows).encode() + b"\n"


# name -> (file name, builder(scale)); scale is 1 for fixtures, larger for the benchmark
KINDS = {
    "warc-no-target-uri": ("no-target-uri.warc", lambda s: b"WARC/1.0\r\nWARC-Type: response\r\n"
                           b"Content-Length: 99999\r\n\r\ngarbage"),
    "warc-truncated-gzip": ("truncated.warc.gz", lambda s: _gz(_warc_page(
        "https://port.example/a", _page(f"<p>{_prose(200 * s)}</p>")))[:-30]),
    "warc-not-a-warc": ("not-a-crawl.warc", lambda s: b"this is not a crawl\n" * 10),
    "warc-binary-payload": ("binary.warc", lambda s: _warc_page("https://port.example/b", "")
                            .replace(b"text/html", b"image/png") + bytes(range(256)) * s),
    "jsonl-10mb-row": ("huge-row.jsonl", lambda s: _jsonl({"id": "huge", "text": "word " * (2_000 * s)})),
    "jsonl-malformed-rows": ("malformed.jsonl", lambda s: _jsonl(
        '{"id": 1, "text": "unterminated', "[1, 2, 3]", {"id": "x", "text": 5}, {"id": "y"},
        {"id": "z", "text": None, "html": ["a"]}, "null", '{"text": "\\ud800 lone surrogate"}')),
    "jsonl-nul-and-control": ("control.jsonl", lambda s: _jsonl(
        {"id": "c", "text": (_SENTENCE + "\u0000\u0001\u0007\u001b[31m\u202e\ufeff ") * 20 * s})),
    "jsonl-long-token": ("long-token.jsonl", lambda s: _jsonl(
        {"id": "blob", "text": _prose(100) + " " + base64.b64encode(bytes(range(256)) * 40 * s).decode()})),
    "jsonl-one-huge-sentence": ("one-sentence.jsonl", lambda s: _jsonl(
        {"id": "run-on", "text": " ".join(random.Random(3).choice(_WORDS) for _ in range(3000 * s))})),
    "jsonl-comma-sentence": ("comma-sentence.jsonl", lambda s: _jsonl(
        {"id": "commas", "text": ", ".join(random.Random(4).choice(_WORDS) for _ in range(3000 * s))})),
    "jsonl-rtl-and-mixed": ("scripts.jsonl", lambda s: _jsonl(
        {"id": "mixed", "text": ("قال مسؤولون إن خدمة العبارات استؤنفت. " "השירות חודש ביום שלישי. "
                                 "渡轮服务周二恢复。 Служба возобновлена. e\u0301\u0301\u0301 🚢🚢 "
                                 + _SENTENCE + " ") * 10 * s})),
    "jsonl-tiny-sentences": ("tiny-sentences.jsonl", lambda s: _jsonl(
        {"id": "tiny", "text": "A b c d. " * 2000 * s})),
    "jsonl-refrain": ("refrain.jsonl", lambda s: _jsonl(
        {"id": "refrain-1", "outlet": "a", "text": (_SENTENCE + " ") * 300 * s},
        {"id": "refrain-2", "outlet": "b", "text": (_SENTENCE + " ") * 300 * s})),
    # pair alignment and the within-story claim and quote products (link and assess)
    "jsonl-refrain-varied": ("refrain-varied.jsonl", lambda s: _jsonl(*(
        {"id": f"varied-{k}", "outlet": f"outlet-{k}", "text": _varied(75 * s, seed=k)} for k in (1, 2)))),
    "jsonl-story-of-copies": ("story-of-copies.jsonl", lambda s: _jsonl(*(
        {"id": f"copy-{k}", "outlet": f"outlet-{k % 40}", "published": f"2019-04-{1 + k % 28:02d}",
         "text": _copy_of_one_report(k)} for k in range(10 * s)))),
    "jsonl-according-chain": ("according-chain.jsonl", lambda s: _jsonl(
        {"id": "chain", "text": " ".join("according to officials cited by police who quoted the "
                                         "minister," for _ in range(100 * s))})),
    "jsonl-numbers-everywhere": ("numbers.jsonl", lambda s: _jsonl(
        {"id": "numbers", "text": " ".join(f"{i}, sixty, 1,200 and 3 May 2019" for i in range(800 * s))})),
    "text-latin1": ("latin1.txt", lambda s: (_SENTENCE.replace("Harbour", "Caf\u00e9 harbour") + " ").encode("latin-1") * 5),
    "text-utf16-bom": ("utf16.txt", lambda s: ((_SENTENCE + " ") * 5).encode("utf-16")),
    "text-random-bytes": ("random-bytes.txt", lambda s: random.Random(5).randbytes(4000 * s)),
    "text-nul-bytes": ("nul.txt", lambda s: (_SENTENCE + "\x00") .encode() * 10),
    "text-empty": ("empty.txt", lambda s: b""),
    "text-whitespace": ("whitespace.txt", lambda s: b" \n\t\r\n" * 100),
    "text-no-punctuation": ("no-punctuation.txt", lambda s: " ".join(
        random.Random(6).choice(_WORDS) for _ in range(3000 * s)).encode()),
    "text-only-punctuation": ("punctuation.txt", lambda s: b"!?.,;:-- ... ''\"\" " * 200 * s),
    "text-one-line-of-numbers": ("digits.txt", lambda s: ("1234567890 " * 2000 * s).encode()),
    "html-deep-nesting": ("deep.html", lambda s: _page("<div>" * (2000 * s) + f"<p>{_prose(80)}</p>"
                                                       + "</div>" * (2000 * s)).encode()),
    "html-never-closed": ("unclosed.html", lambda s: ("<html><body>" + "<span><b><i>" * (300 * s)
                                                      + _prose(80)).encode()),
    "html-script-only": ("script-only.html", lambda s: _page("<script>" + "var a = 1;" * 1000 * s
                                                             + "</script>").encode()),
    "html-huge-attribute": ("attribute.html", lambda s: _page(
        f'<p data-x="{"a" * 100_000 * s}">{_prose(80)}</p>').encode()),
    "html-entity-flood": ("entities.html", lambda s: _page(
        "<p>" + "&amp;amp;&#0;&#xD800;&#99999999;&bogus; " * 2000 * s + _prose(80) + "</p>").encode()),
    "html-bogus-charset": ("charset.html", lambda s: _page(
        '<meta charset="x-no-such-charset">' + f"<p>{_prose(80)}</p>").encode("utf-8")),
    "html-many-paragraphs": ("paragraphs.html", lambda s: _page(
        "".join(f"<p>{_SENTENCE} {i}</p>\n" for i in range(2000 * s))).encode()),
    "gzip-bomb": ("bomb.txt.gz", lambda s: _gz(b"\0" * (30_000_000 if s > 1 else 300_000))),
    "gzip-truncated": ("truncated.html.gz", lambda s: _gz(_page(f"<p>{_prose(300)}</p>").encode())[:-20]),
    "gzip-not-gzip": ("not-gzip.txt.gz", lambda s: b"plain text pretending to be gzip\n"),
    "feed-entity-bomb": ("laughs.xml", lambda s: (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi"))
        + ']><rss version="2.0"><channel><title>t</title><item><title>&i;</title>'
        "<description>&i;</description></item></channel></rss>").encode()),
    "feed-malformed": ("broken.rss", lambda s: b'<rss version="2.0"><channel><item><title>half'),
    "feed-no-entries": ("empty.atom", lambda s: b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'),
    "urls-private-and-odd": ("addresses.urls", lambda s: "\n".join([
        "http://127.0.0.1/", "http://localhost:8080/admin", "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/", "http://[::1]/", "http://2130706433/", "file:///etc/passwd",
        "javascript:alert(1)", "not a url at all", "http://0x7f.1/"]).encode()),
    "unsupported-extension": ("report.pdf", lambda s: b"%PDF-1.4 not read"),
}

FULL_SCALE = {"jsonl-10mb-row": 1000, "gzip-bomb": 2, "jsonl-refrain": 4,
              "jsonl-story-of-copies": 10}  # 100 copies of one report


def write_kinds(folder: Path, *, names: list[str], full: bool, scale: int | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names:
        filename, build = KINDS[name]
        scale_of = scale or (FULL_SCALE.get(name, 20) if full else 1)
        path = folder / filename
        path.write_bytes(build(scale_of))
        paths[name] = path
    return paths


def run_one(path: Path, out: Path, *, src: Path = REPO_ROOT / "src") -> dict:
    """``crosscheck analyze`` on one file under ``/usr/bin/time -v``: outcome, seconds, peak MB."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "crosscheck", "analyze", str(path),
           "--out", str(out), "--workers", "1", "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.group(1).split(":"))))
    result = {"seconds": round(seconds, 1), "peak_mb": int(peak.group(1)) // 1024, "rc": done.returncode}
    analysis = out / "analysis.json"
    if done.returncode != 0 or not analysis.exists():
        tail = (done.stderr.split("Command being timed")[0].strip().splitlines() or ["?"])[-1]
        return {**result, "outcome": f"FAILED: {tail}"}
    data = json.loads(analysis.read_text())
    outcomes = [f"kept{' (cut: ' + '; '.join(_short(r['reason']) for r in a['removed'] if r.get('stage') == 'limits') + ')' if any(r.get('stage') == 'limits' for r in a['removed']) else ''}"
                for a in data["articles"]]
    outcomes += [f"rejected ({r['stage']}): {_short(r['reason'])}" for r in data["rejected"]]
    return {**result, "outcome": " | ".join(sorted(set(outcomes))) or "nothing",
            "derivations": _provenance(data)}


def _provenance(data: dict) -> str:
    """How many derivations, and how many later texts they lead back to a text of the
    earliest publication date (for a story of copies: to an original)."""
    edges = data["derivations"]
    if not edges:
        return "none"
    dates = {a["id"]: a["published"] for a in data["articles"] if a["published"]}
    first = min(dates.values(), default=None)
    sources: dict[str, set[str]] = {}
    for d in edges:
        sources.setdefault(d["derived"], set()).add(d["source"])
    later = [i for i, day in dates.items() if day != first]
    if not later:
        return f"{len(edges)}"
    led = 0
    for article in later:
        seen, todo = set(), [article]
        while todo:
            for source in sources.get(todo.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    todo.append(source)
        led += any(dates.get(s) == first for s in seen)
    return f"{len(edges)}; {led}/{len(later)} later texts led back to a first-day text"


def _short(reason: str) -> str:
    return reason if len(reason) <= 90 else reason[:87] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated kinds (default: all)")
    parser.add_argument("--write-fixtures", type=Path, help="write the small versions here and stop")
    parser.add_argument("--scale", type=int, help="size multiplier for every kind (default: each kind's full size)")
    parser.add_argument("--src", type=Path, default=REPO_ROOT / "src",
                        help="crosscheck sources to run (e.g. an older checkout's src/, for a before figure)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(KINDS)
    if args.write_fixtures:
        for name, path in write_kinds(args.write_fixtures, names=names, full=False).items():
            print(f"{name}: {path}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_kinds(Path(tmp) / "in", names=names, full=True, scale=args.scale)
        print("| kind | input | outcome | time (s) | peak memory (MB) | derivations |\n|---|---|---|---|---|---|")
        for name, path in paths.items():
            result = run_one(path, Path(tmp) / "out" / name, src=args.src)
            size = path.stat().st_size
            print(f"| {name} | {path.name}, {size:,} bytes | {result['outcome']} | "
                  f"{result['seconds']} | {result['peak_mb']} | {result.get('derivations', '')} |", flush=True)


if __name__ == "__main__":
    main()
