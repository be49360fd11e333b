"""Chinese editions of the book: message catalogs, the Traditional conversion, builds, notebooks.

One source, three editions. The English notebooks are the source; their markdown is extracted
by Sphinx's gettext builder into one catalog per document, and translated by hand into
``locales/zh_CN/LC_MESSAGES/<doc>.po`` (Simplified). Traditional Chinese is *generated* from
those catalogs (OpenCC ``s2twp`` plus the reviewed overrides in
``lossfns/course/zh_tw_overrides.yml``, the same conversion ``lang.t`` applies to quizzes and
figures) into ``_build/i18n/locales/zh_TW``; it is never edited by hand.

Commands (the Makefile wraps them; see /work/notes/I18N.md or CONTRIBUTING.md):

    python tools/i18n.py pot                     extract _build/gettext/<doc>.pot (no execution)
    python tools/i18n.py po [DOC ...]            pot + update locales/zh_CN/.../<doc>.po
    python tools/i18n.py stats [DOC ...]         translated / fuzzy / untranslated per document
    python tools/i18n.py check [DOC ...]         msgfmt --check, markup and term-sheet checks
    python tools/i18n.py uptodate                complete documents cover the current English
    python tools/i18n.py tw                      generate the zh_TW catalogs
    python tools/i18n.py build zh-cn|zh-tw [--quick]   HTML edition in _build/html/<edition>
    python tools/i18n.py notebooks zh-cn|zh-tw   translated lessons in _build/notebooks/<edition>

DOC is a document name as in ``_toc.yml`` (``chapters/02_regression_losses``, ``intro``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
ZH_CN = LOCALES / "zh_CN" / "LC_MESSAGES"
BUILD = ROOT / "_build"
GETTEXT = BUILD / "gettext"
I18N = BUILD / "i18n"
ZH_TW = I18N / "locales" / "zh_TW" / "LC_MESSAGES"
TERMS = LOCALES / "terms.yml"
STATUS = LOCALES / "status.yml"

#: edition (URL folder, LOSSFNS_LANG value) -> Sphinx language
EDITIONS = {"zh-cn": "zh_CN", "zh-tw": "zh_TW"}
#: catalogs of the theme and extensions' UI strings we fill in (not documents of the book)
UI_DOMAINS = ("theme",)

# Inline markup that a translation must carry over unchanged (see check_markup).
_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_MATH = re.compile(r"(?<![\\$])\$\$?(?!\s)(.+?)(?<![\\\s])\$\$?")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
# A translation that starts like this ("9. 图像分割") would be parsed by Sphinx as a list or a
# heading, not as the title or paragraph it replaces, and dropped: escape_block_start() escapes it.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+*#>])(?=\s|$)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z]{2,}")


# --------------------------------------------------------------------------------- catalogs

def _rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _babel():
    from babel.messages import pofile
    return pofile


def read_po(path: Path):
    with open(path, "rb") as f:
        return _babel().read_po(f, charset="utf-8")


def write_po(path: Path, catalog) -> None:
    # Babel flags every message with a "%" in its English as "python-format" ("6 % of"), each
    # time it reads one; these messages are Markdown, never %-formatted, and msgfmt would
    # reject a correct translation ("6 % 的"). Drop the guess on every write.
    for m in catalog:
        if not re.search(r"%\(\w+\)[sd]", str(m.id)):   # the theme's "%(copyright)s" is real
            m.flags.difference_update({"python-format", "python-brace-format"})
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        _babel().write_po(f, catalog, width=0, omit_header=False)


def doc_of(po: Path, base: Path | None = None) -> str:
    return po.relative_to(base or ZH_CN).with_suffix("").as_posix()


def po_files(base: Path | None = None, docs=None, ui: bool = False) -> list[Path]:
    """The document catalogs under `base` (UI catalogs only with ui=True)."""
    base = base or ZH_CN
    out = []
    for p in sorted(base.rglob("*.po")):
        d = doc_of(p, base)
        if (d in UI_DOMAINS) != ui:
            continue
        if docs and d not in docs:
            continue
        out.append(p)
    return out


def toc_docs() -> list[str]:
    """Every document of the book, in _toc.yml order."""
    import yaml
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(items):
        for it in items or []:
            if "file" in it:
                docs.append(str(Path(it["file"]).with_suffix("")))
            walk(it.get("sections"))
            walk(it.get("chapters"))
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return docs


def neutral(msgid: str) -> bool:
    """True when a message has nothing to translate: numbers, symbols, code or math only."""
    # a role's explicit text ({doc}`Chapter 2 <02_x>`) is prose; its bare target is not
    rest = _ROLE.sub(lambda m: m.group(2).rsplit("<", 1)[0] if "<" in m.group(2) else " ", msgid)
    rest = _CODE.sub(" ", rest)
    rest = _MATH.sub(" ", rest)
    return not _WORD.search(rest) and not _CJK.search(rest)


def entries(catalog):
    return [m for m in catalog if m.id]


def counts(catalog) -> dict:
    es = entries(catalog)
    return {"total": len(es),
            "translated": sum(1 for m in es if m.string and not m.fuzzy),
            "fuzzy": sum(1 for m in es if m.fuzzy),
            "untranslated": sum(1 for m in es if not m.string)}


# --------------------------------------------------------------------------------- builds

def sphinx(outdir: Path, builder: str = "html", overrides: dict | None = None,
           doctrees: Path | None = None, strict: bool = False) -> int:
    """One Sphinx build with the book's own configuration (`_config.yml`), as
    `jupyter-book build` makes it, plus `overrides` (the `-D` values)."""
    from jupyter_book.sphinx import build_sphinx
    conf = {"latex_individualpages": False,
            "external_toc_path": (ROOT / "_toc.yml").as_posix()}
    if strict:
        conf["nitpicky"] = True
    conf.update(overrides or {})
    result = build_sphinx(
        ROOT.as_posix(), outdir.as_posix(), noconfig=True,
        path_config=(ROOT / "_config.yml").as_posix(), confoverrides=conf,
        doctreedir=(doctrees or outdir.parent / f".doctrees-{outdir.name}").as_posix(),
        builder=builder, warningiserror=strict, keep_going=True)
    if isinstance(result, Exception):
        return 2
    return int(result or 0)


_LOCKED = []


class gettext_lock:
    """One extraction (and the catalog updates that read its .pot files) at a time: several
    translators running `make po` in one tree wait for each other instead of writing the same
    doctrees and templates at once."""

    def __enter__(self):
        import fcntl
        BUILD.mkdir(parents=True, exist_ok=True)
        self.t0 = time.time()
        self.file = open(BUILD / ".gettext.lock", "w")
        if not _LOCKED:
            fcntl.flock(self.file, fcntl.LOCK_EX)
        _LOCKED.append(self)
        self.waited = time.time() - self.t0
        if self.waited >= 1:
            print(f"(waited {self.waited:.0f} s for another `make po` in this tree)")
        return self

    def __exit__(self, *exc):
        _LOCKED.pop()
        self.file.close()   # releases the lock when it is the outermost one
        return False


def cmd_pot(_args=None) -> int:
    """Extract every document's messages into _build/gettext/<doc>.pot (execution off)."""
    with gettext_lock():
        t0 = time.time()
        rc = sphinx(GETTEXT, "gettext", {"nb_execution_mode": "off", "gettext_compact": False},
                    doctrees=BUILD / ".doctrees-gettext")
    print(f"pot: _build/gettext ({time.time() - t0:.0f} s)")
    return rc


