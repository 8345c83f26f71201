"""Importing award lists (CSV, XLSX, JSON) into the awards table.

Every row is validated before anything is written; a file with a bad row changes nothing
unless the caller asks to skip bad rows. The write is one transaction, and re-importing the
same file adds nothing. New awards and the announcement about them commit together.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from bot.gc_pause import paused_gc
from bot.store import Store, now_iso
from bot.text import fold

MIN_YEAR = 2010
PREDICATES = {"wbk": "WBK", "wbbm": "WBBM", "wbk wbbm": "WBK/WBBM"}
PROGRESS_FROM = 1000

# Header names as they appear in official annexes and hand-made sheets, folded.
COLUMN_SYNONYMS = {
    "unit": (
        "unit", "nama unit", "unit kerja", "nama unit kerja", "satuan kerja", "satker",
        "nama satker", "nama satuan kerja", "nama",
    ),
    "instansi": ("instansi", "nama instansi", "kementerian lembaga", "k l", "kl", "lembaga"),
    "region": ("region", "wilayah", "lokasi", "daerah", "provinsi", "kabupaten kota"),
    "predicate": ("predicate", "predikat", "predikat zi", "kategori"),
    "year": ("year", "tahun", "tahun predikat"),
    "note": ("note", "catatan", "keterangan", "ket"),
    "source": ("source", "sumber", "dasar", "sk", "nomor sk"),
    "aliases": ("aliases", "alias", "nama lain"),
}
_HEADER = {syn: col for col, syns in COLUMN_SYNONYMS.items() for syn in syns}
REQUIRED = ("unit", "predicate", "year")


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, header)."""


@dataclass(frozen=True)
class Row:
    line: int
    key: str
    unit: str
    instansi: str
    region: str
    predicate: str
    year: int | None
    note: str
    source: str
    aliases: str


@dataclass
class Report:
    file: str
    rows: int = 0
    new: int = 0
    known: int = 0
    skipped: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    new_awards: list[dict] = field(default_factory=list)
    batch_id: int | None = None
    announcement_id: int | None = None
    recipients: int = 0
    dry_run: bool = False
    written: bool = False


def unit_key(name: str) -> str:
    return fold(name)


# ------------------------------------------------------------------------- reading
def _decode(data: bytes) -> str:
    # Lines that are not UTF-8 survive as surrogates and are reported per row below.
    return data.decode("utf-8-sig", errors="surrogateescape")


