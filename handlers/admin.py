"""Administrator commands: /impor (a document), /umumkan, /status."""

from __future__ import annotations

import asyncio
import contextlib

from telegram import Update
from telegram.error import BadRequest

from bot import render, texts
from bot.reply import Reply, Who
from handlers.common import Context, brain_of, send_reply, sender_of, who_of

MAX_IMPORT_MB = 10
STATUS_REFRESH_SECONDS = 3
STATUS_REFRESH_FOR = 120


async def impor(update: Update, context: Context) -> None:
    """Dry-run an award list sent as a document with the caption /impor."""
    who = await who_of(update, context)
    brain = brain_of(context)
    document = update.effective_message.document
    if not who.is_admin or document is None:
        await send_reply(update, context, brain.command("impor", "", who))
        return
    if (document.file_size or 0) > MAX_IMPORT_MB * 1024 * 1024:
        await send_reply(update, context,
                         Reply("smalltalk", texts.IMPOR_TOO_BIG.format(limit=MAX_IMPORT_MB)))
        return
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    reply = brain.import_preview(document.file_name or "impor.csv", data, who)
    await send_reply(update, context, reply)


async def umumkan(update: Update, context: Context) -> None:
    """Preview a free announcement; it is sent only after the confirm button."""
    who = await who_of(update, context)
    text = update.effective_message.text or ""
    args = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    await send_reply(update, context, brain_of(context).announce_preview(args, who))


async def status(update: Update, context: Context) -> None:
    """Subscriber counts and announcement progress, kept up to date in one edited message."""
    who = await who_of(update, context)
    brain = brain_of(context)
    reply = brain.status(who)
    message = await send_reply(update, context, reply)
    if not who.is_admin or message is None or not context.application.running:
        return
    sender_of(context).wake.set()
    context.application.create_task(_refresh(context, message, reply), update=update)


async def _refresh(context: Context, message, last: Reply) -> None:
    brain = brain_of(context)
    shown = render.telegram_html(last)
    for _ in range(STATUS_REFRESH_FOR // STATUS_REFRESH_SECONDS):
        await asyncio.sleep(STATUS_REFRESH_SECONDS)
        progress = brain.store.announcement_progress()
        current = render.telegram_html(brain.status(Who(is_admin=True)))
        if current != shown:
            with contextlib.suppress(BadRequest):
                await message.edit_text(current)
            shown = current
        if progress is None or progress["pending"] == 0:
            return
