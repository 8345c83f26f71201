"""The console chat: the Telegram conversation on stdin/stdout, same brain and same texts."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TextIO

from bot import render, texts
from bot.brain import Brain
from bot.reply import Choice, Reply, Who


class Console:
    def __init__(self, brain: Brain, out: TextIO = sys.stdout, *, admin: bool = False):
        self.brain = brain
        self.out = out
        self.who = Who(chat_id=0, user_id=0, chat_type="console", is_admin=admin)
        self.choices: tuple[Choice, ...] = ()
        self.numbered = False  # the choices were suggestions, so "bukan semuanya" comes last

    def handle(self, line: str) -> Reply:
        """One line typed by the user → the reply (numbers pick the last offered choice)."""
        text = line.strip()
        # Two digits at most: a year such as "2024" is a question, not a pick from the list.
        if text.isdigit() and len(text) <= 2 and self.choices:
            number = int(text)
            if 1 <= number <= len(self.choices):
                return self.brain.choose(self.choices[number - 1].key, self.who)
            if self.numbered and number == len(self.choices) + 1:
                return self.brain.choose("x", self.who)
            # A number past the list is a slip on the keyboard, not a question: asked as
            # one, "9" would be refused and the list would be gone.
            last = len(self.choices) + self.numbered
            again = Reply("suggest", texts.NUMBER_NOT_OFFERED.format(number=number, last=last))
            if self.numbered:
                return replace(again, suggestions=self.choices)
            return replace(again, buttons=self.choices)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return self.brain.command(name.split("@")[0], args, self.who)
        return self.brain.ask(text, self.who)

    def show(self, reply: Reply) -> None:
        self.numbered = bool(reply.suggestions)
        self.choices = reply.suggestions or tuple(
            b for b in reply.buttons if b.key.startswith(("k:", "u:"))
        )
        text = render.plain(reply, numbered=bool(reply.suggestions))
        if reply.buttons and not reply.suggestions and self.choices:
            lines = [f"{i}. {c.title}" for i, c in enumerate(self.choices, 1)]
            text += "\n\n" + "\n".join(lines)
        self.out.write(text + "\n\n")
        self.out.flush()

    def loop(self, stdin: TextIO = sys.stdin) -> None:
        interactive = stdin.isatty()
        if interactive:
            self.show(self.brain.start("", self.who))
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            line = stdin.readline()
            if not line:
                break
            if not line.strip():
                continue
            self.show(self.handle(line))
