"""Shared glue between Telegram updates and the brain: who is asking, how a reply is sent."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot import render, texts
from bot.brain import Brain
from bot.config import Settings
from bot.reply import Reply, Who
from bot.sender import Sender

Context = ContextTypes.DEFAULT_TYPE


def brain_of(context: Context) -> Brain:
    return context.bot_data["brain"]


def settings_of(context: Context) -> Settings:
    return context.bot_data["settings"]


def sender_of(context: Context) -> Sender:
    return context.bot_data["sender"]


async def who_of(update: Update, context: Context, *, check_chat_admin: bool = False) -> Who:
    """The brain's view of the sender; asks Telegram for group admin rights only when needed."""
    chat = update.effective_chat
    user = update.effective_user
    user_id = user.id if user else None
    chat_type = chat.type if chat else "private"
    is_chat_admin = True
    if check_chat_admin and chat_type in ("group", "supergroup") and user_id is not None:
        member = await context.bot.get_chat_member(chat.id, user_id)
        is_chat_admin = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    return Who(
        chat_id=chat.id if chat else 0,
        user_id=user_id,
        chat_type=chat_type,
        is_admin=user_id in settings_of(context).admin_ids,
        is_chat_admin=is_chat_admin,
    )


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(c.title[:64], callback_data=c.key)] for c in reply.suggestions]
    if reply.suggestions:
        rows.append([InlineKeyboardButton(texts.NONE_OF_THESE, callback_data="x")])
    rows += [[InlineKeyboardButton(c.title[:64], callback_data=c.key)] for c in reply.buttons]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_reply(update: Update, context: Context, reply: Reply) -> Message | None:
    """Send a reply as HTML, split at paragraph boundaries, buttons on the last piece."""
    chat = update.effective_chat
    if chat is None:
        return None
    pieces = render.split_message(render.telegram_html(reply))
    markup = keyboard(reply)
    thread = update.effective_message.message_thread_id if update.effective_message else None
    sent = None
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        sent = await context.bot.send_message(
            chat.id, piece, reply_markup=markup if last else None, message_thread_id=thread
        )
    return sent
