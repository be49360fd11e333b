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

from .. import lang

_t = lang.t   # every message in the edition's language: English, 简体 or 繁體

_REGISTRY: dict[str, "Exercise"] = {}

#: Seconds one case may run before the check gives up on it (a case of the reference takes
#: milliseconds; a student's loop over a few hundred elements takes well under one second).
TIME_LIMIT = 5.0
#: Environment variable that switches the checker to graded mode (no hints).
GRADED_ENV = "LOSSFNS_GRADED"


@dataclass
class Case:
    """One input to try: positional args, keyword args, and a short description for feedback
    (`label`, and `label_zh` for the Chinese editions)."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    label_zh: str = ""


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
    #: the title and hint in Simplified Chinese (the zh editions; converted for zh-tw)
    title_zh: str = ""
    hint_zh: str = ""

    def shown_title(self) -> str:
        """The title in the edition's language (`lossfns.course.lang`)."""
        return lang.t(self.title, self.title_zh or self.title)

    def shown_hint(self) -> str:
        return lang.t(self.hint, self.hint_zh or self.hint)


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
             rtol: float = 1e-6, atol: float = 1e-8, forbidden: tuple = (), title_zh: str = "",
             hint_zh: str = ""):
    """Decorator: register the decorated reference solution as exercise `name`."""
    def wrap(reference):
        if name in _REGISTRY:
            raise RuntimeError(f"exercise {name!r} is registered twice")
        _REGISTRY[name] = Exercise(name, chapter, title, reference, cases, hint, rtol, atol,
                                   tuple(forbidden), title_zh, hint_zh)
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
    if not len(index):
        return ""
    at = tuple(int(i) for i in index)
    return _t(f" at position {at}", f"（位置 {at}）")


