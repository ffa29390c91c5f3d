#!/usr/bin/env python3
"""Writes real-exports.jsonl.gz: 3,000 posts shaped like a real crawler's export, for RealExportShareTest.

Run once (python3 generate-real-exports.py); the output is committed. Seeded: the same file every time.
The crawler's own field names (post_id, user.email, subject, content_html, published_at), ids as real systems write
them (Debian package versions with ~ + :, message ids with @ < >, paths with / # =, spaces, non-ASCII letters, plain
numbers), e-mail author ids, text in many scripts (ZWJ emoji, Persian with ZWNJ, Hindi, Arabic, Hebrew, CJK, Thai),
HTML with entities, nested metadata, later versions of earlier posts, and a few records over the 512 KB record limit.
"""
import gzip
import json
import random
from datetime import datetime, timedelta, timezone

rnd = random.Random(13)
PACKAGES = ["tmux", "libx11", "openssl", "gcc-12", "python3.11", "linux-image-6.1.0-13-amd64", "libc6", "vim", "curl"]
DOMAINS = ["example.org", "mail.example.com", "example.co.uk", "例え.jp", "exämple.de"]
NAMES = ["jane.doe", "j.smith+forum", "o'brien", "müller", "josé", "ali_reza", "李雷", "priya.s", "dmitri-k"]
TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Größere Änderungen: Straße, Bücher, Öl.",
    "Ça va très bien, merci ! L'été dernier à Paris.",
    "Съешь же ещё этих мягких французских булок.",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "مرحبا بالعالم، كيف حالك اليوم؟",
    "\u200fשלום עולם, מה שלומך?\u200e (v2)",
    "می\u200cخواهم کتاب\u200cها را بخوانم.",
    "नमस्ते दुनिया, क्\u200dष हिन्दी में लिखा है।",
    "我们今天去公园散步。東京タワーが見える。",
    "한국어 텍스트도 있습니다.",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Family \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 and flag \U0001F3F3\ufe0f\u200d\U0001F308 \U0001F44B\U0001F3FD",
    "Code: <code>a &lt; b &amp;&amp; c &gt; d</code>",
]


def post_id(n):
    kind = rnd.randrange(8)
    if kind == 0:
        pkg = rnd.choice(PACKAGES)
        return f"{pkg}:{rnd.randrange(3)}:{rnd.randrange(1, 9)}.{rnd.randrange(20)}~rc{rnd.randrange(1, 4)}-{n}+deb12u{rnd.randrange(1, 5)}"
    if kind == 1:
        return f"<{n}.{rnd.randrange(10**6)}@lists.{rnd.choice(DOMAINS)}>"
    if kind == 2:
        return f"/r/forum/comments/{n:x}/a_title?sort=new#c={n}"
    if kind == 3:
        return n  # a plain number, as many exports write it
    if kind == 4:
        return f"post {n} (draft)"
    if kind == 5:
        return f"Ärger/Δ-{n}-東京"
    return f"p-{n}"


def body(size):
    parts = []
    length = 0
    while length < size:
        text = rnd.choice(TEXTS)
        if rnd.random() < 0.2:
            text = f'<a href="https://{rnd.choice(DOMAINS)}/x/{rnd.randrange(999)}">{text}</a>'
        parts.append(f"<p>{text}</p>")
        length += len(text) + 7
    return "".join(parts)


def record(n, pid, when, size):
    author = f"{rnd.choice(NAMES)}{rnd.randrange(50)}@{rnd.choice(DOMAINS)}"
    rec = {
        "post_id": pid,
        "user": {"email": author, "name": author.split("@")[0], "karma": rnd.randrange(10000)},
        "thread": f"t/{rnd.randrange(300)}",
        "subject": rnd.choice(TEXTS)[:80],
        "content_html": body(size),
        "meta": {"crawler": "forumcrawl/2.3", "lang": rnd.choice(["en", "de", "fa", "hi", "zh", "ar"]),
                 "tags": rnd.sample(["linux", "release", "bug", "help", "カメラ", "فارسی"], 2)},
    }
    if rnd.random() < 0.97:
        offset = timezone(timedelta(hours=rnd.choice([-8, 0, 1, 3.5, 5.75, 9])))
        rec["published_at"] = when.astimezone(offset).isoformat(timespec=rnd.choice(["seconds", "milliseconds"]))
    return rec


start = datetime(2025, 1, 1, tzinfo=timezone.utc)
lines = []
seen = []
for n in range(3000):
    when = start + timedelta(minutes=7 * n + rnd.randrange(7))
    roll = rnd.random()
    size = 540_000 if roll < 0.002 else 20_000 + rnd.randrange(80_000) if roll < 0.012 else int(rnd.lognormvariate(6, 1)) + 20
    if seen and rnd.random() < 0.05:
        pid = rnd.choice(seen)  # a later version of an earlier post
    else:
        pid = post_id(n)
        seen.append(pid)
    lines.append(json.dumps(record(n, pid, when, size), ensure_ascii=rnd.random() < 0.3, separators=(",", ":")))

with gzip.open("real-exports.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as out:
    gzip_lines = "\n".join(lines) + "\n"
    out.write(gzip_lines)