def translation_memory(exclude: Path | None = None) -> dict:
    """msgid -> msgstr of every finished translation in every zh_CN catalog (orphans too)."""
    memory = {}
    for p in po_files():
        if p == exclude:
            continue
        for m in entries(read_po(p)):
            if m.string and not m.fuzzy:
                memory.setdefault(m.id, m.string)
    return memory


def update_po(pot: Path, po: Path, memory: dict) -> tuple[str, int, int]:
    """Update one catalog from its template, like `sphinx-intl update`: changed messages are
    kept as fuzzy (their old translation is a draft to check), new ones are filled from the
    translation memory when the very same English was translated elsewhere, and messages with
    nothing to translate (numbers, code, math) get msgstr = msgid."""
    from sphinx_intl.catalog import update_with_fuzzy
    template = read_po(pot)
    if po.exists():
        catalog = read_po(po)
        before = {m.id: (m.string, m.fuzzy) for m in entries(catalog)}
        update_with_fuzzy(catalog, template)
        status = "updated"
    else:
        catalog, before, status = template, {}, "created"
        catalog.locale = "zh_CN"
        catalog.header_comment = (
            f"# Simplified Chinese translation of {po.stem} "
            "(Loss Functions: an executable course).\n"
            "# Edit msgstr only; regenerate with `make po DOC=...`; see locales/README.md.")
    catalog.project = "Loss Functions: an executable course"
    catalog.language_team = "zh_CN (locales/README.md)"
    catalog.fuzzy = False
    catalog.last_translator = "lossfns course translators"
    filled = 0
    for m in entries(catalog):
        # Babel guesses "python-format" from a "%" in the English ("6 % of"); these messages are
        # Markdown, never %-formatted, and msgfmt would reject a correct translation ("6 % 的").
        m.flags.difference_update({"python-format", "python-brace-format"})
        if neutral(m.id):
            # a number or a code name (a benchmark table's cells): it is its own translation,
            # never a fuzzy match of some other number
            if m.string != m.id or m.fuzzy:
                m.string, filled = m.id, filled + 1
                m.flags.discard("fuzzy")
            continue
        if m.string:
            continue
        if m.id in memory:
            m.string, filled = memory[m.id], filled + 1
    after = {m.id: (m.string, m.fuzzy) for m in entries(catalog)}
    if status == "updated" and after == before:
        return "unchanged", 0, 0
    added = len(set(after) - set(before))
    catalog.revision_date = template.creation_date
    write_po(po, catalog)
    return status, added, filled


