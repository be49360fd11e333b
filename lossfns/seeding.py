"""One call to make a lesson reproducible."""
from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python's `random`, NumPy's global generator and torch (when installed).

    Returns a fresh ``np.random.default_rng(seed)`` for code that takes a generator explicitly
    (preferred). torch is put in deterministic mode on one CPU thread pool, so a lesson gives the
    same numbers on every run of the same machine.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    try:
        import torch
    except ImportError:  # torch is optional for the numpy-only lessons
        pass
    else:
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=False)
    return np.random.default_rng(seed)
