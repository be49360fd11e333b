# Two commands for a newcomer: `make book` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The execution cache only notices changes in a notebook's own code cells, so it is keyed on a
# hash of the library, the quiz data and the pinned requirements as well.
HASH = $(shell find lossfns -type f \( -name '*.py' -o -name '*.yml' \) -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs cat requirements.txt | sha256sum | cut -c1-16)
JOBS ?= 2

export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS/torch thread per process: lessons run two at a time on two cores, and tiny models
# gain nothing from threads (they only add contention and run-to-run noise).
export OMP_NUM_THREADS ?= 1
export MPLBACKEND := Agg
# Lessons run by the book's build: the pages load the quiz and slider scripts once, from
# _static/, so outputs leave them out (elsewhere, e.g. JupyterLab, each output carries its own).
book book-zh book-zh-cn book-zh-tw pdf: export LOSSFNS_BOOK_BUILD := 1

.PHONY: help install book test lint unit nbval browser pdf lab serve clean distclean times student bench lms \
	nbgrader student-check \
	book-zh book-zh-cn book-zh-tw preview-zh po po-check notebooks-zh

help:
	@echo "make book   - set up .venv if needed, run every lesson, build the HTML book"
	@echo "make lint   - ruff on the package, tests, tools and extensions (part of make test)"
	@echo "make test   - unit/property tests, every notebook under nbval, strict book build, PDF,"
	@echo "              then browser tests and a link check of the built book"
	@echo "make browser - browser tests (headless Chromium: navigation, layout at phone/tablet/"
	@echo "              desktop widths, axe accessibility, page weight), PDF and link checks"
	@echo "make pdf    - the PDF edition, _build/pdf/book.pdf (Chromium, poppler-utils; ~4 min)"
	@echo "make lab    - JupyterLab on the lessons (MyST rendered)"
	@echo "make serve  - serve _build/html on http://localhost:8000"
	@echo "make student - student edition (_build/student, .zip) and answer key (_build/instructor)"
	@echo "make student-check - install the student edition in a fresh venv, run every lesson (~9 min)"
	@echo "make nbgrader - an nbgrader course with hidden tests (_build/nbgrader; see instructor guide)"
	@echo "make lms    - quizzes for Moodle (XML) and Canvas (QTI 1.2 .zip) in _build/lms"
	@echo "make bench  - time lossfns against torch (CPU, one thread): benchmarks/results.md (~1 min)"
	@echo "make book-zh - the Chinese editions: _build/html/zh-cn (简体) and _build/html/zh-tw (繁體)"
	@echo "make po     - extract the English messages and update locales/zh_CN (DOC=chapters/02_x: one)"
	@echo "make po-check - translation statistics and checks (DOC=... for one document)"
	@echo "make preview-zh - quick 简体 build without running lessons: _build/preview/zh-cn"
	@echo "make notebooks-zh - translated lessons in _build/notebooks/zh-cn and zh-tw"
	@echo "make clean  - remove _build (keeps .venv); make distclean also removes .venv"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $(STAMP)

# Drop the execution cache (and the pickled pages, else Sphinx sees no change to re-execute)
# when lossfns/ or the requirements changed since the last build.
_build/.cache-key: FORCE
	@mkdir -p _build
	@if [ "$$(cat $@ 2>/dev/null)" != "$(HASH)" ]; then \
	  rm -rf _build/.jupyter_cache _build/.jupyter_cache-zh-* _build/.doctrees _build/.doctrees-zh-*; \
	  echo "$(HASH)" > $@; \
	  echo "lossfns or requirements changed: lessons will be re-executed"; fi
FORCE:

# No MPLBACKEND for the lessons' kernels: with Agg they would draw no figure into the pages.
book: $(STAMP) _build/.cache-key
	env -u MPLBACKEND $(BIN)/jupyter-book build . -W -n --keep-going
	@$(PY) -m lossfns.course.buildinfo times _build
	@echo "Book: file://$(CURDIR)/_build/html/index.html"

# The browser and link tests need a fresh build: `browser` runs them, after `book` in `test`.
unit: $(STAMP)
	$(PY) -m pytest -q -n $(JOBS) tests --ignore=tests/browser --ignore=tests/test_links.py

