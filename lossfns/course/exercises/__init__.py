"""Coding exercises with automatic, specific feedback.

A student writes a function in the notebook and calls ``check("huber", my_huber)``: the checker
runs it on varied inputs (edge cases included) against the reference implementation and says
which input failed, what was expected, what came back, and a hint — or one success line.

Exercises are registered per chapter in ``lossfns/exercises/chNN.py`` with `exercise(...)`.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

_REGISTRY: dict[str, "Exercise"] = {}


@dataclass
class Case:
    """One input to try: positional args, keyword args, and a short description for feedback."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""


@dataclass
class Exercise:
    name: str
    chapter: str
    title: str
    reference: Callable
    cases: Callable[[], list]          # returns a list of Case (built fresh: students may mutate)
    hint: str
    rtol: float = 1e-6
    atol: float = 1e-8


@dataclass
class CheckResult:
    name: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return self.message.replace("\n", "  \n")


def exercise(*, name: str, chapter: str, title: str, cases: Callable[[], list], hint: str,
             rtol: float = 1e-6, atol: float = 1e-8):
    """Decorator: register the decorated reference solution as exercise `name`."""
    def wrap(reference):
        if name in _REGISTRY:
            raise RuntimeError(f"exercise {name!r} is registered twice")
        _REGISTRY[name] = Exercise(name, chapter, title, reference, cases, hint, rtol, atol)
        return reference
    return wrap


def _load_all() -> None:
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{mod.name}")


def available(chapter: str | None = None) -> list[str]:
    """Names of the registered exercises (of one chapter, e.g. "02_regression_losses")."""
    _load_all()
    return [n for n, e in _REGISTRY.items() if chapter is None or e.chapter == chapter]


def get(name: str) -> Exercise:
    _load_all()
    if name not in _REGISTRY:
        raise ValueError(f"name must be one of {sorted(_REGISTRY)}; got {name!r}")
    return _REGISTRY[name]


def _describe(x) -> str:
    """A short, readable rendering of an input or a result for feedback messages."""
    try:
        text = np.array2string(np.asarray(x, dtype=np.float64), precision=4, threshold=8)
    except (TypeError, ValueError):
        text = repr(x)
    return text if len(text) < 160 else text[:157] + "..."


def _compare(expected, got, rtol, atol):
    """None if equal enough, else a short reason."""
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} results; got {type(got).__name__}"
        for k, (e, g) in enumerate(zip(expected, got)):
            why = _compare(e, g, rtol, atol)
            if why:
                return f"result {k}: {why}"
        return None
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected numbers; got {type(got).__name__}"
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        return f"expected shape {e.shape}; got shape {g.shape}"
    if not np.all(np.isfinite(g) == np.isfinite(e)):
        return "got NaN or inf where a finite number was expected (or the other way round)"
    if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
        return "values differ"
    return None


def check(name: str, student_fn: Callable, *, verbose: bool = False) -> CheckResult:
    """Run `student_fn` against exercise `name`'s reference on every case; report specifically.

    Returns a `CheckResult`: it displays its message in a notebook (make the call the last line
    of the cell) and is truthy when every case passed, so ``assert check(...)`` works in tests.
    ``verbose=True`` also prints the message.
    """
    ex = get(name)
    cases = ex.cases()
    for k, case in enumerate(cases, 1):
        args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
        expected = ex.reference(*case.args, **case.kwargs)
        label = f" ({case.label})" if case.label else ""
        inputs = ", ".join([_describe(a) for a in case.args]
                           + [f"{k_}={v!r}" for k_, v in case.kwargs.items()])
        try:
            got = student_fn(*args, **case.kwargs)
        except NotImplementedError:
            msg = f"✗ {ex.title}: not implemented yet — replace `raise NotImplementedError`.\nHint: {ex.hint}"
            return _report(CheckResult(name, False, msg), verbose)
        except Exception as err:  # a student's bug: report it as feedback, not a traceback
            msg = (f"✗ {ex.title}: case {k}/{len(cases)}{label} raised "
                   f"{type(err).__name__}: {err}\n  input: {inputs}\nHint: {ex.hint}")
            return _report(CheckResult(name, False, msg), verbose)
        why = _compare(expected, got, ex.rtol, ex.atol)
        if why:
            msg = (f"✗ {ex.title}: case {k}/{len(cases)}{label}: {why}\n  input:    {inputs}\n"
                   f"  expected: {_describe(expected)}\n  got:      {_describe(got)}\nHint: {ex.hint}")
            return _report(CheckResult(name, False, msg), verbose)
    return _report(CheckResult(name, True, f"✓ {ex.title}: all {len(cases)} cases pass."), verbose)


def _report(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.message)
    return result