def _read_csv(data: bytes) -> list[tuple[int, dict]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if "\t" in first and first.count("\t") > first.count(delimiter):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("berkas kosong") from None
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    return [(0, {h: h for h in header}), *rows]


def _read_xlsx(data: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        name = exc.__class__.__name__
        raise ImportFileError(f"berkas XLSX tidak dapat dibuka ({name})") from None
    sheet = workbook.worksheets[0]
    rows: list[tuple[int, dict]] = []
    header: list[str] | None = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = ["" if v is None else str(v).strip() for v in values]
        if header is None:
            # Official annexes carry a title block above the table: the header is the first
            # row that names a unit column.
            if any(_HEADER.get(fold(c)) == "unit" for c in cells):
                header = cells
                rows.append((0, {h: h for h in header}))
            continue
        if not any(cells):
            continue
        rows.append((number, dict(zip(header, cells, strict=False))))
    workbook.close()
    if header is None:
        raise ImportFileError("tidak ada baris judul kolom dengan kolom nama unit")
    return rows


def _read_json(data: bytes) -> list[tuple[int, dict]]:
    try:
        payload = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"JSON tidak valid: {exc.msg} (baris {exc.lineno})") from None
    if isinstance(payload, dict):
        payload = payload.get("rows") or payload.get("data") or []
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise ImportFileError("JSON harus berupa daftar objek")
    header: dict[str, str] = {}
    for item in payload:
        header.update({k: k for k in item})
    return [(0, header), *((i, {k: "" if v is None else str(v) for k, v in r.items()})
                           for i, r in enumerate(payload, 1))]


def read_rows(path: Path, data: bytes | None = None) -> list[tuple[int, dict]]:
    """(line number, raw row) pairs; the first pair is the header."""
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix == ".json":
        return _read_json(data)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_csv(data)
    raise ImportFileError(f"format {suffix} tidak didukung (pakai CSV, XLSX atau JSON)")


# ---------------------------------------------------------------------- validating
def _map_header(header: Iterable[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name in header:
        column = _HEADER.get(fold(name))
        if column and column not in mapping.values():
            mapping[name] = column
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        raise ImportFileError("kolom wajib tidak ada: " + ", ".join(missing))
    return mapping


# Undecodable bytes survive decoding as lone surrogates; control characters are never data.
_BAD_TEXT = re.compile("[\udc80-\udcff\x00-\x08\x0b-\x1f]")


@lru_cache(maxsize=256)
def _predicate(value: str) -> str | None:
    return PREDICATES.get(fold(value).replace("menuju ", ""))


def _has_bad_text(value: str) -> bool:
    return _BAD_TEXT.search(value) is not None


def validate(
    raw_rows: list[tuple[int, dict]], *, default_source: str
) -> tuple[list[Row], list[tuple[int, str]]]:
    header, *body = raw_rows
    mapping = _map_header(header[1])
    max_year = date.today().year + 1
    rows: list[Row] = []
    bad: list[tuple[int, str]] = []
    seen: dict[tuple[str, str, int | None], int] = {}
    for line, raw in body:
        values = {col: str(raw.get(name) or "").strip() for name, col in mapping.items()}
        problems = []
        if _has_bad_text("".join(values.values())):
            problems.append("teks bukan UTF-8 yang sah")
        unit = " ".join(values.get("unit", "").split())
        if not unit:
            problems.append("nama unit kosong")
        predicate = _predicate(values.get("predicate", ""))
        if predicate is None:
            problems.append(f"predikat '{values.get('predicate', '')}' bukan WBK atau WBBM")
        year_text = values.get("year", "").removesuffix(".0")
        year: int | None = None
        if not year_text.isdigit():
            problems.append(f"tahun '{values.get('year', '')}' bukan angka")
        else:
            year = int(year_text)
            if not MIN_YEAR <= year <= max_year:
                problems.append(f"tahun {year} di luar {MIN_YEAR}-{max_year}")
        if problems:
            bad.append((line, "; ".join(problems)))
            continue
        identity = (unit_key(unit), predicate, year)
        if identity in seen:
            bad.append((line, f"duplikat baris {seen[identity]}"))
            continue
        seen[identity] = line
        rows.append(
            Row(
                line=line,
                key=identity[0],
                unit=unit,
                instansi=values.get("instansi", ""),
                region=values.get("region", ""),
                predicate=predicate,
                year=year,
                note=values.get("note", ""),
                source=values.get("source", "") or default_source,
                aliases=values.get("aliases", ""),
            )
        )
    return rows, bad


# ------------------------------------------------------------------------ writing
# (name, aliases, region) → (match_keys, region_keys, version); see bot/units.py.
Keyer = Callable[[str, str, str], tuple[str, str, str]]


class UnitWriter:
    """Finds or creates units inside one transaction; one read of the keys, then plain SQL.

    sqlite-utils' ``insert`` inspects the table on every call, which made a 100,000-row
    import take half a minute; the write path is the hot loop of an import.
    """

    def __init__(self, db: sqlite_utils.Database, keyer: Keyer | None = None):
        self.conn = db.conn
        self.keyer = keyer
        self.known = {
            key: [uid, instansi, region]
            for uid, key, instansi, region in self.conn.execute(
                "SELECT id, key, instansi, region FROM units"
            )
        }
        # New units get their ids here and are written in one executemany (flush); the
        # transaction holds the write lock, so nobody else can take these ids meanwhile.
        self.next_id = self.conn.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM units").fetchone()[0]
        self.pending: list[tuple] = []

    def ensure(self, name: str, instansi: str, region: str, aliases: str = "",
               key: str | None = None) -> int:
        key = key or unit_key(name)
        row = self.known.get(key)
        if row is None:
            keys = self.keyer(name, aliases, region) if self.keyer else (None, None, None)
            uid = self.next_id
            self.next_id += 1
            self.pending.append((uid, name, key, instansi, region, aliases, *keys))
            self.known[key] = [uid, instansi, region]
            return uid
        # Fill gaps, never overwrite what an earlier source said.
        if instansi and not row[1]:
            self.conn.execute("UPDATE units SET instansi = ? WHERE id = ?", [instansi, row[0]])
            row[1] = instansi
        if region and not row[2]:
            # The region is part of the match keys: let the index recompute them.
            self.conn.execute(
                "UPDATE units SET region = ?, match_version = NULL WHERE id = ?",
                [region, row[0]],
            )
            row[2] = region
        return int(row[0])

    def flush(self) -> None:
        self.conn.executemany(
            "INSERT INTO units (id, name, key, instansi, region, aliases, match_keys, "
            "region_keys, match_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.pending,
        )
        self.pending.clear()


Announcer = Callable[[sqlite_utils.Database, list[dict], int], tuple[int | None, int]]


def _progress(done: int, total: int) -> None:
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def import_awards(
    store: Store,
    path: Path,
    *,
    data: bytes | None = None,
    who: str = "cli",
    dry_run: bool = False,
    skip_bad: bool = False,
    source: str | None = None,
    announcer: Announcer | None = None,
    keyer: Keyer | None = None,
) -> Report:
    """Validate, then write in one transaction. Raises ImportFileError for unreadable files."""
    with paused_gc():
        return _import(store, path, data, who, dry_run, skip_bad, source, announcer, keyer)


def _import(store, path, data, who, dry_run, skip_bad, source, announcer, keyer) -> Report:
    report = Report(file=path.name, dry_run=dry_run)
    raw_rows = read_rows(path, data)
    rows, report.bad = validate(raw_rows, default_source=source or f"Impor berkas {path.name}")
    report.rows = len(raw_rows) - 1
    report.skipped = len(report.bad)
    if report.bad and not skip_bad:
        return report
    try:
        with store.transaction() as db:
            batch_id = db["import_batches"].insert(
                {"file": path.name, "who": who, "started_at": now_iso()}
            ).last_pk
            units = UnitWriter(db, keyer)
            # Which awards exist is read once; new ones are written in one executemany.
            existing = set(db.conn.execute(
                "SELECT unit_id, predicate, IFNULL(year, 0) FROM awards"
            ))
            new_rows = []
            for done, row in enumerate(rows, 1):
                unit_id = units.ensure(row.unit, row.instansi, row.region, row.aliases, row.key)
                identity = (unit_id, row.predicate, row.year or 0)
                if identity in existing:
                    report.known += 1
                else:
                    existing.add(identity)
                    new_rows.append(
                        (unit_id, row.predicate, row.year, row.note, row.source, batch_id)
                    )
                    report.new += 1
                    if announcer is not None:
                        report.new_awards.append(
                            {"unit_id": unit_id, "name": row.unit, "instansi": row.instansi,
                             "region": row.region, "predicate": row.predicate,
                             "year": row.year}
                        )
                if done % 500 == 0 or done == len(rows):
                    _progress(done, len(rows))
            units.flush()
            db.conn.executemany(
                "INSERT INTO awards (unit_id, predicate, year, note, source, batch_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                new_rows,
            )
            if announcer is not None and report.new_awards:
                report.announcement_id, report.recipients = announcer(
                    db, report.new_awards, int(batch_id)
                )
            db["import_batches"].update(
                batch_id,
                {"new": report.new, "known": report.known, "skipped": report.skipped,
                 "announcement_id": report.announcement_id},
            )
            report.batch_id = int(batch_id)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    report.written = True
    return report


class _DryRun(Exception):
    """Rolls the transaction back after counting: a dry run sees exactly what a real run would."""


def import_revocations(store: Store, path: Path, keyer: Keyer | None = None) -> int:
    """Load the shipped revocations list (seed data); returns how many were new."""
    added = 0
    with store.transaction() as db, path.open(encoding="utf-8-sig", newline="") as fh:
        units = UnitWriter(db, keyer)
        for raw in csv.DictReader(fh):
            unit_id = units.ensure(raw["unit"].strip(), raw.get("instansi", ""), "")
            units.flush()  # the revocation row refers to the unit
            year = raw.get("predicate_year", "").strip()
            cur = db.execute(
                "INSERT OR IGNORE INTO revocations (unit_id, predicate, predicate_year, "
                "revoked_on, reason, source) VALUES (?, ?, ?, ?, ?, ?)",
                [unit_id, raw["predicate"].strip(), int(year) if year.isdigit() else None,
                 raw.get("revoked_on", "").strip(), raw.get("reason", "").strip(),
                 raw.get("source", "").strip()],
            )
            added += cur.rowcount
    return added


def import_national_stats(store: Store, path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = []
        for raw in csv.DictReader(fh):
            row = {k: (v.strip() or None) for k, v in raw.items()}
            for k in ("year", "units_proposed", "units_evaluated", "wbk", "wbbm",
                      "total_awarded"):
                row[k] = int(row[k]) if row.get(k) else None
            rows.append(row)
    with store.transaction() as db:
        db["national_stats"].upsert_all(rows, pk="year")


def seed(store: Store, data_dir: Path, keyer: Keyer | None = None) -> bool:
    """Fill an empty database from the shipped data; a no-op once anything was imported."""
    if not store.is_empty():
        return False
    import_awards(store, data_dir / "awards.csv", who="seed", keyer=keyer)
    import_revocations(store, data_dir / "revocations.csv", keyer=keyer)
    import_national_stats(store, data_dir / "national-stats.csv")
    return True
