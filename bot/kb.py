"""The curated knowledge base: YAML entries under ``knowledge/entries/``, loaded and validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.text import fold

# libyaml parses the knowledge base about ten times faster than the pure-Python loader.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TITLE = 40
REDIRECT = "pengalihan"
_FIELDS = {"id", "judul", "pertanyaan", "jawaban", "sumber", "terkait", "jenis"}
_REQUIRED = ("id", "judul", "pertanyaan", "jawaban", "sumber")
# Labelled questions of the tuning splits (tests/data/kb_questions.tsv), written by
# ``python -m bench.asked --write``: id, question, and the split it came from.
ASKED_FILE = "contoh.tsv"
_ASKED_HEADER = ["id", "pertanyaan", "asal"]
# The id of a question that no entry answers, as in the labelled questions: an example of
# what the bot must not answer (``Matcher._reads_outside``).
OUTSIDE = "OOS"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    phrasings: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    related: tuple[str, ...]
    kind: str  # "jawaban" or "pengalihan" (a polite redirect to another service)
    file: str
    # Questions users really typed that this entry answers (``ASKED_FILE``): matched like the
    # phrasings, but never shown and not the curator's to word.
    asked: tuple[str, ...] = ()

    @property
    def is_redirect(self) -> bool:
        return self.kind == REDIRECT


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Knowledge:
    entries: list[Entry]
    # Questions that no entry answers (``OUTSIDE`` rows of ``ASKED_FILE``).
    outside: tuple[str, ...] = ()


class KnowledgeError(Exception):
    """The knowledge directory cannot be used; ``problems`` says why, entry by entry."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} masalah di basis pengetahuan")
        self.problems = problems


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _parse_entry(raw: object, file: str, problems: list[Problem]) -> Entry | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, "", "setiap entri harus berupa pemetaan (id, judul, ...)"))
        return None
    entry_id = str(raw.get("id") or "").strip()
    label = entry_id or "(tanpa id)"
    before = len(problems)
    for key in _REQUIRED:
        if not raw.get(key):
            problems.append(Problem(file, label, f"kolom '{key}' kosong atau tidak ada"))
    for key in sorted(set(raw) - _FIELDS):
        problems.append(Problem(file, label, f"kolom '{key}' tidak dikenal"))
    if entry_id and not ID_PATTERN.match(entry_id):
        problems.append(Problem(file, label, "id hanya boleh huruf kecil, angka dan tanda -"))
    title = str(raw.get("judul") or "").strip()
    if len(title) > MAX_TITLE:
        problems.append(Problem(file, label, f"judul lebih dari {MAX_TITLE} karakter"))
    phrasings = [str(p).strip() for p in _as_list(raw.get("pertanyaan")) if str(p).strip()]
    answer = str(raw.get("jawaban") or "").strip()
    sources = [str(s).strip() for s in _as_list(raw.get("sumber")) if str(s).strip()]
    related = [str(r).strip() for r in _as_list(raw.get("terkait")) if str(r).strip()]
    kind = str(raw.get("jenis") or "jawaban").strip()
    if kind not in ("jawaban", REDIRECT):
        problems.append(Problem(file, label, "jenis harus 'jawaban' atau 'pengalihan'"))
    if len(problems) > before:
        return None
    return Entry(
        id=entry_id,
        title=title,
        phrasings=tuple(phrasings),
        answer=answer,
        sources=tuple(sources),
        related=tuple(related),
        kind=kind,
        file=file,
    )


def check_entries(entries: list[Entry]) -> list[Problem]:
    """Problems between entries: duplicate ids, dangling links, colliding phrasings."""
    problems: list[Problem] = []
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in by_id:
            problems.append(
                Problem(entry.file, entry.id, f"id sudah dipakai di {by_id[entry.id].file}")
            )
        by_id.setdefault(entry.id, entry)
    owner: dict[str, str] = {}
    for entry in entries:
        for rel in entry.related:
            if rel not in by_id:
                problems.append(Problem(entry.file, entry.id, f"terkait '{rel}' tidak ada"))
            elif rel == entry.id:
                problems.append(Problem(entry.file, entry.id, "terkait menunjuk dirinya sendiri"))
        for phrase in (entry.title, *entry.phrasings):
            key = fold(phrase)
            other = owner.get(key)
            if other is not None and other != entry.id:
                problems.append(
                    Problem(entry.file, entry.id, f"pertanyaan '{phrase}' juga ada di '{other}'")
                )
            owner.setdefault(key, entry.id)
    return problems


