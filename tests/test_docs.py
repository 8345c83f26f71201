"""The README, /bantuan, the command menu and the CLI cannot drift apart."""

import re

from bot import texts
from bot.cli import build_parser
from bot.reply import KINDS, Who
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[tuple[str, str]]:
    block = README.split("<!-- commands:start -->")[1].split("<!-- commands:end -->")[0]
    return re.findall(r"^\| `([^`]+)` \| (.+?) \|$", block, re.MULTILINE)


def test_readme_command_table_is_the_commands_table():
    assert _readme_commands() == [(c.usage, c.description) for c in texts.COMMANDS]


def test_bantuan_lists_the_same_commands(shared_brain):
    body = shared_brain.help(Who(is_admin=True)).body
    for command in texts.COMMANDS:
        assert f"{command.usage} - {command.description}" in body


def test_command_menu_is_the_commands_table():
    assert texts.command_menu(admin=True) == [(c.name, c.description) for c in texts.COMMANDS]
    for name, description in texts.command_menu(admin=True):
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(description) <= 256


def test_every_setting_is_documented():
    source = (ROOT / "bot" / "config.py").read_text() + (ROOT / "bot" / "cli.py").read_text()
    variables = set(re.findall(r'"((?:TELEGRAM|ZIBOT)_[A-Z_]+)"', source))
    assert variables
    example = (ROOT / ".env.example").read_text()
    for name in variables:
        assert f"| `{name}` |" in README, name
        assert f"{name}=" in example, name


def test_every_cli_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, subparser in sub.choices.items():
        nested = [a for a in subparser._actions if getattr(a, "choices", None)
                  and a.dest.endswith("_command")]
        names = [f"{name} {n}" for a in nested for n in a.choices] or [name]
        for full in names:
            assert f"`zibot {full}" in README, full


def test_quick_start_is_the_two_make_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start")[1].split("```")[1]
    assert quick.strip().splitlines() == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_says_nothing_that_the_json_contract_does_not_have():
    for kind in KINDS:
        assert f"`{kind}`" in README