# ruff (pinned in requirements.txt; rules and line length 100 in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check lossfns tests benchmarks tools _ext

nbval: $(STAMP)
	$(PY) -m pytest -q --nbval-lax --nbval-current-env -n $(JOBS) --dist loadfile chapters appendix

test: $(STAMP)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) nbval
	$(MAKE) book
	$(MAKE) pdf
	$(MAKE) book-zh
	$(MAKE) browser

# Pages of _build/html in headless Chromium (skipped, with the reason, where /usr/bin/chromium is
# missing, unless REQUIRE_BROWSER_TESTS=1) and an offline check of every local link; screenshots
# go to _build/screenshots/.
browser: $(STAMP) tests/browser/node_modules/.package-lock.json
	$(PY) -m pytest -q tests/browser tests/test_links.py

# axe-core for the accessibility tests, pinned in tests/browser/package-lock.json (npm ci).
tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	@if command -v npm >/dev/null; then cd tests/browser && npm ci --no-audit --no-fund; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

# The PDF edition: the book as one HTML page (lessons from the execution cache), printed by
# headless Chromium with a table of contents (tools/pdf_book.py) to _build/pdf/book.pdf, and
# copied to _build/html/book.pdf, which the front page links to.
pdf: $(STAMP) _build/.cache-key
	env -u MPLBACKEND $(BIN)/jupyter-book build . --builder singlehtml -W -n --keep-going
	$(PY) tools/pdf_book.py

# Chinese editions (tools/i18n.py; how-to for translators in locales/README.md). Each edition runs
# the lessons with LOSSFNS_LANG set, with its own execution cache (_build/.jupyter_cache-zh-*,
# dropped with the English one by _build/.cache-key), strict like `book`.
I18N := $(PY) tools/i18n.py
# book-zh builds both editions at once, one process per core (logs in _build/logs/zh-*.log).
book-zh: $(STAMP) _build/.cache-key
	$(I18N) uptodate
	$(I18N) notebooks
	$(I18N) build zh-cn zh-tw
	$(PY) -m pytest -q tests/test_i18n.py -k built

book-zh-cn book-zh-tw: book-zh-%: $(STAMP) _build/.cache-key
	$(I18N) notebooks zh-$*
	$(I18N) build zh-$*

preview-zh: $(STAMP)
	$(I18N) build zh-cn --quick

po: $(STAMP)
	$(I18N) po $(DOC)

po-check: $(STAMP)
	$(I18N) stats $(DOC)
	$(I18N) check $(DOC)

notebooks-zh: $(STAMP)
	$(I18N) notebooks

times: $(STAMP)
	@$(PY) -m lossfns.course.buildinfo times _build

# Not part of `make test`: timings, not checks. Writes the table of appendix/performance.md.
bench: $(STAMP)
	$(PY) benchmarks/bench_losses.py

# Instructor kit: student edition (no solutions, no hidden checks, no outputs; the lossfns wheel
# and a README; _build/student.zip) + answer key (HTML, and PDF with Chromium).
student: $(STAMP)
	$(PY) -m lossfns.course.instructor student chapters _build/student .
	$(PY) -m lossfns.course.instructor answer-key chapters _build/instructor

# The student edition as a student gets it: unzipped alone, a fresh venv, the README's install
# command, every lesson run to the end with untouched stubs; prints the times.
student-check: student
	rm -rf _build/student-check
	$(PY) -m lossfns.course.instructor student-check _build/student.zip chapters _build/student-check

# An nbgrader course (source/<lesson>/<lesson>.ipynb, nbgrader_config.py); then, in _build/nbgrader:
# nbgrader generate_assignment <lesson>, and nbgrader autograde <lesson> on the submissions.
nbgrader: $(STAMP)
	$(PY) -m lossfns.course.nbgrader chapters _build/nbgrader

# The quiz bank for an LMS: Moodle XML and Canvas QTI 1.2, one quiz per chapter and language.
lms: $(STAMP)
	$(PY) -m lossfns.course.lms _build/lms

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

serve:
	@test -f _build/html/index.html || { echo "run 'make book' first"; exit 1; }
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build .pytest_cache .hypothesis

distclean: clean
	rm -rf $(VENV) *.egg-info
