"""The error handler: log the exception, tell the user politely, never leak a traceback."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from handlers.common import Context

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the exception and answer the user in Indonesian."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, texts.ERROR_REPLY)
    except Exception:  # the apology itself failed (network, blocked): nothing more to do
        log.warning("could not send the error reply", exc_info=True)
