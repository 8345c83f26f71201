"""Importing award lists: validation, all-or-nothing, idempotency, formats."""

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.importer import ImportFileError, import_awards
from bot.store import Store

HEADER = "unit,instansi,region,predicate,year,note,source"


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "t.db")
    yield store
    store.close()


def write(tmp_path: Path, text: str, name: str = "daftar.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def award_count(store: Store) -> int:
    return store.db["awards"].count


def test_valid_csv_imports_and_reports_counts(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK 1\n"
                           "Polres B,Polri,Aceh,wbbm,2025,,SK 1\n")
    report = import_awards(store, path)
    assert (report.new, report.known, report.skipped, report.bad) == (2, 0, 0, [])
    assert award_count(store) == 2
    batch = next(store.db.query("SELECT * FROM import_batches"))
    assert (batch["file"], batch["new"], batch["known"]) == ("daftar.csv", 2, 0)


def test_reimport_is_idempotent(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK 1\n")
    import_awards(store, path)
    again = import_awards(store, path)
    assert (again.new, again.known) == (0, 1)
    assert award_count(store) == 1
    assert store.db["units"].count == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",Polri,Aceh,WBK,2024,,SK", "nama unit kosong"),
        ("Polres A,Polri,Aceh,WTP,2024,,SK", "predikat 'WTP' bukan WBK atau WBBM"),
        ("Polres A,Polri,Aceh,,2024,,SK", "predikat '' bukan WBK atau WBBM"),
        ("Polres A,Polri,Aceh,WBK,dua ribu,,SK", "tahun 'dua ribu' bukan angka"),
        ("Polres A,Polri,Aceh,WBK,2009,,SK", "tahun 2009 di luar"),
        ("Polres A,Polri,Aceh,WBK,2099,,SK", "tahun 2099 di luar"),
        ("Polres A,Polri,Aceh,WBK,,,SK", "tahun '' bukan angka"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_nothing_changes(store, tmp_path, row,
                                                                    message):
    path = write(tmp_path, f"{HEADER}\nPolres Baik,Polri,Aceh,WBK,2024,,SK\n{row}\n")
    report = import_awards(store, path)
    assert len(report.bad) == 1
    line, text = report.bad[0]
    assert line == 3
    assert message in text
    assert not report.written
    assert award_count(store) == 0


def test_duplicate_inside_the_file_is_a_bad_row(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK\n"
                           "POLRES  a,Polri,Aceh,wbk,2024,,SK\n")
    report = import_awards(store, path)
    assert report.bad == [(3, "duplikat baris 2")]
    assert award_count(store) == 0


def test_non_utf8_row_is_a_bad_row(store, tmp_path):
    data = f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK\n".encode() + \
        "Polres Bé,Polri,Aceh,WBK,2024,,SK\n".encode("latin-1")
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    report = import_awards(store, path)
    assert report.bad == [(3, "teks bukan UTF-8 yang sah")]


def test_skip_bad_imports_the_good_rows(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK\n"
                           "Polres B,Polri,Aceh,XXX,2024,,SK\n")
    report = import_awards(store, path, skip_bad=True)
    assert (report.new, report.skipped) == (1, 1)
    assert award_count(store) == 1


def test_dry_run_counts_without_writing(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK\n")
    report = import_awards(store, path, dry_run=True)
    assert report.new == 1 and not report.written
    assert award_count(store) == 0
    assert store.db["import_batches"].count == 0


def test_bom_semicolons_and_indonesian_headers(store, tmp_path):
    text = "\ufeffNama Unit;Instansi;Wilayah;Predikat;Tahun;Keterangan;Sumber\n" \
           "Lapas Uji;Kemenimipas;Jawa Barat;Menuju WBK;2025;;SK 2025\n"
    report = import_awards(store, write(tmp_path, text))
    assert (report.new, report.bad) == (1, [])
    row = next(store.db.query("SELECT u.name, a.predicate, a.year, a.source FROM awards a "
                              "JOIN units u ON u.id = a.unit_id"))
    assert row == {"name": "Lapas Uji", "predicate": "WBK", "year": 2025, "source": "SK 2025"}


def test_missing_required_column_is_refused(store, tmp_path):
    with pytest.raises(ImportFileError, match="kolom wajib tidak ada: year"):
        import_awards(store, write(tmp_path, "unit,predicate\nPolres A,WBK\n"))


def test_xlsx_with_a_title_block(store, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["LAMPIRAN KEPUTUSAN MENTERI PANRB"])
    ws.append([])
    ws.append(["No", "Nama Unit Kerja", "Instansi", "Predikat", "Tahun"])
    ws.append([1, "Kantor Imigrasi Uji", "Kemenimipas", "WBBM", 2025])
    ws.append([2, "Rutan Uji", "Kemenimipas", "WBK", 2025])
    path = tmp_path / "lampiran.xlsx"
    wb.save(path)
    report = import_awards(store, path, source="KepMenPANRB 2025")
    assert (report.new, report.bad) == (2, [])
    sources = {r["source"] for r in store.db.query("SELECT source FROM awards")}
    assert sources == {"KepMenPANRB 2025"}


def test_xlsx_bad_row_line_numbers_are_sheet_rows(store, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["unit", "predicate", "year"])
    ws.append(["Rutan Uji", "WBK", 2025])
    ws.append(["Rutan Dua", "WBK", "x"])
    path = tmp_path / "l.xlsx"
    wb.save(path)
    report = import_awards(store, path)
    assert report.bad == [(3, "tahun 'x' bukan angka")]


def test_json_list_of_objects(store, tmp_path):
    rows = [{"unit": "Polres J", "predikat": "WBK", "tahun": 2024, "sumber": "berita"}]
    report = import_awards(store, write(tmp_path, json.dumps(rows), "d.json"))
    assert report.new == 1


def test_damaged_files_change_nothing(store, tmp_path):
    with pytest.raises(ImportFileError):
        import_awards(store, write(tmp_path, "{not json", "d.json"))
    with pytest.raises(ImportFileError):
        import_awards(store, write(tmp_path, "PK\x03\x04garbage", "d.xlsx"))
    with pytest.raises(ImportFileError):
        import_awards(store, write(tmp_path, "", "kosong.csv"))
    assert award_count(store) == 0


def test_failure_inside_the_transaction_rolls_everything_back(store, tmp_path):
    path = write(tmp_path, f"{HEADER}\nPolres A,Polri,Aceh,WBK,2024,,SK\n")

    def broken_announcer(db, awards, batch_id):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        import_awards(store, path, announcer=broken_announcer)
    assert award_count(store) == 0
    assert store.db["units"].count == 0


def test_seed_data_imports_cleanly(brain):
    stats = brain.store.stats()
    assert sum(r["jumlah"] for r in stats["predikat"]) == 224
    assert brain.store.db["revocations"].count == 4
    assert brain.store.db["national_stats"].count == 5
