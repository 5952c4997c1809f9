# Two commands for a fresh clone: `make build` and `make test`.
# Each creates .venv with the pinned requirements and the project itself on first use, then runs the
# invoke task of the same name.
PYTHON ?= python3
VENV := .venv
INVOKE := $(VENV)/bin/invoke

.PHONY: build test lint serve livereload preview clean

build test lint serve livereload preview clean: $(VENV)/installed
	$(INVOKE) $@

# Reinstall whenever the requirements or the project's packages change. The project is installed
# editable (its files stay where they are), with the pinned setuptools already in .venv.
$(VENV)/installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --requirement requirements.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@
