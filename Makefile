# Every target installs what it needs into .venv first; the stamp makes that a no-op
# until pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint clean

# One stamp per set of extras: `make run` installs only what the bot needs.
$(VENV)/.installed-%: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.$(EXTRAS_$*)'
	@touch $@

EXTRAS_run :=
EXTRAS_dev := [dev]
EXTRAS_bench := [dev,bench]

# The console chat when no token is set, so a fresh clone can be tried without Telegram.
run: $(VENV)/.installed-run
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN)/zibot run; else exec $(BIN)/zibot chat; fi

test: $(VENV)/.installed-dev
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/zibot kb check
	PTB_TIMEDELTA=1 $(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	PTB_TIMEDELTA=1 $(BIN)/python -m bench

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check bot handlers tests bench

clean:
	rm -rf $(VENV) .pytest_cache
