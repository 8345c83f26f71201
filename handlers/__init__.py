"""Telegram handlers: thin adapters from updates to the brain. ``register`` wires them."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import admin, ask, awards, errors, start, subscribe


def register(app: Application) -> None:
    """Add every handler. Order matters inside a group: the first match wins."""
    # Documents captioned /impor come before the command handlers: a caption is not a
    # command to CommandHandler, and an /impor without a file falls through to the command.
    app.add_handler(
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/impor(@\w+)?\b"),
                       admin.impor)
    )
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler(["bantuan", "help"], start.bantuan))
    app.add_handler(CommandHandler("tanya", ask.tanya))
    app.add_handler(CommandHandler("cek", awards.cek))
    app.add_handler(CommandHandler("langganan", subscribe.langganan))
    app.add_handler(CommandHandler("berhenti", subscribe.berhenti))
    app.add_handler(CommandHandler("impor", admin.impor))
    app.add_handler(CommandHandler("umumkan", admin.umumkan))
    app.add_handler(CommandHandler("status", admin.status))
    app.add_handler(CallbackQueryHandler(ask.button))
    # Free text after the commands; in groups only mentions and replies are answered
    # (privacy mode delivers little else anyway).
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, ask.private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, ask.group_text))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subscribe.migrated))
    app.add_handler(ChatMemberHandler(subscribe.member_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(errors.on_error)
