"""/langganan, /berhenti, and the bot being blocked or removed."""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus

from handlers.common import Context, brain_of, send_reply, who_of


async def langganan(update: Update, context: Context) -> None:
    """Subscribe (optionally to a filter) or show the current subscription."""
    who = await who_of(update, context, check_chat_admin=True)
    brain = brain_of(context)
    brain.chat_returned(who.chat_id)
    await send_reply(update, context, brain.subscribe(" ".join(context.args or []), who))


async def berhenti(update: Update, context: Context) -> None:
    """Unsubscribe from everything or from one filter."""
    who = await who_of(update, context, check_chat_admin=True)
    reply = brain_of(context).unsubscribe(" ".join(context.args or []), who)
    await send_reply(update, context, reply)


def _removed(change: ChatMemberUpdated) -> bool:
    status = change.new_chat_member.status
    return status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)


async def member_changed(update: Update, context: Context) -> None:
    """Deactivate a chat that blocked or removed the bot; no message can reach it anyway."""
    change = update.my_chat_member
    if change is None:
        return
    brain = brain_of(context)
    if _removed(change):
        brain.chat_blocked(change.chat.id)
    elif change.new_chat_member.status == ChatMemberStatus.MEMBER:
        brain.chat_returned(change.chat.id)


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: keep its subscription under the new id."""
    message = update.effective_message
    if message and message.migrate_to_chat_id:
        brain_of(context).store.migrate_chat(message.chat_id, message.migrate_to_chat_id)