def cmd_po(args) -> int:
    """pot + update the zh_CN catalogs (only those of `args.docs` when given)."""
    with gettext_lock():
        return _po(args)


def _po(args) -> int:
    if not args.no_extract:
        rc = cmd_pot()
        if rc:
            return rc
    docs = set(args.docs or [])
    unknown = docs - set(toc_docs())
    if unknown:
        raise SystemExit(f"po: no such document in _toc.yml: {', '.join(sorted(unknown))}")
    pots = sorted(GETTEXT.rglob("*.pot"))
    if not pots:
        raise SystemExit("po: no .pot in _build/gettext; run `make pot` first")
    known = set()
    for pot in pots:
        doc = pot.relative_to(GETTEXT).with_suffix("").as_posix()
        known.add(doc)
        if docs and doc not in docs:
            continue
        po = ZH_CN / f"{doc}.po"
        status, added, filled = update_po(pot, po, translation_memory(exclude=po))
        c = counts(read_po(po))
        print(f"{status:9} {po.relative_to(ROOT)}: {c['translated']}/{c['total']} translated, "
              f"{c['fuzzy']} fuzzy, {c['untranslated']} untranslated"
              + (f" ({added} new, {filled} filled automatically)" if added or filled else ""))
    for po in po_files():
        if doc_of(po) not in known:
            print(f"ORPHAN    {po.relative_to(ROOT)}: no such document any more. Its translations "
                  f"fill identical messages elsewhere on the next `make po`; then `git rm` it.")
    return 0


def cmd_stats(args) -> int:
    total = {"total": 0, "translated": 0, "fuzzy": 0, "untranslated": 0}
    for po in po_files(docs=set(args.docs or [])):
        c = counts(read_po(po))
        for k in total:
            total[k] += c[k]
        print(f"{doc_of(po):45} {c['translated']:4}/{c['total']:<4} translated "
              f"{c['fuzzy']:3} fuzzy {c['untranslated']:4} untranslated")
    print(f"{'all':45} {total['translated']:4}/{total['total']:<4} translated "
          f"{total['fuzzy']:3} fuzzy {total['untranslated']:4} untranslated")
    return 0


def complete_docs() -> list[str]:
    import yaml
    status = yaml.safe_load(STATUS.read_text(encoding="utf-8")) or {}
    return list(status.get("complete") or [])


