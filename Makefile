# Everyday entry points; CI runs .ci/run, which does the same from a fresh venv plus PostgreSQL and Redis.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint fmt typecheck validate schema check serve

install: ## create .venv and install simcoach with the test extras
	python3 -m venv $(VENV) && $(BIN)/pip install -e '.[test]'

test: ## run the tests
	$(BIN)/pytest

lint: ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: ## format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: ## mypy --strict (files from pyproject.toml)
	$(BIN)/mypy

validate: ## check the shipped content and that schemas/ is up to date
	$(BIN)/simcoach validate
	$(BIN)/simcoach schema --check --out schemas

schema: ## regenerate schemas/ from the content models
	$(BIN)/simcoach schema --out schemas

check: lint typecheck validate test ## everything CI checks

serve: ## run the service on the embedded defaults
	$(BIN)/simcoach serve
