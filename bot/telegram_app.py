"""The Telegram face: builds the python-telegram-bot Application around the brain."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot import texts
from bot.app import build_brain
from bot.brain import Brain
from bot.config import Settings
from bot.sender import Limits, Sender

log = logging.getLogger(__name__)


async def post_init(app: Application) -> None:
    """Set the command menus and start the outbox sender."""
    settings: Settings = app.bot_data["settings"]
    await app.bot.set_my_commands(
        texts.command_menu(), scope=BotCommandScopeAllPrivateChats()
    )
    await app.bot.set_my_commands(texts.command_menu(), scope=BotCommandScopeAllGroupChats())
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(
                texts.command_menu(admin=True), scope=BotCommandScopeChat(admin_id)
            )
        except Exception as exc:  # an admin who never opened the bot has no chat yet
            log.warning("admin menu for %s not set: %s", admin_id, exc)
    sender: Sender = app.bot_data["sender"]
    # Not app.create_task: the application is not running yet during post_init.
    app.bot_data["sender_task"] = asyncio.get_running_loop().create_task(sender.run())


async def post_stop(app: Application) -> None:
    """Stop the sender; rows it did not finish stay pending for the next start."""
    sender: Sender = app.bot_data["sender"]
    sender.stop()
    task = app.bot_data.get("sender_task")
    if task is not None:
        try:
            await asyncio.wait_for(task, timeout=10)
        except TimeoutError:
            task.cancel()


async def post_shutdown(app: Application) -> None:
    brain: Brain = app.bot_data["brain"]
    brain.store.close()


def build_application(
    settings: Settings,
    *,
    brain: Brain | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    limits: Limits | None = None,
) -> Application:
    """Compose the application; tests pass a fake request to keep it off the network."""
    from handlers import register

    builder = (
        ApplicationBuilder()
        .token(settings.token or "")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_file_url:
        builder = builder.base_file_url(settings.api_file_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    brain = brain or build_brain(settings)
    app.bot_data["settings"] = settings
    app.bot_data["brain"] = brain
    app.bot_data["sender"] = Sender(
        app.bot, brain.store, limits or Limits(per_second=settings.rate_per_second)
    )
    register(app)
    return app


def run(settings: Settings, *, webhook_url: str | None = None, listen: str = "0.0.0.0",
        port: int = 8443, secret: str | None = None) -> None:
    app = build_application(settings)
    log.info("zibot starting (%s)", "webhook" if webhook_url else "polling")
    if webhook_url:
        app.run_webhook(
            listen=listen,
            port=port,
            url_path="telegram",
            webhook_url=webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
