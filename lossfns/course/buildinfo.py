"""Build information for maintainers: ``python -m lossfns._buildinfo times _build``.

Prints how long each lesson took to execute, read from the book's execution cache (the numbers
the execution-status page and the instructor guide quote).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def lesson_summaries(chapters_dir: str = "chapters") -> list[dict]:
    """Title, learning objectives and "time to learn" of every lesson, read from the notebooks.

    The instructor guide is generated from this, so it cannot drift from the lessons.
    """
    out = []
    for path in sorted(Path(chapters_dir).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")),
                     path.stem)
        out.append({"stem": path.stem, "title": title,
                    "objectives": _bullets_after(text, "Learning objectives"),
                    "time_to_learn": _paragraph_after(text, "Time to learn")})
    return out


def _bullets_after(text: str, marker: str) -> list[str]:
    i = text.find(marker)
    if i < 0:
        return []
    bullets, started = [], False
    for line in text[i:].splitlines()[1:]:
        if line.lstrip().startswith(("- ", "* ")):
            bullets.append(line.lstrip()[2:].strip())
            started = True
        elif started and line.startswith("  ") and bullets:
            bullets[-1] += " " + line.strip()  # a bullet continued on the next line
        elif started and not line.strip():
            break
        elif line.strip() and started:
            break
    return bullets


def _paragraph_after(text: str, marker: str) -> str:
    i = text.find(marker)
    if i < 0:
        return ""
    rest = text[i + len(marker):].lstrip(".*:# \n")
    para = rest.split("\n\n")[0]
    return re.sub(r"\s+", " ", para).strip()


def lesson_times(build_dir: str = "_build") -> dict[str, float]:
    """{notebook path: execution seconds} from the jupyter-cache of a built book."""
    cache_dir = Path(build_dir) / ".jupyter_cache"
    if not cache_dir.exists():
        return {}
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    times = {}
    for rec in cache.list_cache_records():
        secs = (rec.data or {}).get("execution_seconds")
        if secs is not None:
            times[Path(rec.uri).name] = float(secs)
    return dict(sorted(times.items()))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "times":
        print("usage: python -m lossfns._buildinfo times BUILD_DIR", file=sys.stderr)
        return 2
    times = lesson_times(argv[1])
    if not times:
        print("no execution records yet (build the book first)")
        return 0
    print("Lesson execution times (s):")
    for name, secs in times.items():
        flag = "  <-- over the 30 s budget" if secs > 30 else ""
        print(f"  {secs:6.1f}  {name}{flag}")
    print(f"  {sum(times.values()):6.1f}  total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