def cmd_uptodate(args) -> int:
    """Compare each catalog with the English as it is now (a fresh extraction): a message of
    the source without a finished translation shows in English in the Chinese editions. Fails
    for the documents listed as complete in locales/status.yml, naming each message."""
    if not args.no_extract:
        rc = cmd_pot()
        if rc:
            return rc
    complete, bad = set(complete_docs()), 0
    for pot in sorted(GETTEXT.rglob("*.pot")):
        doc = pot.relative_to(GETTEXT).with_suffix("").as_posix()
        po = ZH_CN / f"{doc}.po"
        done = ({m.id for m in entries(read_po(po)) if m.string and not m.fuzzy}
                if po.exists() else set())
        missing = [m.id for m in entries(read_po(pot)) if m.id not in done]
        if not missing:
            continue
        if doc in complete:
            bad += 1
            print(f"{doc} is marked complete, but {len(missing)} message(s) of the current source "
                  f"have no finished translation (run `make po DOC={doc}`):")
            for msgid in missing:
                print(f"    msgid {msgid[:110]!r}")
        else:
            print(f"{doc}: {len(missing)} message(s) still in English")
    print("uptodate: OK" if not bad else f"uptodate: {bad} complete document(s) out of date")
    return 1 if bad else 0


# --------------------------------------------------------------------------------- checks

def _code_spans(text: str) -> list[str]:
    return sorted(m.group(0) for m in _CODE.finditer(_ROLE.sub(" ", text)))


def _role_targets(text: str) -> list[str]:
    """Roles and their targets: {doc}`text <target>` -> 'doc:target'; the text may change."""
    out = []
    for name, body in _ROLE.findall(text):
        m = re.search(r"<([^<>]+)>\s*$", body)
        target = m.group(1) if m else body
        if name in ("math",):
            target = body
        out.append(f"{name}:{target.strip()}")
    return sorted(out)


def _math(text: str) -> list[str]:
    return sorted(m.group(0) for m in _MATH.finditer(_CODE.sub(" ", text)))


def check_markup(msgid: str, msgstr: str) -> list[str]:
    """What the translation changed that must stay identical: code, roles' targets, math, link
    targets. [] when nothing."""
    problems = []
    for what, f in (("inline code", _code_spans), ("role target", _role_targets),
                    ("math", _math), ("link target", lambda s: sorted(_LINK.findall(s)))):
        a, b = f(msgid), f(msgstr)
        if a != b:
            missing = [x for x in a if x not in b]
            extra = [x for x in b if x not in a]
            problems.append(f"{what} differs: missing {missing}, added {extra}")
    if msgid.count("**") != msgstr.count("**"):
        problems.append("unbalanced ** (bold)")
    return problems


def load_terms() -> list[dict]:
    import yaml
    return yaml.safe_load(TERMS.read_text(encoding="utf-8"))["terms"]


def term_problems(msgid: str, msgstr: str, terms: list[dict] | None = None) -> list[str]:
    """Forbidden variants of the term sheet found in a Simplified translation."""
    out = []
    for term in terms if terms is not None else load_terms():
        for bad in term.get("forbid", []):
            text = bad["text"] if isinstance(bad, dict) else bad
            unless = bad.get("unless_msgid") if isinstance(bad, dict) else None
            if text in msgstr and not (unless and re.search(unless, msgid, re.I)):
                out.append(f"{text!r} is not the sheet's word for {term['en']!r}: "
                           f"use {term['zh_hans']!r}")
    return out


def check_catalog(po: Path, terms=None) -> list[str]:
    """Problems of every *translated* entry of one catalog (untranslated ones are counted by
    `stats`, not reported here)."""
    out = []
    for m in entries(read_po(po)):
        if not m.string or m.fuzzy:
            continue
        for p in check_markup(m.id, m.string) + term_problems(m.id, m.string, terms):
            out.append(f"{doc_of(po)}: {p}\n    msgid: {m.id[:100]}")
    return out


def cmd_check(args) -> int:
    msgfmt = shutil.which("msgfmt")
    bad = 0
    terms = load_terms()
    for po in po_files(docs=set(args.docs or [])) + po_files(ui=True):
        if msgfmt:
            r = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, str(po)],
                               capture_output=True, text=True)
            print(f"{doc_of(po)}: {r.stderr.strip()}")
            bad += r.returncode != 0
        for p in check_catalog(po, terms):
            print("  " + p)
            bad += 1
    if not msgfmt:
        print("(msgfmt not found: apt-get install gettext for its --check)")
    print("check: OK" if not bad else f"check: {bad} problem(s)")
    return 1 if bad else 0


