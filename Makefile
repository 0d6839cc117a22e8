# Makefile for the kratom reference site and handouts, in the shape of sphinx-quickstart's.
#
#   make            create .venv if needed, build the site and every handout PDF
#   make test       install the test tools too, then run the test suite
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
PYTEST_ARGS   ?=

# A clinic file for co-branded handouts. It reaches the shell as an environment variable,
# never as recipe text, so a path with spaces, quotes or backticks is only ever a path; and it
# is taken as written ($(value)), so make never expands a "$(...)" in it either.
CLINIC        ?=
override CLINIC := $(value CLINIC)
export CLINIC

# Translations, each built beside the English site: _build/html/es/, _build/handouts/es/.
LANGUAGES     ?= es

VENV_STAMP = $(VENV)/.installed
TEST_STAMP = $(VENV)/.installed-test
DEV_STAMP  = $(VENV)/.installed-dev

.PHONY: all help html test handouts translations linkcheck livehtml bench clean preflight Makefile

all: html

# The virtual environment: what building needs (again whenever pyproject.toml or the
# constraints change). `make test` adds the test tools.
$(VENV_STAMP): pyproject.toml constraints.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(TEST_STAMP): $(VENV_STAMP)
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

# Writers' tools (live preview, translation catalogs, pre-commit), for `make livehtml` and
# `make translations`.
$(DEV_STAMP): $(VENV_STAMP)
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# A plain message instead of a crash when the output folder cannot be written or is full.
preflight:
	@mkdir -p "$(BUILDDIR)" 2>/dev/null && touch "$(BUILDDIR)/.write-test" 2>/dev/null && \
	  rm -f "$(BUILDDIR)/.write-test" || \
	  { echo "error: cannot write to $(BUILDDIR)/ (read-only, or not yours); fix it or set BUILDDIR=..." >&2; exit 2; }
	@df -Pk "$(BUILDDIR)" | awk 'NR == 2 && $$4 < 51200 { exit 1 }' || \
	  { echo "error: less than 50 MB free on the disk that holds $(BUILDDIR)/; free some space" >&2; exit 2; }

help: $(VENV_STAMP)
	@$(SPHINXBUILD) -M help "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O)
	@echo "Project targets: all (default), test, handouts [CLINIC=file.toml], livehtml, bench"

test: $(TEST_STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)
	@tests/makefile-checks.sh

# The site in English, then each translation in its own folder of it (one upload serves all).
html: $(VENV_STAMP) preflight
	@$(SPHINXBUILD) -M html "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O)
	@for lang in $(LANGUAGES); do \
	  KRATOM_DOCS_LANGUAGE=$$lang $(SPHINXBUILD) -b html "$(SOURCEDIR)" "$(BUILDDIR)/html/$$lang" \
	    -d "$(BUILDDIR)/doctrees-$$lang" $(STRICT) $(SPHINXOPTS) $(O) || exit $$?; \
	done

# The PDFs only (no site pages), in every language. With CLINIC=path/to/clinic.toml they carry
# the clinic's name and phone and go to a folder of their own under $(BUILDDIR)/handouts/.
handouts: $(VENV_STAMP) preflight
	@$(SPHINXBUILD) -M handouts "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O) \
		$${CLINIC:+-D "handout_clinic=$$CLINIC"}
	@for lang in $(LANGUAGES); do \
	  KRATOM_DOCS_LANGUAGE=$$lang $(SPHINXBUILD) -b handouts "$(SOURCEDIR)" \
	    "$(BUILDDIR)/handouts/$$lang" -d "$(BUILDDIR)/doctrees-$$lang" $(STRICT) $(SPHINXOPTS) $(O) \
	    $${CLINIC:+-D "handout_clinic=$$CLINIC"} || exit $$?; \
	done

# After `make gettext`: bring every translation's catalogs up to date with the English text
# (new messages are added empty, changed ones are marked fuzzy; neither is printed).
translations: $(DEV_STAMP) gettext
	@for lang in $(LANGUAGES); do \
	  $(VENV)/bin/sphinx-intl update -p "$(BUILDDIR)/gettext" -l $$lang -d locales -w 0 || exit $$?; \
	done

# Rebuilds on every change; shares the doctrees (and the PDF cache) of `make html`.
livehtml: $(DEV_STAMP) preflight
	$(VENV)/bin/sphinx-autobuild "$(SOURCEDIR)" "$(BUILDDIR)/html" $(STRICT) $(SPHINXOPTS) $(O) \
		-d "$(BUILDDIR)/doctrees" --watch src --watch data \
		--ignore "$(BUILDDIR)/*" --ignore "$(VENV)/*"

bench: $(TEST_STAMP)
	$(VENV)/bin/python tools/bench.py

# Checks every external link on the live internet. Without a network it says so at once.
linkcheck: $(VENV_STAMP) preflight
	@$(VENV)/bin/python -c "import socket; socket.create_connection(('doi.org', 443), 3).close()" \
	  2>/dev/null || { echo "make linkcheck: no network here (doi.org cannot be resolved); nothing was checked" >&2; exit 2; }
	@$(SPHINXBUILD) -M linkcheck "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O)

clean:
	rm -rf "$(BUILDDIR)"

# Files the catch-all must not try to build.
pyproject.toml constraints.txt Makefile: ;

# Catch-all target: route all unknown targets to Sphinx using the new "make mode" option.
%: Makefile $(VENV_STAMP) preflight
	@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS) $(O)