def load_entries(directory: Path) -> list[Entry]:
    """Read and validate every ``*.yaml`` under ``directory``; raise with all problems found."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise KnowledgeError([Problem(str(directory), "", "tidak ada berkas .yaml")])
    for path in files:
        name = path.name
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "", f"YAML tidak dapat dibaca: {exc}"))
            continue
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(name, "", "isi berkas harus berupa daftar entri"))
            continue
        for raw in data:
            entry = _parse_entry(raw, name, problems)
            if entry is not None:
                entries.append(entry)
    problems.extend(check_entries(entries))
    if problems:
        raise KnowledgeError(problems)
    return entries


def read_asked(path: Path) -> list[tuple[str, str, str]]:
    """The rows of ``ASKED_FILE`` as (id, question, origin); none when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    # Tab-separated, nothing quoted: a question may hold any other character.
    rows = [line.split("\t") for line in text.splitlines()]
    if not rows or rows[0] != _ASKED_HEADER:
        raise KnowledgeError([Problem(path.name, "", "baris pertama harus: "
                                      + "\t".join(_ASKED_HEADER))])
    problems = []
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 3 or not all(cell.strip() for cell in row):
            problems.append(Problem(path.name, "", f"baris {number}: harus 3 kolom terisi"))
            continue
        out.append((row[0].strip(), row[1].strip(), row[2].strip()))
    if problems:
        raise KnowledgeError(problems)
    return out


def asked_origins(directory: Path) -> frozenset[str]:
    """The splits that the asked questions of ``directory`` came from."""
    return frozenset(origin for _, _, origin in read_asked(directory / ASKED_FILE))


def load_knowledge(directory: Path, *, leave_out: frozenset[str] = frozenset()) -> Knowledge:
    """The entries of ``directory/entries`` with the asked questions of ``ASKED_FILE``, and
    its out-of-scope examples; ``leave_out``: origins whose questions are left out, to
    measure on them honestly."""
    entries = load_entries(directory / "entries")
    rows = read_asked(directory / ASKED_FILE)
    known = {e.id for e in entries}
    unknown = sorted({i for i, _, _ in rows} - known - {OUTSIDE})
    if unknown:
        raise KnowledgeError([Problem(ASKED_FILE, i, "id tidak ada di entri") for i in unknown])
    asked: dict[str, list[str]] = {}
    for entry_id, question, origin in rows:
        if origin not in leave_out:
            asked.setdefault(entry_id, []).append(question)
    return Knowledge(
        [replace(e, asked=tuple(asked[e.id])) if e.id in asked else e for e in entries],
        tuple(asked.get(OUTSIDE, ())))


def check_lexicon(path: Path) -> list[Problem]:
    """Keys that appear twice in one mapping of the lexicon: YAML keeps the last silently."""
    problems: list[Problem] = []
    stack = [yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        line = key.start_mark.line + 1
                        problems.append(Problem(
                            path.name, "", f"kunci '{key.value}' muncul dua kali (baris {line})",
                        ))
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def check_phrasing_collisions(knowledge: Knowledge, normalizer) -> list[Problem]:
    """Phrasings (and asked questions) of two entries that become the same words once
    normalized, and out-of-scope examples that read like a question of an entry.

    Such a pair can never be told apart by the matcher, so one of them is always wrong.
    """
    owner: dict[tuple[str, ...], str] = {}
    problems = []
    entries = knowledge.entries
    # The curators' phrasings first: a clash with an asked question is the asked question's,
    # and one with an out-of-scope example is the example's.
    texts = [(e.id, p, e.file) for e in entries for p in (e.title, *e.phrasings)]
    texts += [(e.id, q, ASKED_FILE) for e in entries for q in e.asked]
    texts += [(OUTSIDE, q, ASKED_FILE) for q in knowledge.outside]
    for entry_id, phrase, file in texts:
        key = normalizer.key(phrase)
        if not key:
            problems.append(Problem(file, entry_id, f"pertanyaan '{phrase}' kosong"))
            continue
        other = owner.setdefault(key, entry_id)
        if other != entry_id:
            problems.append(
                Problem(file, entry_id,
                        f"pertanyaan '{phrase}' sama dengan pertanyaan di '{other}' "
                        "setelah dinormalisasi")
            )
    return problems
