"""Announcements: who gets which new awards, rendered once and queued in the outbox."""

from __future__ import annotations

import html
import json
from collections import defaultdict

import sqlite_utils

from bot import texts
from bot.filters import Filter, FilterParser
from bot.importer import Announcer
from bot.render import split_message
from bot.store import Store, enqueue
from bot.units import UnitIndex

# Replaced by the bot's username when the message is sent, so that a CLI import (which does
# not know the bot) can still link every unit to the bot's deep link.
BOT_PLACEHOLDER = "@@BOT@@"


def wanted(keys: list[str], award: dict, filters: FilterParser, units: UnitIndex) -> bool:
    """Does a subscriber with these filter keys want this award? No filter means everything.

    Filters of one kind widen (polri OR kejaksaan); filters of different kinds narrow
    (polri AND jawa timur), the way people read "/langganan polri" plus "/langganan jatim".
    """
    if not keys:
        return True
    by_kind: dict[str, list[Filter]] = defaultdict(list)
    for key in keys:
        f = Filter.from_key(key)
        by_kind[f.kind].append(f)
    types = units.types_of(award["unit_id"])
    return all(
        any(filters.matches(f, award, types) for f in group) for group in by_kind.values()
    )


def award_message(awards: list[dict]) -> list[str]:
    """The HTML announcement for a list of new awards, split to Telegram's limit."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for a in awards:
        groups[(a["predicate"], a.get("instansi") or "-")].append(a)
    paragraphs = [
        f"<b>{html.escape(texts.ANNOUNCE_TITLE)}</b>",
        html.escape(texts.ANNOUNCE_INTRO.format(count=len(awards))),
    ]
    for (predicate, instansi), rows in sorted(groups.items()):
        heading = texts.ANNOUNCE_GROUP.format(predicate=predicate, instansi=instansi)
        lines = [f"<b>{html.escape(heading)}</b>"]
        for a in sorted(rows, key=lambda r: r["name"]):
            link = f"https://t.me/{BOT_PLACEHOLDER}?start=unit_{a['unit_id']}"
            year = f" ({a['year']})" if a.get("year") else ""
            lines.append(f'• <a href="{link}">{html.escape(a["name"])}</a>{year}')
        paragraphs.append("\n".join(lines))
    example = awards[0]["name"]
    paragraphs.append(html.escape(texts.ANNOUNCE_FOOTER.format(example=example)))
    return split_message("\n\n".join(paragraphs))


def award_announcer(filters: FilterParser, units: UnitIndex) -> Announcer:
    """The hook the importer calls inside its transaction with the new awards."""

    def announce(db: sqlite_utils.Database, new_awards: list[dict], batch_id: int):
        messages: dict[int, list[str]] = {}
        cache: dict[tuple[int, ...], list[str]] = {}
        for sub in db.query("SELECT chat_id, filters FROM subscribers WHERE active = 1"):
            keys = sorted(_keys(sub["filters"]))
            picked = [a for a in new_awards if wanted(keys, a, filters, units)]
            if not picked:
                continue
            ident = tuple(id(a) for a in picked)
            if ident not in cache:
                cache[ident] = award_message(picked)
            messages[sub["chat_id"]] = cache[ident]
        if not messages:
            return None, 0
        return enqueue(db, kind="awards", messages=messages, batch_id=batch_id), len(messages)

    return announce


def _keys(raw: str | None) -> list[str]:
    return json.loads(raw or "[]")


def enqueue_free(store: Store, text: str, *, created_by: str) -> tuple[int, int]:
    """Queue an administrator's free-text announcement to every active subscriber."""
    body = (
        f"<b>{html.escape(texts.ANNOUNCE_FREE_TITLE)}</b>\n\n{html.escape(text.strip())}"
    )
    parts = split_message(body)
    with store.transaction() as db:
        rows = db.query("SELECT chat_id FROM subscribers WHERE active = 1")
        chats = [r["chat_id"] for r in rows]
        messages = {chat: parts for chat in chats}
        announcement_id = enqueue(db, kind="free", messages=messages, created_by=created_by)
    return announcement_id, len(messages)
