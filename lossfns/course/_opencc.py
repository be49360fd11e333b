"""Simplified → Traditional conversion (OpenCC s2twp), loaded on first use."""
from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the Traditional Chinese edition needs OpenCC: "
                          "pip install 'lossfns[course]'") from exc
    return opencc.OpenCC("s2twp")


def convert(text: str) -> str:
    return _converter().convert(text)
