"""One call to make a lesson reproducible."""
from __future__ import annotations

import os
import random
import sys

import numpy as np

from .core import check_seed


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python's `random`, NumPy's global generator and torch (when installed).

    Returns a fresh ``np.random.default_rng(seed)`` for code that takes a generator explicitly
    (preferred). torch, when the lesson has imported it (import torch first), is seeded and put in
    deterministic mode, so a lesson gives the same numbers on every run of the same machine; a
    NumPy-only lesson does not pay torch's import time.
    """
    seed = check_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    torch = sys.modules.get("torch")  # only if already imported: torch is optional and slow to load
    if torch is not None:
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=False)
    return np.random.default_rng(seed)
