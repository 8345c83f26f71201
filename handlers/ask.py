"""Questions: free text in private chats, /tanya, mentions and replies in groups, buttons."""

from __future__ import annotations

import re

from telegram import MessageEntity, Update

from handlers.common import Context, brain_of, send_reply, who_of


async def tanya(update: Update, context: Context) -> None:
    """Answer /tanya <pertanyaan> (the way to ask in a group)."""
    who = await who_of(update, context)
    text = " ".join(context.args or [])
    await send_reply(update, context, brain_of(context).command("tanya", text, who))


async def private_text(update: Update, context: Context) -> None:
    """Answer a free-text question in a private chat."""
    who = await who_of(update, context)
    await send_reply(update, context, brain_of(context).ask(update.effective_message.text, who))


def _addressed_text(update: Update, context: Context) -> str | None:
    """The question if a group message is meant for the bot (mention or reply), else None."""
    message = update.effective_message
    bot = context.bot
    reply_to = message.reply_to_message
    if reply_to and reply_to.from_user and reply_to.from_user.id == bot.id:
        return message.text
    username = (bot.username or "").lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if username and value.lower() == f"@{username}":
            start, end = entity.offset, entity.offset + entity.length
            return (message.text[:start] + message.text[end:]).strip()
    if username and re.search(rf"@{re.escape(username)}\b", message.text, re.IGNORECASE):
        return re.sub(rf"@{re.escape(username)}\b", "", message.text, flags=re.IGNORECASE)
    return None


async def group_text(update: Update, context: Context) -> None:
    """In groups, answer only messages that mention the bot or reply to it."""
    text = _addressed_text(update, context)
    if text is None:
        return
    who = await who_of(update, context)
    await send_reply(update, context, brain_of(context).ask(text, who))


async def button(update: Update, context: Context) -> None:
    """A suggestion, related-topic or confirmation button."""
    query = update.callback_query
    # Answer first: an unanswered callback keeps the button spinning in the user's app.
    await query.answer()
    who = await who_of(update, context)
    reply = brain_of(context).choose(query.data or "", who)
    await send_reply(update, context, reply)
