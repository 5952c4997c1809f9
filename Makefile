# Two commands for a fresh clone: `make build` and `make test`.
# Each creates .venv with the pinned requirements on first use, then runs the invoke task of the same name.
PYTHON ?= python3
VENV := .venv
INVOKE := $(VENV)/bin/invoke

.PHONY: build test lint serve livereload preview clean

build test lint serve livereload preview clean: $(VENV)/installed
	$(INVOKE) $@

# Reinstall whenever requirements.txt changes.
$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --requirement requirements.txt
	touch $@