def _compare(expected, got, rtol, atol):
    """None if equal enough, else a short reason."""
    if isinstance(expected, tuple):
        n = len(expected)
        if got is None:
            return _t(f"returned None; expected a tuple of {n} results "
                      "(did you forget `return`?)",
                      f"返回了 None；应返回由 {n} 个结果组成的元组（是不是忘了 `return`？）")
        if not isinstance(got, (tuple, list)) or len(got) != n:
            kind = type(got).__name__
            return _t(f"expected a tuple of {n} results; got {kind}",
                      f"应返回由 {n} 个结果组成的元组；实际得到 {kind}")
        for k, (e, g) in enumerate(zip(expected, got)):
            why = _compare(e, g, rtol, atol)
            if why:
                return _t(f"result {k}: {why}", f"第 {k} 个结果：{why}")
        return None
    if got is None:
        return _t("returned None (did you forget `return`?)",
                  "返回了 None（是不是忘了 `return`？）")
    try:
        g = np.asarray(got)
    except (TypeError, ValueError):
        kind = type(got).__name__
        return _t(f"expected numbers; got {kind}", f"应返回数值；实际得到 {kind}")
    if g.dtype.kind == "c":
        return _t("returned complex numbers; the answer is real (a square root or a logarithm "
                  "of a negative number?)",
                  "返回了复数；答案应为实数（是不是对负数开了平方根或取了对数？）")
    if g.dtype.kind not in "biuf":
        kind = f"{type(got).__name__} of {g.dtype}"
        return _t(f"expected numbers; got {kind}", f"应返回数值；实际得到 {kind}")
    g = g.astype(np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        return _t(f"expected shape {e.shape}; got shape {g.shape}",
                  f"形状应为 {e.shape}；实际为 {g.shape}")
    nan = np.isnan(g) & ~np.isnan(e)
    if nan.any():
        at = np.argwhere(nan)[0]
        want = f"{e[tuple(at)]:.6g}"
        return _t(f"got NaN{_position(at)} where {want} was expected "
                  "(0/0, 0·inf or the log of a negative number?)",
                  f"得到 NaN{_position(at)}，应为 {want}（0/0、0·inf，还是对负数取了对数？）")
    inf = np.isinf(g) & ~np.isinf(e)
    if inf.any():
        at = np.argwhere(inf)[0]
        got_v, want = g[tuple(at)], f"{e[tuple(at)]:.6g}"
        return _t(f"got {got_v}{_position(at)} where {want} was expected "
                  "(an overflow, or a division by zero?)",
                  f"得到 {got_v}{_position(at)}，应为 {want}（溢出，还是除以了零？）")
    if not np.all(np.isfinite(g) == np.isfinite(e)):
        at = np.argwhere(np.isfinite(g) != np.isfinite(e))[0]
        want, got_v = e[tuple(at)], f"{g[tuple(at)]:.6g}"
        return _t(f"expected {want}{_position(at)}; got the finite {got_v}",
                  f"应为 {want}{_position(at)}；实际得到有限值 {got_v}")
    if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
        return _t("values differ", "数值不一致")
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
    where = f"lossfns.course.exercises.get({ex.name!r}).reference"
    watch.add(ex.reference, _t(f"the exercise's own reference solution ({where})",
                               f"本练习自带的参考答案（{where}）"))
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
    hint = _t("\nHint: ", "\n提示：") + ex.shown_hint() if show_hint else ""
    title = ex.shown_title()
    colon = _t(": ", "：")
    shortcut = _t("your function calls {}, the library's own version of what this exercise asks "
                  "you to write. Write it yourself with NumPy instead.",
                  "你的函数调用了 {}，也就是本练习要你自己实现的库函数。请改用 NumPy 自己写。")

    def fail(msg):
        return _report(CheckResult(ex.name, False, f"✗ {title}{colon}{msg}"), verbose)

    if not callable(student_fn):
        got = "None" if student_fn is None else _describe(student_fn)
        return fail(_t(f"expected a function; got {got} (run the cell that defines it first).",
                       f"应传入一个函数；实际得到 {got}（请先运行定义它的单元格）。"))
    guard = _Guard(_watchlist(ex), time_limit)
    for k, (case, want) in enumerate(zip(cases, expected), 1):
        args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
        text = _t(case.label, case.label_zh or case.label)
        label = _t(f" ({text})", f"（{text}）") if text else ""
        where = _t(f"case {k}/{len(cases)}{label}", f"用例 {k}/{len(cases)}{label}")
        inputs = ", ".join([_describe(a) for a in case.args]
                           + [f"{k_}={v!r}" for k_, v in case.kwargs.items()])
        input_line = _t("\n  input: ", "\n  输入：") + inputs
        start = time.perf_counter()
        try:
            got = guard(student_fn, args, dict(case.kwargs))
        except NotImplementedError:
            return fail(_t("not done yet — replace `raise NotImplementedError` with your code, "
                           "then run this cell again.",
                           "还没有完成：把 `raise NotImplementedError` 换成你的代码，然后重新运行"
                           "这个单元格。"))
        except _Shortcut:
            return fail(shortcut.format(guard.called))
        except _TimeUp:
            return fail(_t(f"{where} took longer than {time_limit:g} s, the limit for one case "
                           f"(an endless loop?).",
                           f"{where}运行超过了 {time_limit:g} 秒，即单个用例的时限（死循环？）。")
                        + input_line)
        except Exception as err:  # a student's bug: report it as feedback, not a traceback
            raised = f"{type(err).__name__}: {err}"
            return fail(_t(f"{where} raised {raised}", f"{where}抛出了 {raised}")
                        + input_line + hint)
        if guard.called:  # the shortcut was caught but its exception swallowed somewhere
            return fail(shortcut.format(guard.called))
        if time.perf_counter() - start > time_limit:  # a thread that could not be interrupted
            return fail(_t(f"{where} took longer than {time_limit:g} s, the limit for one case.",
                           f"{where}运行超过了 {time_limit:g} 秒，即单个用例的时限。"))
        why = _compare(want, got, ex.rtol, ex.atol)
        if why:
            return fail(_t(f"{where}: {why}\n  input:    {inputs}\n"
                           f"  expected: {_describe(want)}\n  got:      {_describe(got)}",
                           f"{where}：{why}\n  输入：  {inputs}\n"
                           f"  应为：  {_describe(want)}\n  实际：  {_describe(got)}") + hint)
    return _report(CheckResult(ex.name, True,
                               _t(f"✓ {title}: all {len(cases)} cases pass.",
                                  f"✓ {title}：全部 {len(cases)} 个用例通过。")), verbose)


def _report(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.message)
    return result
