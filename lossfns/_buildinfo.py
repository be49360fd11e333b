"""Build information for maintainers: ``python -m lossfns._buildinfo times _build``.

Prints how long each lesson took to execute, read from the book's execution cache (the numbers
the execution-status page and the instructor guide quote).
"""
from __future__ import annotations

import sys
from pathlib import Path


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
