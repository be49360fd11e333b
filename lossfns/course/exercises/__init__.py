"""Coding exercises with automatic, specific feedback.

A student writes a function in the notebook and calls ``check("huber_values", huber_values)``:
the checker runs it on varied inputs (edge cases included) against the reference implementation
and says which input failed, what was expected, what came back, and a hint — or one success line.

What a check refuses, with a message rather than a traceback:

- an untouched stub (``raise NotImplementedError``): "not done yet", without the hint (a hint
  often is the one-line answer, and nobody has tried anything yet);
- a result that is ``None``, complex, NaN where a number was expected, or the wrong shape;
- a case that runs longer than `TIME_LIMIT` seconds (an endless loop, usually);
- a *shortcut*: a function that calls the library's own version of what the exercise asks for
  (``lossfns.huber(..., reduction="none")`` for the Huber exercise), or the exercise's
  reference. Each exercise lists these in ``forbidden=``; calls are watched while the student's
  function runs, so an alias (``from lossfns import huber as h``) is caught as well.

Hints are shown in self-study and hidden in graded mode: set the environment variable
``LOSSFNS_GRADED=1`` (or pass ``hints=False``). Graded tests with cases that do not ship in the
package (nbgrader's hidden tests) call `check_cases` with their own inputs and expected results.

Exercises are registered per chapter in ``lossfns/course/exercises/chNN.py`` with `exercise(...)`.
"""
from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

_REGISTRY: dict[str, "Exercise"] = {}

#: Seconds one case may run before the check gives up on it (a case of the reference takes
#: milliseconds; a student's loop over a few hundred elements takes well under one second).
TIME_LIMIT = 5.0
#: Environment variable that switches the checker to graded mode (no hints).
GRADED_ENV = "LOSSFNS_GRADED"


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
    #: what the exercise asks the student to write themselves: names under ``lossfns``
    #: ("huber", "optim.Adam", "gradcheck.numeric_grad") that a submission must not call
    forbidden: tuple = ()


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
             rtol: float = 1e-6, atol: float = 1e-8, forbidden: tuple = ()):
    """Decorator: register the decorated reference solution as exercise `name`."""
    def wrap(reference):
        if name in _REGISTRY:
            raise RuntimeError(f"exercise {name!r} is registered twice")
        _REGISTRY[name] = Exercise(name, chapter, title, reference, cases, hint, rtol, atol,
                                   tuple(forbidden))
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


def graded_mode() -> bool:
    """True when the environment variable ``LOSSFNS_GRADED`` is set to 1 (or true/yes)."""
    return os.environ.get(GRADED_ENV, "").strip().lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------------------------
# Feedback on one result
# --------------------------------------------------------------------------------------------
def _describe(x) -> str:
    """A short, readable rendering of an input or a result for feedback messages."""
    if callable(x) and not isinstance(x, np.ndarray):
        return getattr(x, "__name__", type(x).__name__)
    try:
        arr = np.asarray(x)
        if arr.dtype.kind not in "biufc":
            raise TypeError
        text = np.array2string(arr, precision=4, threshold=8)
    except (TypeError, ValueError):
        text = repr(x)
    return text if len(text) < 160 else text[:157] + "..."


def _position(index) -> str:
    return f" at position {tuple(int(i) for i in index)}" if len(index) else ""


