# Makefile for the kratom reference site and handouts, in the shape of sphinx-quickstart's.
#
#   make            create .venv if needed, build the site and every handout PDF
#   make test       run the test suite
#   make html | handouts | linkcheck | gettext | clean | livehtml | bench
#
# Every build runs with -n -W --keep-going: a warning fails it.

PYTHON        ?= python3
VENV          ?= .venv
SPHINXOPTS    ?=
SPHINXBUILD   ?= $(VENV)/bin/sphinx-build
SOURCEDIR     = .
BUILDDIR      = _build
STRICT        = -n -W --keep-going
CLINIC        ?=

# Same sources, same bytes: the PDFs carry the date of the last commit.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
endif

VENV_STAMP = $(VENV)/.installed

.PHONY: all help test handouts livehtml bench clean Makefile

all: html

# The virtual environment, (re)made whenever pyproject.toml is newer than it.
$(VENV_STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,dev]'
	@touch $@

help: $(VENV_STAMP)
	@$(SPHINXBUILD) -M help "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O)
	@echo "Project targets: all (default), test, handouts [CLINIC=file.toml], livehtml, bench"

test: $(VENV_STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The PDFs only (no site pages). With CLINIC=path/to/clinic.toml they carry the clinic's
# name and phone and go to a folder of their own under $(BUILDDIR)/handouts/.
handouts: $(VENV_STAMP)
	@$(SPHINXBUILD) -M handouts "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O) \
		$(if $(CLINIC),-D handout_clinic="$(abspath $(CLINIC))")

livehtml: $(VENV_STAMP)
	$(VENV)/bin/sphinx-autobuild "$(SOURCEDIR)" "$(BUILDDIR)/html" $(STRICT) $(SPHINXOPTS) $(O) \
		--watch src --watch data --ignore "$(BUILDDIR)/*" --ignore "$(VENV)/*"

bench: $(VENV_STAMP)
	$(VENV)/bin/python tools/bench.py

clean:
	rm -rf "$(BUILDDIR)"

# Files the catch-all must not try to build.
pyproject.toml Makefile: ;

# Catch-all target: route all unknown targets to Sphinx using the new "make mode" option.
%: Makefile $(VENV_STAMP)
	@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O)
