"""The one SQLite database: awards, subscriptions and the announcement outbox.

A plain SQLite file (sqlite-utils and Datasette open it as is). Schema changes go through
sqlite-utils migrations; the connection runs in WAL mode with foreign keys on, so the bot can
keep reading while ``zibot awards import`` writes from another process.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("zibot")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@migrations()
def m001_awards(db: sqlite_utils.Database) -> None:
    db["import_batches"].create(
        {
            "id": int,
            "file": str,
            "who": str,
            "started_at": str,
            "new": int,
            "known": int,
            "skipped": int,
            "announcement_id": int,
        },
        pk="id",
    )
    db["units"].create(
        {"id": int, "name": str, "key": str, "instansi": str, "region": str, "aliases": str},
        pk="id",
        not_null={"name", "key"},
    )
    db["units"].create_index(["key"], unique=True)
    db["awards"].create(
        {
            "id": int,
            "unit_id": int,
            "predicate": str,
            "year": int,
            "note": str,
            "source": str,
            "batch_id": int,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "id"), ("batch_id", "import_batches", "id")],
        not_null={"unit_id", "predicate"},
    )
    # IFNULL so that "year unknown" rows are deduplicated too.
    db.execute(
        "CREATE UNIQUE INDEX idx_awards_identity ON awards (unit_id, predicate, IFNULL(year, 0))"
    )
    db["revocations"].create(
        {
            "id": int,
            "unit_id": int,
            "predicate": str,
            "predicate_year": int,
            "revoked_on": str,
            "reason": str,
            "source": str,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "id")],
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_revocations_identity ON revocations "
        "(unit_id, predicate, IFNULL(revoked_on, ''))"
    )
    db["national_stats"].create(
        {
            "year": int,
            "units_proposed": int,
            "units_evaluated": int,
            "wbk": int,
            "wbbm": int,
            "total_awarded": int,
            "confidence": str,
            "note": str,
            "source": str,
        },
        pk="year",
    )


@migrations()
def m002_subscriptions(db: sqlite_utils.Database) -> None:
    db["subscribers"].create(
        {
            "chat_id": int,
            "chat_type": str,
            "active": int,
            "filters": str,  # JSON list of "kind:value"; empty means everything
            "created_at": str,
            "updated_at": str,
            "inactive_reason": str,
        },
        pk="chat_id",
        not_null={"active"},
        defaults={"active": 1, "filters": "[]"},
    )
    db["announcements"].create(
        {
            "id": int,
            "kind": str,  # "awards" or "free"
            "batch_id": int,
            "created_at": str,
            "created_by": str,
            "recipients": int,
        },
        pk="id",
    )
    db["outbox"].create(
        {
            "id": int,
            "announcement_id": int,
            "chat_id": int,
            "part": int,
            "html": str,
            "status": str,  # pending, sent, failed (for good), skipped (subscriber gone)
            "attempts": int,
            "next_attempt_at": float,
            "last_error": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("announcement_id", "announcements", "id")],
        not_null={"status", "html", "chat_id"},
        defaults={"status": "pending", "attempts": 0, "next_attempt_at": 0.0},
    )
    db["outbox"].create_index(["status", "id"])
    db["outbox"].create_index(["announcement_id", "status"])
    db["outbox"].create_index(["announcement_id", "chat_id", "part"], unique=True)


@migrations()
def m003_unit_keys(db: sqlite_utils.Database) -> None:
    # Normalized match keys, so that a restart with 100,000 units reads them instead of
    # normalizing every name again (bot/units.py).
    db["units"].add_column("match_keys", str)
    db["units"].add_column("region_keys", str)
    db["units"].add_column("match_version", str)


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    instansi: str
    region: str


class Store:
    """Owns the connection; every SQL statement of the project lives here or in importer.py."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        else:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        if self.path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL survives a killed process (kill -9) intact; only a power cut
            # can lose the last commits, which for the outbox means a resend, never a loss.
            # FULL would fsync every delivered message and halve the broadcast rate.
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 30000")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        # BEGIN IMMEDIATE takes the write lock up front, so two importers cannot interleave.
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    # ----------------------------------------------------------------- awards
    def is_empty(self) -> bool:
        return self.db["units"].count == 0 and self.db["import_batches"].count == 0

    UNIT_COLUMNS = (
        "id", "name", "instansi", "region", "aliases", "match_keys", "region_keys",
        "match_version",
    )

    def unit_rows(self) -> Iterator[tuple]:
        """Rows in UNIT_COLUMNS order, streamed: the index reads 100,000 of them at start and
        need not hold them all at once."""
        return iter(
            self.db.conn.execute(f"SELECT {', '.join(self.UNIT_COLUMNS)} FROM units ORDER BY id")
        )

    def units(self) -> list[dict]:
        return [dict(zip(self.UNIT_COLUMNS, row, strict=True)) for row in self.unit_rows()]

    def save_unit_keys(self, keys: list[tuple[int, str, str, str]]) -> None:
        if not keys:
            return
        with self.transaction() as db:
            db.conn.executemany(
                "UPDATE units SET match_keys = ?, region_keys = ?, match_version = ? "
                "WHERE id = ?",
                [(k, r, v, uid) for uid, k, r, v in keys],
            )

    def unit(self, unit_id: int) -> Unit | None:
        row = next(
            self.db.query("SELECT id, name, instansi, region FROM units WHERE id = ?", [unit_id]),
            None,
        )
        return Unit(**row) if row else None

    def history(self, unit_id: int) -> tuple[list[dict], list[dict]]:
        awards = list(
            self.db.query(
                "SELECT predicate, year, note, source FROM awards WHERE unit_id = ? "
                "ORDER BY IFNULL(year, 0), predicate",
                [unit_id],
            )
        )
        revocations = list(
            self.db.query(
                "SELECT predicate, predicate_year, revoked_on, reason, source FROM revocations "
                "WHERE unit_id = ? ORDER BY revoked_on",
                [unit_id],
            )
        )
        return awards, revocations

    def award_rows(self) -> list[dict]:
        return list(
            self.db.query(
                "SELECT u.id AS unit_id, u.name, u.instansi, u.region, a.predicate, a.year "
                "FROM awards a JOIN units u ON u.id = a.unit_id ORDER BY a.year, u.name"
            )
        )

    def stats(self) -> dict[str, list[dict]]:
        q = self.db.query
        return {
            "tahun": list(
                q(
                    "SELECT IFNULL(year, '-') AS tahun, COUNT(*) AS jumlah FROM awards "
                    "GROUP BY year ORDER BY year"
                )
            ),
            "predikat": list(
                q(
                    "SELECT predicate AS predikat, COUNT(*) AS jumlah FROM awards "
                    "GROUP BY predicate ORDER BY jumlah DESC"
                )
            ),
            "instansi": list(
                q(
                    "SELECT u.instansi AS instansi, COUNT(*) AS jumlah FROM awards a "
                    "JOIN units u ON u.id = a.unit_id GROUP BY u.instansi ORDER BY jumlah DESC"
                )
            ),
        }

    # ---------------------------------------------------------- subscriptions
    def subscriber(self, chat_id: int) -> dict | None:
        row = next(self.db.query("SELECT * FROM subscribers WHERE chat_id = ?", [chat_id]), None)
        if row:
            row["filters"] = json.loads(row["filters"] or "[]")
        return row

    def save_subscriber(
        self, chat_id: int, chat_type: str, filters: list[str], *, active: bool = True
    ) -> None:
        stamp = now_iso()
        self.db.execute(
            "INSERT INTO subscribers (chat_id, chat_type, active, filters, created_at, "
            "updated_at, inactive_reason) VALUES (?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT(chat_id) DO UPDATE SET chat_type = excluded.chat_type, "
            "active = excluded.active, filters = excluded.filters, "
            "updated_at = excluded.updated_at, inactive_reason = NULL",
            [chat_id, chat_type, int(active), json.dumps(sorted(set(filters))), stamp, stamp],
        )
        self.db.conn.commit()

    def deactivate(self, chat_id: int, reason: str) -> bool:
        cur = self.db.execute(
            "UPDATE subscribers SET active = 0, inactive_reason = ?, updated_at = ? "
            "WHERE chat_id = ? AND active = 1",
            [reason, now_iso(), chat_id],
        )
        self.db.conn.commit()
        return cur.rowcount > 0

    def reactivate(self, chat_id: int) -> bool:
        cur = self.db.execute(
            "UPDATE subscribers SET active = 1, inactive_reason = NULL, updated_at = ? "
            "WHERE chat_id = ? AND active = 0 AND inactive_reason IS NOT NULL",
            [now_iso(), chat_id],
        )
        self.db.conn.commit()
        return cur.rowcount > 0

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move its subscription and pending messages."""
        with self.transaction() as db:
            if not next(db.query("SELECT 1 FROM subscribers WHERE chat_id = ?", [new_id]), None):
                db.execute(
                    "UPDATE subscribers SET chat_id = ?, chat_type = 'supergroup' "
                    "WHERE chat_id = ?",
                    [new_id, old_id],
                )
            db.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                [new_id, old_id],
            )

    def active_subscribers(self) -> list[dict]:
        rows = list(self.db.query("SELECT * FROM subscribers WHERE active = 1 ORDER BY chat_id"))
        for row in rows:
            row["filters"] = json.loads(row["filters"] or "[]")
        return rows

    def subscriber_counts(self) -> tuple[int, int]:
        row = next(
            self.db.query(
                "SELECT SUM(active = 1) AS a, SUM(active = 0) AS i FROM subscribers"
            )
        )
        return int(row["a"] or 0), int(row["i"] or 0)

    # ----------------------------------------------------------------- outbox
    def pending(self, limit: int = 500, after_id: int = 0) -> list[dict]:
        return list(
            self.db.query(
                "SELECT id, announcement_id, chat_id, part, html, attempts, next_attempt_at "
                "FROM outbox WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?",
                [after_id, limit],
            )
        )

    def mark_sent(self, row_id: int) -> None:
        self.db.execute(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? "
            "WHERE id = ?",
            [now_iso(), row_id],
        )
        self.db.conn.commit()

    def mark_retry(self, row_id: int, error: str, next_at: float, *,
                   spent: bool = True) -> None:
        """Schedule a row again; ``spent=False`` when the try does not count (a 429)."""
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_at = ? "
            "WHERE id = ?",
            [int(spent), error[:500], next_at, row_id],
        )
        self.db.conn.commit()

    def mark_failed(self, row_id: int, error: str, *, status: str = "failed") -> None:
        self.db.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            [status, error[:500], row_id],
        )
        self.db.conn.commit()

    def skip_chat(self, chat_id: int, error: str) -> int:
        """Drop the pending parts of a chat that can no longer receive messages."""
        cur = self.db.execute(
            "UPDATE outbox SET status = 'skipped', last_error = ? "
            "WHERE chat_id = ? AND status = 'pending'",
            [error[:500], chat_id],
        )
        self.db.conn.commit()
        return cur.rowcount

    def announcement_progress(self, announcement_id: int | None = None) -> dict | None:
        if announcement_id is None:
            row = next(self.db.query("SELECT MAX(id) AS id FROM announcements"))
            announcement_id = row["id"]
            if announcement_id is None:
                return None
        head = next(
            self.db.query("SELECT * FROM announcements WHERE id = ?", [announcement_id]), None
        )
        if head is None:
            return None
        counts = {"pending": 0, "sent": 0, "failed": 0, "skipped": 0}
        for row in self.db.query(
            "SELECT status, COUNT(DISTINCT chat_id) AS n FROM outbox "
            "WHERE announcement_id = ? GROUP BY status",
            [announcement_id],
        ):
            counts[row["status"]] = row["n"]
        return {**head, **counts}

    def delivery_counts(self) -> dict[str, int]:
        counts = {"pending": 0, "sent": 0, "failed": 0, "skipped": 0}
        for row in self.db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"):
            counts[row["status"]] = row["n"]
        return counts


def enqueue(
    db: sqlite_utils.Database,
    *,
    kind: str,
    messages: dict[int, list[str]],
    batch_id: int | None = None,
    created_by: str = "",
) -> int:
    """Write an announcement and one outbox row per recipient and part.

    Takes the open transaction's database so that the awards and their announcement commit
    together (a crash cannot leave new awards that nobody will be told about).
    """
    announcement_id = db["announcements"].insert(
        {
            "kind": kind,
            "batch_id": batch_id,
            "created_at": now_iso(),
            "created_by": created_by,
            "recipients": len(messages),
        }
    ).last_pk
    db.conn.executemany(
        "INSERT INTO outbox (announcement_id, chat_id, part, html, status, attempts, "
        "next_attempt_at) VALUES (?, ?, ?, ?, 'pending', 0, 0)",
        (
            (announcement_id, chat_id, part, html)
            for chat_id, parts in messages.items()
            for part, html in enumerate(parts)
        ),
    )
    return int(announcement_id)