def _compare(expected, got, rtol, atol):
    """None if equal enough, else a short reason."""
    if isinstance(expected, tuple):
        if got is None:
            return (f"returned None; expected a tuple of {len(expected)} results "
                    "(did you forget `return`?)")
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a tuple of {len(expected)} results; got {type(got).__name__}"
        for k, (e, g) in enumerate(zip(expected, got)):
            why = _compare(e, g, rtol, atol)
            if why:
                return f"result {k}: {why}"
        return None
    if got is None:
        return "returned None (did you forget `return`?)"
    try:
        g = np.asarray(got)
    except (TypeError, ValueError):
        return f"expected numbers; got {type(got).__name__}"
    if g.dtype.kind == "c":
        return ("returned complex numbers; the answer is real (a square root or a logarithm "
                "of a negative number?)")
    if g.dtype.kind not in "biuf":
        return f"expected numbers; got {type(got).__name__} of {g.dtype}"
    g = g.astype(np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        return f"expected shape {e.shape}; got shape {g.shape}"
    nan = np.isnan(g) & ~np.isnan(e)
    if nan.any():
        at = np.argwhere(nan)[0]
        return (f"got NaN{_position(at)} where {e[tuple(at)]:.6g} was expected "
                "(0/0, 0·inf or the log of a negative number?)")
    inf = np.isinf(g) & ~np.isinf(e)
    if inf.any():
        at = np.argwhere(inf)[0]
        return (f"got {g[tuple(at)]}{_position(at)} where {e[tuple(at)]:.6g} was expected "
                "(an overflow, or a division by zero?)")
    if not np.all(np.isfinite(g) == np.isfinite(e)):
        at = np.argwhere(np.isfinite(g) != np.isfinite(e))[0]
        return f"expected {e[tuple(at)]}{_position(at)}; got the finite {g[tuple(at)]:.6g}"
    if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
        return "values differ"
    return None


# --------------------------------------------------------------------------------------------
# Shortcuts: watching for calls of the library's own solution
# --------------------------------------------------------------------------------------------
class _Shortcut(BaseException):
    """Raised inside the student's function when it calls a forbidden object.

    A BaseException, so that a ``try: ... except Exception:`` in the submission cannot swallow it.
    """


class _TimeUp(BaseException):
    """Raised inside the student's function when a case runs past its time limit."""


def _resolve(dotted: str):
    """``"optim.Adam"`` → the object ``lossfns.optim.Adam``."""
    obj = importlib.import_module("lossfns")
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(f"{obj.__name__}.{part}")
    return obj


def _function_codes(obj) -> list:
    """The code objects whose execution means function (or class) `obj` was called."""
    if inspect.isclass(obj):
        methods = (getattr(f, "__func__", f) for f in vars(obj).values())  # static/classmethods
        return [f.__code__ for f in map(inspect.unwrap, filter(callable, methods))
                if inspect.isfunction(f)]
    fn = inspect.unwrap(obj)
    return [fn.__code__] if hasattr(fn, "__code__") else []


class _Watch:
    """What counts as calling a forbidden object.

    A function or a class: running its code. A callable *instance* (a `lossfns.core.Loss`, whose
    ``huber(...)``, ``huber.grad(...)`` and ``huber.value_and_grad(...)`` share their class's
    methods with every other loss): running one of its class's methods with ``self`` being it,
    or one of the functions it holds (its kernel).
    """

    def __init__(self):
        self.codes: dict = {}        # id(code) → name
        self.methods: set = set()    # id(code) of methods of the forbidden instances' classes
        self.instances: dict = {}    # id(instance) → name
        self._keep = []              # keeps the watched objects (and so their ids) alive

    def add(self, obj, label: str) -> None:
        self._keep.append(obj)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            codes = _function_codes(obj)
        elif callable(obj):   # an instance: its class's methods on it, and what it holds
            self.instances[id(obj)] = label
            self.methods.update(id(c) for c in _function_codes(type(obj)))
            held = [v for v in vars(obj).values() if inspect.isfunction(v)]
            codes = [c for v in held for c in _function_codes(v)]
        else:
            codes = []
        for code in codes:
            self.codes[id(code)] = label

    def match(self, frame):
        """The name of the forbidden object `frame` runs, or None."""
        code = id(frame.f_code)
        if code in self.codes:
            return self.codes[code]
        if code in self.methods:
            this = frame.f_locals.get("self")
            return self.instances.get(id(this))
        return None


def _watchlist(ex: Exercise) -> _Watch:
    """The exercise's forbidden objects, and its reference."""
    watch = _Watch()
    for dotted in ex.forbidden:
        watch.add(_resolve(dotted), f"lossfns.{dotted}")
    watch.add(ex.reference, f"the exercise's own reference solution "
                            f"(lossfns.course.exercises.get({ex.name!r}).reference)")
    return watch


class _Guard:
    """Runs one call of the student's function with the shortcut watch and the time limit."""

    def __init__(self, watch: _Watch, time_limit: float):
        self.watch, self.time_limit = watch, time_limit
        self.called = None          # the name of the forbidden object called, if any

    def _profile(self, frame, event, arg):
        if event == "call":
            found = self.watch.match(frame)
            if found:
                self.called = found
                raise _Shortcut(found)

    def _call_here(self, fn, args, kwargs):
        """In the main thread: SIGALRM interrupts the call when the time is up (POSIX)."""
        def on_alarm(signum, frame):
            raise _TimeUp()

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        old_profile = sys.getprofile()
        signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        try:
            sys.setprofile(self._profile)
            try:
                return fn(*args, **kwargs)
            finally:
                sys.setprofile(old_profile)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)

    def _call_in_thread(self, fn, args, kwargs):
        """Elsewhere (Windows, a worker thread): run it in a thread and stop waiting for it."""
        box = {}

        def target():
            sys.setprofile(self._profile)
            try:
                box["value"] = fn(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - handed back to the caller below
                box["error"] = err
            finally:
                sys.setprofile(None)

        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(self.time_limit)
        if worker.is_alive():
            raise _TimeUp()
        if "error" in box:
            raise box["error"]
        return box["value"]

    def __call__(self, fn, args, kwargs):
        in_main = threading.current_thread() is threading.main_thread()
        if in_main and hasattr(signal, "setitimer"):
            return self._call_here(fn, args, kwargs)
        return self._call_in_thread(fn, args, kwargs)


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------
def check(name: str, student_fn: Callable, *, verbose: bool = False, hints: bool | None = None,
          time_limit: float = TIME_LIMIT) -> CheckResult:
    """Run `student_fn` against exercise `name`'s reference on every case; report specifically.

    Returns a `CheckResult`: it displays its message in a notebook (make the call the last line
    of the cell) and is truthy when every case passed, so ``assert check(...)`` works in tests.
    ``verbose=True`` also prints the message. ``hints`` defaults to on, off in graded mode
    (`graded_mode`). `time_limit` is in seconds per case.
    """
    ex = get(name)
    cases = ex.cases()
    expected = [ex.reference(*c.args, **c.kwargs) for c in cases]
    return _run(ex, student_fn, cases, expected, hints, time_limit, verbose)


def check_cases(name: str, student_fn: Callable, cases: list, expected: list, *,
                verbose: bool = False, hints: bool = False,
                time_limit: float = TIME_LIMIT) -> CheckResult:
    """Like `check`, on the given cases and expected results (hidden tests of a graded course).

    Each case is a `Case` or a tuple ``(args, kwargs, label)``; ``expected[k]`` is what case k
    must return. Hints are off unless asked for.
    """
    ex = get(name)
    if len(cases) != len(expected):
        raise ValueError(f"expected must hold one result per case ({len(cases)}); "
                         f"got {len(expected)}")
    cases = [c if isinstance(c, Case) else Case(*c) for c in cases]
    return _run(ex, student_fn, cases, expected, hints, time_limit, verbose)


def _run(ex: Exercise, student_fn, cases, expected, hints, time_limit, verbose) -> CheckResult:
    if time_limit <= 0:
        raise ValueError(f"time_limit must be a positive number of seconds; got {time_limit!r}")
    show_hint = (not graded_mode()) if hints is None else bool(hints)
    hint = f"\nHint: {ex.hint}" if show_hint else ""

    def fail(msg):
        return _report(CheckResult(ex.name, False, f"✗ {ex.title}: {msg}"), verbose)

    if not callable(student_fn):
        got = "None" if student_fn is None else _describe(student_fn)
        return fail(f"expected a function; got {got} (run the cell that defines it first).")
    guard = _Guard(_watchlist(ex), time_limit)
    for k, (case, want) in enumerate(zip(cases, expected), 1):
        args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
        label = f" ({case.label})" if case.label else ""
        where = f"case {k}/{len(cases)}{label}"
        inputs = ", ".join([_describe(a) for a in case.args]
                           + [f"{k_}={v!r}" for k_, v in case.kwargs.items()])
        start = time.perf_counter()
        try:
            got = guard(student_fn, args, dict(case.kwargs))
        except NotImplementedError:
            return fail("not done yet — replace `raise NotImplementedError` with your code, "
                        "then run this cell again.")
        except _Shortcut:
            return fail(f"your function calls {guard.called}, the library's own version of what "
                        "this exercise asks you to write. Write it yourself with NumPy instead.")
        except _TimeUp:
            return fail(f"{where} took longer than {time_limit:g} s, the limit for one case "
                        f"(an endless loop?).\n  input: {inputs}")
        except Exception as err:  # a student's bug: report it as feedback, not a traceback
            return fail(f"{where} raised {type(err).__name__}: {err}\n  input: {inputs}{hint}")
        if guard.called:  # the shortcut was caught but its exception swallowed somewhere
            return fail(f"your function calls {guard.called}, the library's own version of what "
                        "this exercise asks you to write. Write it yourself with NumPy instead.")
        if time.perf_counter() - start > time_limit:  # a thread that could not be interrupted
            return fail(f"{where} took longer than {time_limit:g} s, the limit for one case.")
        why = _compare(want, got, ex.rtol, ex.atol)
        if why:
            return fail(f"{where}: {why}\n  input:    {inputs}\n"
                        f"  expected: {_describe(want)}\n  got:      {_describe(got)}{hint}")
    return _report(CheckResult(ex.name, True, f"✓ {ex.title}: all {len(cases)} cases pass."),
                   verbose)


def _report(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.message)
    return result
