"""Paths, pages and availability checks shared by the browser tests (and their conftest)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
#: screenshots are test artifacts, kept next to the build (``_build/screenshots``).
SHOTS = Path(os.environ.get("BOOK_SCREENSHOTS", HTML.parent / "screenshots"))
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"

#: Flags for a headless Chromium in a container with no network (see shared/TOOLCHAIN.md).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-default-apps", "--disable-extensions",
]
VIEWPORT = {"width": 1280, "height": 900}
#: longest wait for MathJax, search and page loads (ms); pages normally settle in ~1 s.
TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if chromium_path() is None:
        return ("Chromium not found (/usr/bin/chromium or `chromium` on PATH): "
                "apt-get install chromium chromium-driver")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed: pip install -r requirements.txt"
    if not (HTML / "index.html").is_file():
        return f"no built book at {HTML}: run `make book` first"
    return None


def require_or_skip() -> None:
    """Called at the top of each browser test module, at collection time."""
    reason = unavailable()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


# ------------------------------------------------------------------------------------------
# Pages of the book (from _toc.yml)
# ------------------------------------------------------------------------------------------
def toc_pages() -> list[str]:
    """Every document in _toc.yml, in order, as a path relative to the HTML root ('x/y.html')."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [str(Path(f).with_suffix("")) + ".html" for f in files]
