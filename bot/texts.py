"""Every Indonesian sentence the bot says, and the one command table.

The command table feeds ``/bantuan``, the Telegram command menu and the README's command
section (``tests/test_docs.py`` checks that they agree). Templates use ``str.format`` fields;
dynamic values are escaped by ``bot.render`` for Telegram, never here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    description: str  # shown in the Telegram menu (at most 256 characters)
    admin: bool = False
    menu: bool = True  # listed in the Telegram command menu


COMMANDS: tuple[Command, ...] = (
    Command("start", "/start", "Mulai dan lihat contoh pertanyaan"),
    Command("bantuan", "/bantuan", "Daftar perintah dan cara bertanya"),
    Command("tanya", "/tanya <pertanyaan>", "Tanya tentang ZI, WBK, WBBM (dipakai di grup)"),
    Command("cek", "/cek <nama unit>", "Cek predikat WBK/WBBM sebuah unit kerja"),
    Command(
        "langganan",
        "/langganan [filter]",
        "Langganan pengumuman penerima predikat (filter: instansi, wilayah, WBK/WBBM)",
    ),
    Command("berhenti", "/berhenti [filter]", "Berhenti berlangganan (semua atau satu filter)"),
    Command("impor", "/impor", "Admin: kirim berkas daftar penerima untuk diimpor", admin=True),
    Command(
        "umumkan", "/umumkan <teks>", "Admin: kirim pengumuman ke semua pelanggan", admin=True
    ),
    Command("status", "/status", "Admin: jumlah pelanggan dan kemajuan pengumuman", admin=True),
)


def command_menu(*, admin: bool = False) -> list[tuple[str, str]]:
    """(name, description) pairs for ``set_my_commands``."""
    return [(c.name, c.description) for c in COMMANDS if c.menu and (admin or not c.admin)]


EXAMPLES = (
    "apa itu WBBM?",
    "nilai minimal WBK berapa?",
    "polres lhokseumawe udah wbk belum?",
)

WELCOME_TITLE = "Halo! Saya zibot."
WELCOME = (
    "Saya menjawab pertanyaan tentang Zona Integritas (ZI), WBK dan WBBM, "
    "dan bisa mengecek apakah sebuah unit kerja sudah meraih predikat.\n\n"
    "Contoh pertanyaan:\n{examples}\n\n"
    "Ketik /bantuan untuk daftar perintah."
)

HELP_TITLE = "Cara memakai zibot"
HELP_INTRO = (
    "Tulis pertanyaan Anda seperti biasa, misalnya \"bedanya wbk sama wbbm apa\". "
    "Di grup, pakai /tanya atau balas pesan saya."
)
HELP_ADMIN = "Perintah admin:"

SOURCE_LABEL = "Sumber"
RELATED_LABEL = "Topik terkait"

SUGGEST_TITLE = "Maksud Anda yang mana?"
SUGGEST_BODY = "Saya belum yakin. Pilih salah satu:"
SUGGEST_CONSOLE_HINT = "Ketik nomornya, atau tulis ulang pertanyaan Anda."
NUMBER_NOT_OFFERED = (
    "Nomor {number} tidak ada di daftar. Ketik 1 sampai {last}, atau tulis pertanyaan baru."
)
NONE_OF_THESE = "Bukan semuanya"
NONE_OF_THESE_REPLY = (
    "Maaf, saya belum bisa menjawabnya. Coba tulis dengan kata lain, misalnya "
    "sebut WBK atau WBBM dan hal yang ingin diketahui (syarat, nilai, jadwal)."
)

FALLBACK_TITLE = "Maaf, itu di luar cakupan saya."
FALLBACK = (
    "Saya hanya bisa membantu soal Zona Integritas, WBK dan WBBM. Contohnya:\n{examples}"
)

EMPTY_QUESTION = "Silakan tulis pertanyaan Anda, misalnya: {example}"
TOO_LONG = "Pertanyaannya terlalu panjang. Mohon ringkas jadi satu kalimat."

SMALLTALK_GREETING = "Halo! Silakan tanya apa saja tentang ZI, WBK atau WBBM."
SMALLTALK_THANKS = "Sama-sama! Kalau ada pertanyaan lain tentang ZI, WBK atau WBBM, silakan."
SMALLTALK_BYE = "Sampai jumpa!"

ERROR_REPLY = "Maaf, terjadi kesalahan di sisi kami. Silakan coba lagi sebentar lagi."
UNKNOWN_COMMAND = "Perintah itu tidak saya kenal. Ketik /bantuan untuk daftar perintah."
ADMIN_ONLY = "Maaf, perintah ini hanya untuk admin."
GROUP_ADMIN_ONLY = "Di grup, hanya admin grup yang dapat mengatur langganan."

# Awards look-up
CEK_USAGE = "Tulis nama unitnya, misalnya: /cek polres lhokseumawe"
AWARD_TITLE = "{unit}"
AWARD_META = "{instansi}{region}"
AWARD_LINE = "• {predicate} {year}"
AWARD_LINE_NOYEAR = "• {predicate} (tahun tidak tercatat)"
AWARD_UNSPECIFIED = "WBK/WBBM (sumber tidak merinci)"
AWARD_REVOKED = "• Predikat {predicate}{year} dicabut {date}: {reason}"
AWARD_NOTE = "  Catatan: {note}"
AWARD_NO_AWARD = "Belum ada predikat yang tercatat dalam data kami untuk unit ini."
AWARD_YEAR_NOTE = (
    "Tahun = tahun predikat, bukan tanggal penyerahan. Data kami tidak lengkap; "
    "daftar resmi ada pada keputusan Kementerian PANRB."
)
NOT_FOUND_TITLE = "Unit itu belum ada di data kami."
NOT_FOUND = (
    "Data kami baru sebagian (dikumpulkan dari berita dan rilis resmi), jadi ini "
    "bukan berarti unit tersebut tidak meraih WBK/WBBM. Daftar resmi ada pada "
    "keputusan Kementerian PANRB (zi.menpan.go.id)."
)
NOT_FOUND_CLOSE = "Nama yang mirip di data kami:"
UNIT_SUGGEST_TITLE = "Unit yang mana?"
UNIT_SUGGEST_BODY = "Ada beberapa unit yang cocok. Pilih salah satu:"
UNIT_SUGGEST_SOME = (
    "Ada {count} unit yang cocok di data kami. Tulis juga nama unitnya, misalnya: {example}. "
    "Beberapa di antaranya:"
)
LIST_TITLE = "{count} unit {what}"
LIST_LINE = "• {unit}: {predicate} {year}"
LIST_EMPTY = "Tidak ada unit {what} dalam data kami."  # LIST_NOTE says the data is partial
LIST_MORE = "... dan {more} unit lagi. Persempit dengan tahun, wilayah atau instansi."
LIST_COUNT = (
    "Angka resmi untuk {what} tidak ada di sumber kami. Yang tercatat di data kami "
    "(baru sebagian):"
)
LIST_NOTE = "Data kami baru sebagian; daftar resmi ada pada keputusan Kementerian PANRB."

# Subscriptions
SUB_DONE_ALL = "Anda berlangganan semua pengumuman penerima predikat WBK/WBBM baru."
SUB_DONE_FILTER = "Langganan ditambah: {filter}."
SUB_ALREADY = "Anda sudah berlangganan: {filters}."
SUB_NOT_SUBSCRIBED = "Anda belum berlangganan. Ketik /langganan untuk mulai."
SUB_STATUS = "Langganan Anda: {filters}.\nKetik /berhenti untuk berhenti."
SUB_ALL = "semua pengumuman"
SUB_TELEGRAM_ONLY = "Langganan pengumuman hanya tersedia lewat Telegram."
SUB_UNKNOWN_FILTER = (
    "Filter \"{filter}\" tidak saya kenali. Pakai nama instansi (misalnya polri), "
    "wilayah (misalnya jawa timur) atau predikat (wbk/wbbm)."
)
UNSUB_DONE = "Anda berhenti berlangganan. Ketik /langganan untuk mulai lagi kapan saja."
UNSUB_FILTER = "Filter dihapus: {filter}. Langganan Anda sekarang: {filters}."
UNSUB_FILTER_MISSING = "Anda tidak berlangganan filter \"{filter}\". Langganan Anda: {filters}."

# Announcements
ANNOUNCE_TITLE = "Penerima predikat baru"
ANNOUNCE_INTRO = "{count} unit kerja baru tercatat meraih predikat:"
ANNOUNCE_GROUP = "{predicate} - {instansi}"
ANNOUNCE_FOOTER = "Tanya saya tentang unit mana pun, misalnya: /cek {example}"
ANNOUNCE_FREE_TITLE = "Pengumuman"
UMUMKAN_USAGE = "Tulis teks pengumumannya: /umumkan <teks>"
UMUMKAN_PREVIEW = "Pratinjau pengumuman untuk {count} pelanggan aktif:"
UMUMKAN_CONFIRM = "Kirim"
UMUMKAN_CANCEL = "Batal"
UMUMKAN_QUEUED = "Pengumuman #{id} diantrekan untuk {count} penerima."
CANCELLED = "Dibatalkan. Tidak ada yang berubah."
EXPIRED = "Permintaan ini sudah kedaluwarsa. Silakan ulangi perintahnya."

IMPOR_USAGE = "Kirim berkas CSV, XLSX atau JSON sebagai dokumen dengan keterangan /impor."
IMPOR_PREVIEW = "Uji coba impor {file}:"
IMPOR_COUNTS = "• baru: {new}\n• sudah ada: {known}\n• dilewati: {skipped}"
IMPOR_BAD = "{count} baris bermasalah (impor dibatalkan, tidak ada yang berubah):"
IMPOR_BAD_LINE = "• baris {line}: {message}"
IMPOR_AND_ANNOUNCE = "Impor dan umumkan"
IMPOR_ONLY = "Impor saja"
IMPOR_DONE = "Impor selesai: {new} baru, {known} sudah ada, {skipped} dilewati."
IMPOR_ANNOUNCED = "Pengumuman #{id} diantrekan untuk {count} penerima."
IMPOR_TOO_BIG = "Berkas terlalu besar (maksimal {limit} MB)."

STATUS_TITLE = "Status zibot"
STATUS_SUBS = "Pelanggan aktif: {active} (nonaktif: {inactive})"
STATUS_ANNOUNCEMENT = (
    "Pengumuman #{id} ({created}): terkirim {sent}, menunggu {pending}, gagal {failed}"
)
STATUS_NO_ANNOUNCEMENT = "Belum ada pengumuman."