# --------------------------------------------------------------------------------- zh_TW

def to_traditional(text: str) -> str:
    from lossfns.course import lang
    return lang.to_traditional(text)


def escape_block_start(msgstr: str) -> str:
    """'9. 图像分割' -> '9\\. 图像分割': a message is one paragraph or title, and a leading list
    or heading marker would make Sphinx parse it as a list (and keep the English)."""
    m = _BLOCK_START.match(msgstr)
    if not m:
        return msgstr
    if m.group(1):
        return f"{m.group(1)}\\{m.group(2)}{msgstr[m.end():]}"
    return "\\" + msgstr


def prepare(language: str) -> Path:
    """The catalogs a build reads: _build/i18n/locales/<language>/LC_MESSAGES, made from
    locales/zh_CN (documents and theme.po) with escape_block_start(), and for zh_TW converted
    to Traditional. Returns the directory to give Sphinx as locale_dirs."""
    t0 = time.time()
    out = I18N / "locales" / language / "LC_MESSAGES"
    if out.exists():
        shutil.rmtree(out)
    n = 0
    for po in po_files() + po_files(ui=True):
        catalog = read_po(po)
        catalog.locale = language
        for m in entries(catalog):
            if m.string:
                m.string = escape_block_start(m.string)
                if language == "zh_TW":
                    m.string = to_traditional(m.string)
                n += 1
        write_po(out / po.relative_to(ZH_CN), catalog)
    print(f"{language}: {n} messages into {_rel(out)} ({time.time() - t0:.1f} s)")
    return out.parent.parent


def cmd_tw(_args=None) -> int:
    """Generate _build/i18n/locales/zh_TW from locales/zh_CN (document and UI catalogs)."""
    prepare("zh_TW")
    return 0


def jieba_dict(edition: str) -> Path:
    """A jieba user dictionary of the term sheet's words, so that search finds 交叉熵 whole."""
    key = "zh_hans" if edition == "zh-cn" else "zh_hant"
    words = set()
    for term in load_terms():
        for w in re.split(r"[（）()/、，,\s]+", term[key]):
            if _CJK.search(w):
                words.add(w)
    path = I18N / f"jieba-{edition}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} 100000 n\n" for w in sorted(words)), encoding="utf-8")
    return path


def cmd_build(args) -> int:
    """Build the editions named; two or more run at once, one process each (one per core),
    with their logs in _build/logs/<edition>.log."""
    if len(args.editions) == 1:
        args.edition = args.editions[0]
        return build_edition(args)
    if "zh-tw" in args.editions:
        cmd_tw()
    logs = BUILD / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    procs = []
    for edition in args.editions:
        log = open(logs / f"{edition}.log", "w", encoding="utf-8")
        cmd = [sys.executable, __file__, "build", edition, "--no-tw"] + (["--quick"] if args.quick
                                                                       else [])
        procs.append((edition, log, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)))
        print(f"build {edition}: started, log in {_rel(logs / f'{edition}.log')}")
    rc = 0
    for edition, log, proc in procs:
        code = proc.wait()
        log.close()
        text = (logs / f"{edition}.log").read_text(encoding="utf-8", errors="replace")
        problems = [ln for ln in text.splitlines()
                    if ("WARNING" in ln or "ERROR" in ln) and "IPKernelApp" not in ln]
        print("\n".join(problems[:40]))
        print(text.strip().splitlines()[-1] if text.strip() else f"build {edition}: no output")
        rc = rc or code
    print(f"build {' '.join(args.editions)}: {'OK' if rc == 0 else 'FAILED'} in "
          f"{time.time() - t0:.0f} s")
    return rc


def build_edition(args) -> int:
    """One Chinese edition in _build/html/<edition>: lessons executed with LOSSFNS_LANG set
    (their own execution cache), strict (-W -n --keep-going) unless --quick (no execution, no
    strictness: a translator's preview). One build of an edition at a time in a tree."""
    import fcntl
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / f".build-{args.edition}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_edition(args)


