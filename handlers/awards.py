"""/cek <nama unit>."""

from __future__ import annotations

from telegram import Update

from handlers.common import Context, brain_of, send_reply


async def cek(update: Update, context: Context) -> None:
    """Look a unit up in the awards table."""
    text = " ".join(context.args or [])
    await send_reply(update, context, brain_of(context).check(text))
