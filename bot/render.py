"""Turn a Reply into what a face shows: Telegram HTML or plain console text."""

from __future__ import annotations

import html

from bot import texts
from bot.reply import Reply

TELEGRAM_LIMIT = 4096


def _source_line(reply: Reply) -> str:
    return f"{texts.SOURCE_LABEL}: " + "; ".join(reply.sources)


def plain(reply: Reply, *, numbered: bool = False) -> str:
    """The reply as a user reads it. ``numbered`` lists suggestions for the console."""
    parts = []
    if reply.title:
        parts.append(reply.title)
    if reply.body:
        parts.append(reply.body)
    if reply.suggestions and numbered:
        lines = [f"{i}. {c.title}" for i, c in enumerate(reply.suggestions, 1)]
        lines.append(f"{len(reply.suggestions) + 1}. {texts.NONE_OF_THESE}")
        parts.append("\n".join(lines) + "\n" + texts.SUGGEST_CONSOLE_HINT)
    elif reply.suggestions:
        parts.append("\n".join(f"• {c.title}" for c in reply.suggestions))
    parts.extend(reply.notes)
    if reply.sources:
        parts.append(_source_line(reply))
    return "\n\n".join(p for p in parts if p)


def telegram_html(reply: Reply) -> str:
    """HTML for parse_mode=HTML; every dynamic value is escaped here and only here."""
    parts = []
    if reply.title:
        parts.append(f"<b>{html.escape(reply.title)}</b>")
    if reply.body:
        parts.append(html.escape(reply.body))
    parts.extend(f"<i>{html.escape(n)}</i>" for n in reply.notes)
    if reply.sources:
        parts.append(f"<i>{html.escape(_source_line(reply))}</i>")
    return "\n\n".join(parts)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at paragraph boundaries (then lines, then hard) so each piece fits ``limit``.

    Splitting happens on rendered HTML; tags we emit never span a paragraph, so a cut between
    paragraphs or lines never breaks markup.
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for para in text.split("\n\n"):
        for chunk in _fit(para, limit):
            candidate = f"{current}\n\n{chunk}" if current else chunk
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = chunk
    if current:
        pieces.append(current)
    return pieces


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    out: list[str] = []
    current = ""
    for line in paragraph.split("\n"):
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = line
    if current:
        out.append(current)
    return out