def _build_edition(args) -> int:
    edition = args.edition
    language = EDITIONS[edition]
    locale_dir = I18N / "locales"
    if not (args.no_tw and language == "zh_TW"):
        prepare(language)
    os.environ["LOSSFNS_LANG"] = edition
    os.environ.pop("MPLBACKEND", None)   # the kernels must draw their figures inline
    overrides = {
        "language": language,
        "locale_dirs": [locale_dir.as_posix()],
        "gettext_compact": False,
        "html_search_language": "zh",
        "html_search_options": {"dict": jieba_dict(edition).as_posix()},
        "nb_execution_cache_path": (BUILD / f".jupyter_cache-{edition}").as_posix(),
    }
    if args.quick:
        overrides["nb_execution_mode"] = "off"
        out = BUILD / "preview" / edition
    else:
        out = BUILD / "html" / edition
    t0 = time.time()
    doctrees = BUILD / (f".doctrees-{edition}" + ("-preview" if args.quick else ""))
    rc = sphinx(out, "html", overrides, doctrees=doctrees, strict=not args.quick)
    notebooks = BUILD / "notebooks" / edition
    if notebooks.is_dir():
        # The page's .ipynb download button serves _sources/<doc>.ipynb: the Chinese copy.
        for nb in notebooks.rglob("*.ipynb"):
            dest = out / "_sources" / nb.relative_to(notebooks)
            if dest.exists():
                shutil.copyfile(nb, dest)
    print(f"build {edition}: {'OK' if rc == 0 else 'FAILED'} in {time.time() - t0:.0f} s "
          f"-> {out.relative_to(ROOT)}/index.html")
    return rc


# --------------------------------------------------------------------------------- notebooks

def catalog_dict(edition: str, doc: str) -> dict:
    po = ZH_CN / f"{doc}.po"
    if not po.exists():
        return {}
    convert = to_traditional if edition == "zh-tw" else (lambda text: text)
    return {m.id: convert(escape_block_start(m.string))
            for m in entries(read_po(po)) if m.string and not m.fuzzy}


def _md_parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser
    cfg = MdParserConfig(enable_extensions={"amsmath", "colon_fence", "dollarmath", "deflist",
                                            "substitution"})
    return create_md_parser(cfg, RendererHTML)


_DIRECTIVE = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")


def translate_markdown(source: str, table: dict, parser=None) -> tuple[str, int, int, int]:
    """Translate one markdown cell, message by message as Sphinx segments it (headings,
    paragraphs, list items, table cells, directive titles and bodies). Returns the text, the
    number of messages found, the number with a translation and the number translated (the
    last two differ only where a translation could not be placed back into the markdown)."""
    parser = parser or _md_parser()
    lines = source.split("\n")
    edits = []   # (first line, end line, English as markdown-it saw it, translation)
    found = 0

    def visit(tokens, offset):
        nonlocal found
        for tok in tokens:
            if tok.type == "inline" and tok.content.strip() and tok.map:
                found += 1
                msgid = tok.content.replace("\n", " ").strip()
                if msgid in table:
                    edits.append((offset + tok.map[0], offset + tok.map[1], tok.content,
                                  table[msgid]))
            elif tok.type in ("fence", "colon_fence") and tok.map:
                m = _DIRECTIVE.match(tok.info.strip())
                if not m:
                    continue
                name, argument = m.groups()
                if name in ("code-cell", "code-block", "code", "math", "raw", "bibliography"):
                    continue
                if argument and name in ("admonition", "exercise", "solution", "figure",
                                         "dropdown", "topic", "sidebar"):
                    found += 1
                    if argument in table:
                        edits.append((offset + tok.map[0], offset + tok.map[0] + 1, argument,
                                      table[argument]))
                body = tok.content.split("\n")
                skip = 0
                while skip < len(body) and re.match(r"^:[\w-]+:", body[skip]):
                    skip += 1
                visit(parser.parse("\n".join(body[skip:])), offset + tok.map[0] + 1 + skip)

    visit(parser.parse(source), 0)
    done = 0
    # bottom-up, so that a replacement never moves the lines of one still to come
    for start, end, content, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        # markdown-it strips each line's indentation / list marker / quote: match them back
        pattern = r"\n[ \t>]*".join(re.escape(x) for x in content.split("\n"))
        block = "\n".join(lines[start:end])
        block, n = re.subn(pattern, lambda _m: new.replace("\n", " "), block, count=1)
        if n:
            lines[start:end] = block.split("\n")
            done += 1
    return "\n".join(lines), found, len(edits), done


