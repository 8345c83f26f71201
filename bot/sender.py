"""Delivers the announcement outbox at Telegram's limits, resuming after any crash.

The outbox rows are the truth: a row is marked sent only after Telegram accepted it, so after
a crash (even kill -9) the next start sends every row still pending. The one message that
can be sent twice is the one in flight at the moment of the crash; sends are sequential, so
there is at most one.

Error policy (peers' outages taught it): 429 pauses that chat and the whole sender for
``retry_after``; 403 and "chat not found" deactivate the subscriber and drop its pending rows;
a migrated group is followed to its new id; 5xx, timeouts and network errors are retried with
capped backoff and never deactivate anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.announce import BOT_PLACEHOLDER
from bot.store import Store

log = logging.getLogger(__name__)

_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send",
         "bot is not a member", "group chat was deactivated", "peer_id_invalid")


@dataclass
class Limits:
    per_second: float = 25.0  # overall ceiling, below Telegram's ~30/s
    per_chat_seconds: float = 1.0  # private chats: about one message a second
    per_group_seconds: float = 3.0  # groups: 20 messages a minute
    max_attempts: int = 8  # transient failures before a row is failed for good
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    idle_poll: float = 2.0


@dataclass
class Counters:
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    deactivated: int = 0
    failed: int = 0
    migrated: int = 0
    last_error: str = ""
    by_error: dict[str, int] = field(default_factory=dict)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Sender:
    """One sequential sender task per process; handlers only wake it."""

    def __init__(self, bot: Bot, store: Store, limits: Limits | None = None):
        self.bot = bot
        self.store = store
        self.limits = limits or Limits()
        self.counters = Counters()
        self.wake = asyncio.Event()
        self._chat_ready: dict[int, float] = {}
        self._paused_until = 0.0
        self._next_slot = 0.0
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self.wake.set()

    async def run(self) -> None:
        log.info("sender started")
        while not self._stopping:
            try:
                worked = await self.drain_once()
            except Exception:
                # The sender must outlive any single bad row or database hiccup.
                log.exception("sender loop error")
                worked = False
            if not worked:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.limits.idle_poll)

    async def drain_once(self) -> bool:
        """Send what is due now; True when at least one row was attempted."""
        rows = self.store.pending(limit=500)
        if not rows:
            return False
        attempted = False
        for row in rows:
            if self._stopping:
                break
            now = time.time()
            if row["next_attempt_at"] > now:
                continue
            if self._chat_ready.get(row["chat_id"], 0.0) > time.monotonic():
                continue
            await self._pace()
            await self.deliver(row)
            attempted = True
        if not attempted:
            # Everything pending waits for a backoff or a chat limit: sleep until the nearest.
            await asyncio.sleep(min(self._nearest_wait(rows), self.limits.idle_poll))
        return attempted or bool(rows)

    def _nearest_wait(self, rows: list[dict]) -> float:
        now, mono = time.time(), time.monotonic()
        waits = []
        for row in rows:
            waits.append(max(row["next_attempt_at"] - now,
                             self._chat_ready.get(row["chat_id"], 0.0) - mono, 0.01))
        return min(waits) if waits else self.limits.idle_poll

    async def _pace(self) -> None:
        now = time.monotonic()
        start = max(now, self._next_slot, self._paused_until)
        if start > now:
            await asyncio.sleep(start - now)
        self._next_slot = max(time.monotonic(), start) + 1.0 / self.limits.per_second

    def _chat_gap(self, chat_id: int) -> float:
        return self.limits.per_group_seconds if chat_id < 0 else self.limits.per_chat_seconds

    async def deliver(self, row: dict) -> str:
        """Send one outbox row and record the outcome; returns it (for tests and logs)."""
        chat_id = row["chat_id"]
        self._chat_ready[chat_id] = time.monotonic() + self._chat_gap(chat_id)
        text = row["html"].replace(BOT_PLACEHOLDER, self.bot.username or "")
        try:
            await self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after) + 0.1
            self.counters.rate_limited += 1
            self._paused_until = time.monotonic() + wait
            self._chat_ready[chat_id] = time.monotonic() + wait
            log.warning("429 for chat %s: pausing the sender %.1f s", chat_id, wait)
            # A 429 is Telegram pacing us, not a failure of this row: no attempt is spent.
            self.store.mark_retry(row["id"], "429", time.time() + wait, spent=False)
            return "rate_limited"
        except ChatMigrated as exc:
            self.counters.migrated += 1
            self.store.migrate_chat(chat_id, exc.new_chat_id)
            log.info("chat %s migrated to %s", chat_id, exc.new_chat_id)
            return "migrated"
        except Forbidden as exc:
            return self._gone(row, f"403 {exc.message}")
        except BadRequest as exc:
            if any(marker in exc.message.lower() for marker in _GONE):
                return self._gone(row, f"400 {exc.message}")
            self.counters.failed += 1
            self.store.mark_failed(row["id"], f"400 {exc.message}")
            log.error("announcement row %s to %s rejected: %s", row["id"], chat_id, exc.message)
            return "failed"
        except NetworkError as exc:  # includes TimedOut and every 5xx
            return self._transient(row, f"{exc.__class__.__name__}: {exc.message}")
        self.store.mark_sent(row["id"])
        self.counters.sent += 1
        return "sent"

    def _gone(self, row: dict, error: str) -> str:
        chat_id = row["chat_id"]
        self.store.mark_failed(row["id"], error, status="skipped")
        self.store.skip_chat(chat_id, error)
        if self.store.deactivate(chat_id, error[:100]):
            self.counters.deactivated += 1
            log.info("subscriber %s deactivated (%s)", chat_id, error)
        return "deactivated"

    def _transient(self, row: dict, error: str) -> str:
        attempts = row["attempts"] + 1
        self.counters.by_error[error.split(":")[0]] = (
            self.counters.by_error.get(error.split(":")[0], 0) + 1
        )
        if attempts >= self.limits.max_attempts:
            self.counters.failed += 1
            self.store.mark_failed(row["id"], error)
            log.error("row %s to %s failed for good after %d attempts: %s",
                      row["id"], row["chat_id"], attempts, error)
            return "failed"
        delay = min(self.limits.backoff_cap, self.limits.backoff_base * 2 ** (attempts - 1))
        # Never sooner than the chat's own limit: the failed call may have counted against it.
        delay = max(delay * random.uniform(0.8, 1.2), self._chat_gap(row["chat_id"]))
        self.counters.retried += 1
        self.store.mark_retry(row["id"], error, time.time() + delay)
        log.warning("row %s to %s: %s; retry in %.1f s", row["id"], row["chat_id"], error, delay)
        return "retry"
