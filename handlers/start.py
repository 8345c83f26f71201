"""/start (with deep-link payloads) and /bantuan."""

from __future__ import annotations

from telegram import Update

from handlers.common import Context, brain_of, send_reply, who_of


async def start(update: Update, context: Context) -> None:
    """Greet, or route a deep-link payload (?start=langganan, ?start=unit_12)."""
    payload = context.args[0] if context.args else ""
    who = await who_of(update, context, check_chat_admin=payload == "langganan")
    brain = brain_of(context)
    brain.chat_returned(who.chat_id)
    await send_reply(update, context, brain.start(payload, who))


async def bantuan(update: Update, context: Context) -> None:
    """Show the commands, generated from the COMMANDS table."""
    who = await who_of(update, context)
    await send_reply(update, context, brain_of(context).help(who))