def lesson_docs() -> list[str]:
    return [d for d in toc_docs() if (ROOT / f"{d}.ipynb").exists()]


def first_cell(edition: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": "lossfns-lang",
            "metadata": {"tags": ["remove-cell"]}, "outputs": [],
            "source": ["# 本书中文版：测验、表格和图中的文字都用中文\n" if edition == "zh-cn" else
                       "# 本書中文版：測驗、表格和圖中的文字都用中文\n",
                       "import os\n",
                       f'os.environ["LOSSFNS_LANG"] = "{edition}"']}


def translate_alt(cell: dict, edition: str) -> bool:
    """A figure's alt text (``mystnb.image.alt``) in the edition's language, from the cell's
    ``lossfns.alt_zh`` (Simplified; converted for zh-tw). Returns whether it was replaced."""
    meta = cell.get("metadata", {})
    image = meta.get("mystnb", {}).get("image", {})
    zh = meta.get("lossfns", {}).get("alt_zh")
    if not (image.get("alt") and zh):
        return False
    image["alt"] = zh if edition == "zh-cn" else to_traditional(zh)
    return True


def translate_notebook(path: Path, edition: str, doc: str) -> tuple[dict, int, int, int]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    table = catalog_dict(edition, doc)
    parser = _md_parser()
    found = wanted = done = 0
    for cell in nb["cells"]:
        translate_alt(cell, edition)
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new, f, w, d = translate_markdown(src, table, parser)
        found, wanted, done = found + f, wanted + w, done + d
        cell["source"] = new.splitlines(keepends=True)
    nb["cells"].insert(0, first_cell(edition))
    nb.setdefault("metadata", {})["language_info"] = nb["metadata"].get("language_info",
                                                                        {"name": "python"})
    nb["metadata"]["lossfns_lang"] = edition
    return nb, found, wanted, done


def cmd_notebooks(args) -> int:
    editions = [args.edition] if args.edition else list(EDITIONS)
    for edition in editions:
        out = BUILD / "notebooks" / edition
        total_f = total_w = total_d = 0
        for doc in lesson_docs():
            nb, f, w, d = translate_notebook(ROOT / f"{doc}.ipynb", edition, doc)
            dest = out / f"{doc}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
            total_f, total_w, total_d = total_f + f, total_w + w, total_d + d
            if args.verbose or d < w:
                print(f"  {doc}: {d}/{f} messages translated"
                      + (f"; {w - d} translation(s) could not be placed" if d < w else ""))
        frac = total_d / total_f if total_f else 1.0
        print(f"notebooks {edition}: {len(lesson_docs())} notebooks in {_rel(out)}; "
              f"{total_d}/{total_f} markdown messages translated ({frac:.0%}); "
              f"{total_d}/{total_w} of the catalogs' translations placed")
    return 0


# --------------------------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="tools/i18n.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("pot").set_defaults(f=cmd_pot)
    p = sub.add_parser("po")
    p.add_argument("docs", nargs="*")
    p.add_argument("--no-extract", action="store_true", help="reuse _build/gettext")
    p.set_defaults(f=cmd_po)
    for name, f in (("stats", cmd_stats), ("check", cmd_check)):
        p = sub.add_parser(name)
        p.add_argument("docs", nargs="*")
        p.set_defaults(f=f)
    sub.add_parser("tw").set_defaults(f=cmd_tw)
    p = sub.add_parser("uptodate")
    p.add_argument("--no-extract", action="store_true", help="reuse _build/gettext")
    p.set_defaults(f=cmd_uptodate)
    p = sub.add_parser("build")
    p.add_argument("editions", nargs="+", choices=list(EDITIONS))
    p.add_argument("--no-tw", action="store_true", help="zh_TW catalogs are already generated")
    p.add_argument("--quick", action="store_true",
                   help="no execution, not strict: a preview in _build/preview/<edition>")
    p.set_defaults(f=cmd_build)
    p = sub.add_parser("notebooks")
    p.add_argument("edition", nargs="?", choices=list(EDITIONS))
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(f=cmd_notebooks)
    args = ap.parse_args(argv)
    return args.f(args)


if __name__ == "__main__":
    sys.exit(main())
