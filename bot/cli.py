"""The ``zibot`` command: run, chat, ask, eval, kb check, awards, announce."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from bot import render
from bot.config import ConfigError, Settings
from bot.kb import KnowledgeError, load_knowledge

log = logging.getLogger("zibot")


def _settings() -> Settings:
    return Settings.from_env()


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_one_line_network_errors)


def _one_line_network_errors(record: logging.LogRecord) -> bool:
    """python-telegram-bot logs a failed connection with a full traceback; one line is enough
    for "Telegram cannot be reached", which the operator can act on."""
    if record.exc_info and "Network Retry Loop" in record.getMessage():
        exc = record.exc_info[1]
        record.msg = f"{record.getMessage()} ({exc.__class__.__name__}: {exc})"
        record.args = ()
        record.exc_info = None
    return True


def _brain(settings: Settings):
    from bot.app import build_brain

    return build_brain(settings)


# -------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN belum diisi (token dari @BotFather)")
    args.secret = args.secret or os.environ.get("ZIBOT_WEBHOOK_SECRET")
    if args.webhook and not args.secret:
        raise ConfigError("--webhook butuh --secret (atau ZIBOT_WEBHOOK_SECRET)")
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram_app import run

    try:
        run(settings, webhook_url=args.webhook, listen=args.listen, port=args.port,
            secret=args.secret)
    except InvalidToken:
        print("Telegram menolak TELEGRAM_BOT_TOKEN: periksa token dari @BotFather.",
              file=sys.stderr)
        return 2
    except NetworkError as exc:
        where = settings.api_base_url or "api.telegram.org"
        print(f"Tidak dapat menghubungi Telegram ({where}): {exc.message}", file=sys.stderr)
        return 1
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import Console

    Console(_brain(settings)).loop(sys.stdin)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    brain = _brain(settings)
    if args.question:
        reply = brain.ask(" ".join(args.question))
        text = render.plain(reply)
        if args.json:
            print(json.dumps(reply.as_json(text), ensure_ascii=False))
        else:
            print(render.plain(reply, numbered=True))
        return 0
    for line in sys.stdin:
        reply = brain.ask(line.rstrip("\n"))
        text = render.plain(reply)
        if args.json:
            sys.stdout.write(json.dumps(reply.as_json(text), ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(render.plain(reply, numbered=True) + "\n\n")
        sys.stdout.flush()
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluate import evaluate, read_cases, summary_lines

    path = Path(args.file)
    if not path.is_file():
        print(f"Berkas {path} tidak ada.", file=sys.stderr)
        return 2
    brain = _brain(settings)
    kind, every = read_cases(path)
    cases = [c for c in every if args.split in ("all", c.split)]
    brain_for = {}
    if kind == "kb":
        from bot.app import fold_brains

        brain_for = fold_brains(settings, every, brain.store, only={c.split for c in cases})
    result = evaluate(brain, cases, kind, brain_for=brain_for)
    print(f"{path} (split: {args.split})")
    if brain_for:
        print("  (splits that asked questions came from: each measured without the asked "
              "questions and out-of-scope examples of its fold)")
    for line in summary_lines(result):
        print(f"  {line}")
    if result.failures and not args.quiet:
        print(f"failures ({len(result.failures)}):")
        for gold, question, what in result.failures:
            print(f"  [{gold}] {question!r}: {what}")
    return 0


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_normalizer
    from bot.kb import check_lexicon, check_phrasing_collisions

    try:
        knowledge = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} masalah.", file=sys.stderr)
        return 1
    normalizer = load_normalizer(settings.knowledge_dir)
    problems = check_lexicon(settings.knowledge_dir / "lexicon.yaml")
    problems += check_phrasing_collisions(knowledge, normalizer)
    entries = knowledge.entries
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} masalah.", file=sys.stderr)
        return 1
    phrasings = sum(len(e.phrasings) for e in entries)
    asked = sum(len(e.asked) for e in entries)
    print(f"OK: {len(entries)} entri, {phrasings} pertanyaan, {asked} contoh pertanyaan "
          f"pengguna, {len(knowledge.outside)} contoh di luar cakupan, tidak ada masalah.")
    return 0


def cmd_awards_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.announce import award_announcer
    from bot.importer import ImportFileError, import_awards

    path = Path(args.file)
    if not path.is_file():
        print(f"Berkas {path} tidak ada.", file=sys.stderr)
        return 2
    brain = _brain(settings)
    announcer = award_announcer(brain.filters, brain.units) if args.announce else None
    try:
        report = import_awards(
            brain.store, path, who=args.who, dry_run=args.dry_run, skip_bad=args.skip_bad,
            source=args.source, announcer=announcer, keyer=brain.units.keyer,
        )
    except ImportFileError as exc:
        print(f"{path.name}: {exc}. Tidak ada yang berubah.", file=sys.stderr)
        return 1
    for line, message in report.bad:
        print(f"baris {line}: {message}", file=sys.stderr)
    if report.bad and not args.skip_bad:
        print(f"{len(report.bad)} baris bermasalah: tidak ada yang diimpor "
              "(pakai --skip-bad untuk melewatinya).", file=sys.stderr)
        return 1
    mode = "uji coba, tidak ada yang ditulis" if args.dry_run else "selesai"
    print(f"Impor {path.name} ({mode}): {report.new} baru, {report.known} sudah ada, "
          f"{report.skipped} dilewati.")
    if report.announcement_id and not args.dry_run:
        print(f"Pengumuman #{report.announcement_id} diantrekan untuk "
              f"{report.recipients} pelanggan; bot yang berjalan akan mengirimnya.")
    elif args.announce and not args.dry_run:
        print("Tidak ada pelanggan yang cocok: tidak ada pengumuman.")
    return 0


def cmd_awards_search(args: argparse.Namespace, settings: Settings) -> int:
    brain = _brain(settings)
    reply = brain.check(" ".join(args.name))
    print(render.plain(reply, numbered=False))
    return 0


def cmd_awards_stats(args: argparse.Namespace, settings: Settings) -> int:
    brain = _brain(settings)
    for title, rows in brain.store.stats().items():
        print(f"per {title}:")
        for row in rows:
            label, count = list(row.values())
            print(f"  {count:6d}  {label}")
    return 0


def cmd_announce_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import Store

    store = Store(settings.db_path)
    active, inactive = store.subscriber_counts()
    print(f"pelanggan aktif: {active}, nonaktif: {inactive}")
    progress = store.announcement_progress()
    if progress is None:
        print("belum ada pengumuman")
    else:
        print(f"pengumuman #{progress['id']} ({progress['kind']}, {progress['created_at']}): "
              f"terkirim {progress['sent']}, menunggu {progress['pending']}, "
              f"gagal {progress['failed']}, dilewati {progress['skipped']}")
    counts = store.delivery_counts()
    print("semua pesan: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


# ---------------------------------------------------------------------- parser
def build_parser() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="zibot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="jalankan bot Telegram (butuh TELEGRAM_BOT_TOKEN)")
    run.add_argument("--webhook", metavar="URL", help="pakai webhook di URL publik ini")
    run.add_argument("--listen", default="0.0.0.0", help="alamat server webhook")
    run.add_argument("--port", type=int, default=8443, help="port server webhook")
    run.add_argument("--secret", default=None, help="secret token webhook (wajib)")
    run.set_defaults(func=cmd_run)

    sub.add_parser("chat", help="obrolan di konsol").set_defaults(func=cmd_chat)

    ask = sub.add_parser("ask", help="satu jawaban (atau satu per baris stdin)")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--json", action="store_true", help="satu objek JSON per baris")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="ukur ketepatan pada berkas berlabel")
    ev.add_argument("file")
    ev.add_argument("--split", default="all",
                    help="all, or one split of the file (tune, tune2a to tune30, heldout)")
    ev.add_argument("--quiet", action="store_true", help="tanpa daftar kegagalan")
    ev.set_defaults(func=cmd_eval)

    kb = sub.add_parser("kb", help="basis pengetahuan")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_sub.add_parser("check", help="periksa folder knowledge").set_defaults(func=cmd_kb_check)

    aw = sub.add_parser("awards", help="tabel penerima predikat")
    aw_sub = aw.add_subparsers(dest="awards_command", required=True)
    imp = aw_sub.add_parser("import", help="impor CSV, XLSX atau JSON")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="tunjukkan hasil tanpa menulis")
    imp.add_argument("--skip-bad", action="store_true", help="lewati baris bermasalah")
    imp.add_argument("--announce", action="store_true", help="umumkan yang baru ke pelanggan")
    imp.add_argument("--source", help="sumber untuk baris tanpa kolom sumber")
    imp.add_argument("--who", default="cli", help="dicatat di import_batches")
    imp.set_defaults(func=cmd_awards_import)
    search = aw_sub.add_parser("search", help="cari unit")
    search.add_argument("name", nargs="+")
    search.set_defaults(func=cmd_awards_search)
    aw_sub.add_parser("stats", help="jumlah per tahun, predikat, instansi").set_defaults(
        func=cmd_awards_stats
    )

    an = sub.add_parser("announce", help="pengumuman")
    an_sub = an.add_subparsers(dest="announce_command", required=True)
    an_sub.add_parser("status", help="kemajuan pengumuman").set_defaults(
        func=cmd_announce_status
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings()
        level = settings.log_level
        if args.func in (cmd_chat, cmd_ask) and "ZIBOT_LOG_LEVEL" not in os.environ:
            # The console is the conversation: keep start-up notices out of it.
            level = "WARNING"
        _setup_logging(level)
        code = args.func(args, settings)
        # Flushed here, not at exit, so a reader that went away is caught below.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # `zibot ask ... | head` closes the pipe early; that is the reader's choice, not an
        # error worth a traceback. stdout points at /dev/null so the exit flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a process ended by SIGPIPE
    except ConfigError as exc:
        print(f"Konfigurasi salah: {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print(f"Basis pengetahuan tidak valid ({len(exc.problems)} masalah); "
              "jalankan 'zibot kb check'.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
