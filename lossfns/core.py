"""The `Loss` type, the reductions, the argument domains and the input checks every loss shares.

A loss is written once, as a *kernel*: a plain function that reads like its formula. It takes
checked arrays and returns the per-item loss values and a function that computes their gradient
when asked (``return value, lambda: np.clip(r, -delta, delta)``): calling a loss never computes
a gradient. The `Loss` object around the kernel does everything else the same way for every loss:

* checks every argument against the loss's *domain* (an `Interval` per hyper-parameter, a
  `RealArray` per input array), and says which arguments are keyword-only when they are not;
* converts and checks ``reduction``, and applies it to the values, and (in ``.grad`` and
  ``.value_and_grad``) to the gradient, so that ``L.grad`` is always the derivative of exactly what
  ``L(...)`` returns;
* carries what the book displays (formula, task, and from `lossfns.losses.catalog` the names in
  English, 简体 and 繁體, the torch/Keras/scikit-learn equivalents, caveats, references), so that
  tables are generated, never retyped.

Numbers: every loss computes in float64, whatever the input's dtype (float16, float32, integers,
booleans and Python numbers are converted; longdouble is rounded to float64). "mean" and "sum"
return a Python float; "none" a float64 array; gradients are float64 arrays. So float32 in gives
float64 out: convert back (``g.astype(np.float32)``) where a float32 model needs it. Only real
numbers are accepted: complex, string and object arrays that do not hold real numbers, masked
arrays with masked entries, NaN and ±inf raise ValueError naming the argument. torch tensors are
read as arrays (detached: the result is a NumPy number, outside torch's autograd; use
`lossfns.torch` for losses that torch differentiates).
"""
from __future__ import annotations

import inspect
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

REDUCTIONS = ("mean", "sum", "none")

_REGISTRY: dict[str, "Loss"] = {}


# --------------------------------------------------------------------------------------------
# Input checks: each raises ValueError naming the argument, what was expected, what was given.
# --------------------------------------------------------------------------------------------
def _position(index) -> str:
    """Format a numpy index tuple for an error message: 3, or (1, 2)."""
    index = tuple(int(i) for i in index)
    return str(index[0]) if len(index) == 1 else str(index)


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> tuple[object, str]:
    """The first entry of `arr` where `bad` holds, and " at position …" ("" for a 0-d array)."""
    if arr.ndim == 0:
        return arr[()], ""
    where = np.argwhere(bad)[0]
    return arr[tuple(where)], f" at position {_position(where)}"


def _from_torch(x):
    """A torch tensor as a NumPy array (detached, on the CPU); anything else unchanged."""
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return x


def as_real_array(x, name: str) -> np.ndarray:
    """`x` as a NumPy array of real numbers (bool, integer or float dtype), not yet float64.

    Refuses complex numbers, strings, objects that are not real numbers, masked arrays with
    masked entries and integers too large for float64, with a ValueError naming `name`.
    """
    x = _from_torch(x)
    if isinstance(x, np.ma.MaskedArray) and np.ma.is_masked(x):
        raise ValueError(f"{name} is a masked array with masked entries; losses have no notion "
                         f"of a mask: drop them ({name}.compressed()) or fill them first")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}") from None
    if arr.dtype.kind == "O":  # Python objects: real numbers (Fraction, Decimal, big int) only
        if any(isinstance(v, (complex, np.complexfloating)) for v in arr.flat):
            raise ValueError(f"{name} must hold real numbers; got complex numbers")
        try:
            arr = arr.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds an integer too large for float64 (beyond "
                             f"±1.8e308)") from None
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__} "
                             f"holding non-numbers") from None
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must hold real numbers; got complex numbers (dtype "
                         f"{arr.dtype}): take .real or abs() first, whichever you mean")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be an array of numbers; got dtype {arr.dtype}")
    return arr


def as_float_array(x, name: str) -> np.ndarray:
    """`x` as a float64 array of finite real numbers, not empty (see `as_real_array`)."""
    arr = as_real_array(x, name)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    arr = np.asarray(arr, dtype=np.float64)
    # One read, no copy: the sum of squares x·x is finite exactly when no entry is NaN or ±inf
    # (or |x| ≳ 1e154 overflows it, which only sends us to the element-wise check below).
    with np.errstate(over="ignore", invalid="ignore"):
        flat = arr.reshape(-1) if arr.flags.c_contiguous else arr.ravel()
        if np.isfinite(np.dot(flat, flat)):
            return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        value, pos = _first_bad(arr, bad)
        raise ValueError(f"{name} must be finite (no NaN or inf); got {value}{pos}")
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}")


def check_pair(y_true, y_pred, name_true: str = "y_true", name_pred: str = "y_pred"):
    """Two float64 arrays of one shape: the usual input of an element-wise loss."""
    t = as_float_array(y_true, name_true)
    p = as_float_array(y_pred, name_pred)
    check_same_shape(t, p, name_true, name_pred)
    return t, p


def check_in_range(arr: np.ndarray, name: str, low: float, high: float,
                   what: str = "values") -> None:
    """All of `arr` in the closed interval [low, high]."""
    bad = (arr < low) | (arr > high)
    if bad.any():
        value, pos = _first_bad(arr, bad)
        raise ValueError(f"{name} must hold {what} in [{low:g}, {high:g}]; got {value:g}{pos}")


def check_probabilities(arr: np.ndarray, name: str) -> None:
    check_in_range(arr, name, 0.0, 1.0, what="probabilities")


def check_labels_in(arr: np.ndarray, name: str, allowed: tuple, hint: str = "") -> None:
    """Every entry of `arr` is one of `allowed` (e.g. the hinge labels -1 and +1)."""
    bad = ~np.isin(arr, allowed)
    if bad.any():
        value, pos = _first_bad(arr, bad)
        allowed_s = "{" + ", ".join(f"{a:g}" for a in allowed) + "}"
        raise ValueError(f"{name} must hold labels in {allowed_s}; got {value:g}{pos}{hint}")


def check_class_indices(y, n_classes: int, name: str = "y_true") -> np.ndarray:
    """Integer class indices in [0, n_classes), returned as an int64 array."""
    arr = np.asarray(_from_torch(y))
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold integer class indices; got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        finite = np.isfinite(arr)
        integral = finite & (arr == np.round(np.where(finite, arr, 0)))
        if not integral.all():
            value, pos = _first_bad(arr, ~integral)
            raise ValueError(f"{name} must hold integer class indices; got {value}{pos}")
    # compared before the cast to int64, so that 1e300 is reported as 1e300, not as what the
    # cast makes of it (-9223372036854775808)
    bad = (arr < 0) | (arr >= n_classes)
    if bad.any():
        value, pos = _first_bad(arr, bad)
        value = int(value) if float(value).is_integer() and abs(value) < 2**63 else value
        raise ValueError(f"{name} must hold class indices in [0, {n_classes}); got {value}{pos}")
    return arr.astype(np.int64, copy=False)


def check_number(value, name: str) -> float:
    """A finite real number: int, float or a NumPy scalar of either; never a bool or a string."""
    value = _from_torch(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number; got {value!r}")
    try:
        v = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number; got an integer too large for "
                         f"float64 ({str(value)[:12]}…, {len(str(abs(value)))} digits)") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite; got {value}")
    return v


_scalar = check_number  # the name of the first layout, still imported by course modules


def check_positive(value, name: str) -> float:
    """A finite number > 0 (a margin, a delta, a temperature)."""
    v = check_number(value, name)
    if not v > 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return v


def check_nonnegative(value, name: str) -> float:
    v = check_number(value, name)
    if not v >= 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return v


def check_open_interval(value, name: str, low: float, high: float) -> float:
    v = check_number(value, name)
    if not low < v < high:
        raise ValueError(f"{name} must be in ({low:g}, {high:g}); got {value}")
    return v


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (int or NumPy integer, not a bool) in [minimum, maximum] (None: unbounded)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}; got {value!r}")
    return int(value)


def check_count(value, name: str, minimum: int = 1) -> int:
    """A count: an integer (not a bool) >= minimum, with one message for every bad value."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_seed(seed, name: str = "seed") -> int:
    """A seed for NumPy and torch: an integer >= 0."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {seed!r}")
    return int(seed)


def check_bool(value, name: str) -> bool:
    """A flag: True or False (a bool or numpy bool), never a string or a number like one."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# Domains: what each argument of a loss may be (scikit-learn's `Interval`, `StrOptions`, …)
# --------------------------------------------------------------------------------------------
_BOUND = {("left", True): "[", ("left", False): "(", ("right", True): "]", ("right", False): ")"}


@dataclass(frozen=True)
class Interval:
    """A range of numbers, as in scikit-learn: ``Interval(numbers.Real, 0, None,
    closed="neither")`` is (0, ∞). `type` is `numbers.Real` or `numbers.Integral`; `left` and
    `right` a bound or None (unbounded); `closed` one of "left", "right", "both", "neither"."""
    type: type
    left: float | None
    right: float | None
    closed: str = "both"

    def __post_init__(self):
        check_choice(self.closed, "closed", ("left", "right", "both", "neither"))

    @property
    def _closed_left(self) -> bool:
        return self.closed in ("left", "both") and self.left is not None

    @property
    def _closed_right(self) -> bool:
        return self.closed in ("right", "both") and self.right is not None

    def contains(self, x):
        """Whether x (a number, or element-wise for an array) lies in the interval."""
        ok = np.ones(np.shape(x), dtype=bool)
        if self.left is not None:
            ok &= (x >= self.left) if self._closed_left else (x > self.left)
        if self.right is not None:
            ok &= (x <= self.right) if self._closed_right else (x < self.right)
        return ok

    def bounds(self) -> str:
        """The interval in mathematical notation: (0, ∞), [0, 1), (-∞, 0]."""
        lo = "-∞" if self.left is None else f"{self.left:g}"
        hi = "∞" if self.right is None else f"{self.right:g}"
        return (f"{_BOUND['left', self._closed_left]}{lo}, {hi}"
                f"{_BOUND['right', self._closed_right]}")

    def __str__(self) -> str:
        kind = "an integer" if self.type is numbers.Integral else "a number"
        return f"{kind} in {self.bounds()}"

    def requirement(self) -> str:
        """The condition as a message says it: "> 0", ">= 0", "in (0, 1)", "<= 1"."""
        if self.right is None and self.left is not None:
            return (">= " if self._closed_left else "> ") + f"{self.left:g}"
        if self.left is None and self.right is not None:
            return ("<= " if self._closed_right else "< ") + f"{self.right:g}"
        return f"in {self.bounds()}"

    def check(self, value, name: str):
        """`value` as a float (an int for `numbers.Integral`), or ValueError naming `name`."""
        if self.type is numbers.Integral:
            v = check_int(value, name)
        else:
            v = check_number(value, name)
        if not self.contains(v):
            kind = "an integer " if self.type is numbers.Integral else ""
            raise ValueError(f"{name} must be {kind}{self.requirement()}; got {value}")
        return v


@dataclass(frozen=True)
class RealArray:
    """A non-empty array of finite real numbers (float64 after the check) whose entries lie in
    `interval`; `what` names them in messages and docs ("probabilities", "counts")."""
    interval: Interval = Interval(numbers.Real, None, None)
    what: str = "values"
    hint: str = ""

    def check(self, value, name: str) -> np.ndarray:
        arr = as_float_array(value, name)
        if self.interval.left is None and self.interval.right is None:
            return arr
        # the interval is convex: all entries lie in it when the smallest and largest do
        low_ok = self.interval.left is None or self.interval.contains(arr.min())
        if not (low_ok and (self.interval.right is None or self.interval.contains(arr.max()))):
            bad = ~self.interval.contains(arr)
            if bad.any():
                got, pos = _first_bad(arr, bad)
                raise ValueError(f"{name} must hold {self.what} {self.interval.requirement()}; "
                                 f"got {got:g}{pos}{self.hint}")
        return arr

    def __str__(self) -> str:
        if self.interval.left is None and self.interval.right is None:
            return "real array"
        return f"array of {self.what} in {self.interval.bounds()}"


@dataclass(frozen=True)
class Labels:
    """An array of labels from a fixed set (the hinge's −1 and +1); `hint` ends the message."""
    values: tuple
    hint: str = ""

    def check(self, value, name: str) -> np.ndarray:
        arr = as_float_array(value, name)
        check_labels_in(arr, name, self.values, self.hint)
        return arr

    def __str__(self) -> str:
        return "array of labels in {" + ", ".join(f"{v:g}" for v in self.values) + "}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (scikit-learn's `StrOptions`)."""
    options: tuple

    def check(self, value, name: str):
        return check_choice(value, name, self.options)

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)


@dataclass(frozen=True)
class Boolean:
    """True or False."""

    def check(self, value, name: str) -> bool:
        return check_bool(value, name)

    def __str__(self) -> str:
        return "True or False"


@dataclass(frozen=True)
class Described:
    """An argument the kernel checks itself (class indices, lengths, …), described for the docs."""
    text: str

    def check(self, value, name: str):
        return value

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class OrNone:
    """`spec`, or None (which the kernel reads as "off")."""
    spec: object

    def check(self, value, name: str):
        return None if value is None else self.spec.check(value, name)

    def __str__(self) -> str:
        return f"{self.spec} or None"


#: the common domains
REAL = RealArray()
PROBABILITIES = RealArray(Interval(numbers.Real, 0, 1), "probabilities")
POSITIVE = Interval(numbers.Real, 0, None, closed="neither")
NONNEGATIVE = Interval(numbers.Real, 0, None, closed="left")


# --------------------------------------------------------------------------------------------
# The Loss type
# --------------------------------------------------------------------------------------------
class KernelOut(NamedTuple):
    """What a kernel returns.

    value: per-item losses (per element for element-wise losses, per sample for row-wise ones).
    grad: a function of no arguments returning d(sum of `value`)/d(prediction), shaped like the
        prediction (a tuple when a loss has several prediction inputs); called only when the
        gradient is asked for. (A gradient array itself is accepted too.)
    mean_weight: how "mean" combines the items, as weights w_i with mean = sum_i w_i value_i.
        None means the plain average 1/n. (Weighted cross-entropy divides by the sum of the
        class weights, CTC by target lengths: they say so here.)
    grad_weight: `mean_weight` shaped to broadcast against the gradient; None means "reshape
        mean_weight by appending axes", right whenever the items are the leading axes.
    """
    value: np.ndarray
    grad: object
    mean_weight: object = None
    grad_weight: object = None


class LossOverflowWarning(RuntimeWarning):
    """The loss or its gradient lies beyond the float64 range (about ±1.8e308) for the inputs
    given: the result holds ±inf, which is the right limit but no number."""


class _Overflows:
    """Collects NumPy's overflow signals during a kernel (``np.errstate(over="call")``), so that
    the loss can say what overflowed in its own words, and only when the result is affected
    (an intermediate that overflows to its right limit, like e^−∞ = 0, is no problem)."""

    def __init__(self):
        self.seen = False

    def __call__(self, kind, flag):
        self.seen = True


class ArgumentError(ValueError, TypeError):
    """A loss called with arguments its signature does not take (a ValueError, and a TypeError
    as Python raises for a bad call)."""


@dataclass(eq=False)
class Loss:
    """A loss function with its gradient and everything the book says about it.

    Call it as ``L(y_true, y_pred, *, reduction="mean", **hyper)``; ``L.grad`` returns the
    derivative of that same number with respect to ``y_pred``; ``L.value_and_grad`` both at once.
    """
    kernel: Callable
    name: str
    task: str
    formula: str
    title: str = ""
    zh: str = ""
    zh_hant: str = ""
    summary: str = ""
    summary_zh: str = ""
    torch: str | None = None
    sklearn: str | None = None
    keras: str | None = None
    caveat: str = ""
    caveat_zh: str = ""
    references: tuple = ()
    domain: dict = field(default_factory=dict)

    def __post_init__(self):
        self.__wrapped__ = self.kernel
        self.__name__ = self.name
        self.__module__ = self.kernel.__module__
        self.__qualname__ = self.name
        self.__signature__ = inspect.signature(self.kernel)
        params = self.__signature__.parameters.values()
        self._positional = [p.name for p in params
                            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        self._keywords = {p.name for p in params if p.kind is not p.POSITIONAL_ONLY}
        self.__doc__ = (self.kernel.__doc__ or "") + self._domain_doc()

    @property
    def hyper(self) -> dict:
        """The hyper-parameters and their defaults, read from the kernel's signature."""
        return {p.name: p.default for p in self.__signature__.parameters.values()
                if p.default is not p.empty}

    # -- evaluation ---------------------------------------------------------------------------
    def _run(self, args, hyper, reduction) -> KernelOut:
        """Check the call, the arguments and `reduction`, then run the kernel."""
        check_choice(reduction, "reduction", REDUCTIONS)
        if len(args) > len(self._positional) or not self._keywords.issuperset(hyper):
            raise ArgumentError(self._call_message(args, hyper))
        named = dict(zip(self._positional, args))
        missing = [n for n in self._positional if n not in named and n not in hyper
                   and self.__signature__.parameters[n].default is inspect.Parameter.empty]
        if missing:
            raise ArgumentError(self._call_message(args, hyper))
        for key, spec in self.domain.items():
            if key in named:
                named[key] = spec.check(named[key], key)
            elif key in hyper:
                hyper[key] = spec.check(hyper[key], key)
        overflows = _Overflows()
        with np.errstate(over="call", call=overflows):
            out = self.kernel(*named.values(), **hyper)
        return (out if isinstance(out, KernelOut) else KernelOut(*out)), overflows

    def __call__(self, *args, reduction: str = "mean", **hyper):
        """The loss, reduced by `reduction`; computes no gradient."""
        out, overflows = self._run(args, hyper, reduction)
        with np.errstate(over="call", call=overflows):
            value = _reduce_value(out, reduction)
        self._warn_if_overflow(overflows, value, "loss")
        return value

    def value_and_grad(self, *args, reduction: str = "mean", **hyper):
        """The reduced loss and its gradient with respect to the prediction(s), from one run."""
        out, overflows = self._run(args, hyper, reduction)
        with np.errstate(over="call", call=overflows):
            value = _reduce_value(out, reduction)
            grad = out.grad() if callable(out.grad) else out.grad
            grad = _reduce_grad(grad, out, reduction, args)
        self._warn_if_overflow(overflows, value, "loss")
        self._warn_if_overflow(overflows, grad, "gradient")
        return value, grad

    def grad(self, *args, reduction: str = "mean", **hyper):
        """d(loss)/d(prediction), shaped like the prediction; consistent with `reduction`.

        With ``reduction="none"`` it is the derivative of each item's own loss (the gradient of
        the sum), the usual convention for a vector-valued loss. A loss of several predictions
        (`triplet_loss`, `gaussian_nll_loss`, …) returns a tuple, in argument order.
        """
        return self.value_and_grad(*args, reduction=reduction, **hyper)[1]

    def _warn_if_overflow(self, overflows: _Overflows, result, what: str) -> None:
        if overflows.seen and not all(np.isfinite(r).all() for r in _as_tuple(result)):
            warnings.warn(f"lossfns.{self.name}: the {what} exceeds the float64 range (about "
                          f"±1.8e308) for these inputs and holds ±inf; rescale the inputs",
                          LossOverflowWarning, stacklevel=3)

    def _call_message(self, args, hyper) -> str:
        params = self.__signature__.parameters.values()
        data = [p.name for p in params if p.default is p.empty]
        keyword_only = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
        unknown = sorted(set(hyper) - self._keywords)
        if unknown:
            said = f"got an unexpected keyword argument {unknown[0]!r}"
        elif len(args) > len(self._positional):
            said = f"takes {len(self._positional)} positional arguments but {len(args)} were given"
        else:
            given = set(self._positional[:len(args)]) | set(hyper)
            said = f"is missing arguments: {', '.join(n for n in data if n not in given)}"
        usage = ", ".join(data + [f"{k}=..." for k in keyword_only] + ['reduction="mean"'])
        kw = ""
        if len(keyword_only) == 1:
            kw = f"; its hyper-parameter {keyword_only[0]} is keyword-only"
        elif keyword_only:
            kw = f"; its hyper-parameters {', '.join(keyword_only)} are keyword-only"
        return f"{self.name}() {said}{kw}: call it as lossfns.{self.name}({usage})"

    def _domain_doc(self) -> str:
        if not self.domain:
            return ""
        lines = [f"    {k}: {spec}" for k, spec in self.domain.items()]
        return "\n\n    Arguments (checked on every call):\n" + "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        return f"<Loss {self.name}: {self.title} ({self.zh}), task={self.task}>"


def _reduce_value(out: KernelOut, reduction: str):
    value = np.asarray(out.value, dtype=np.float64)
    if reduction == "none":
        return value
    if reduction == "sum":
        return float(value.sum())
    if out.mean_weight is None:
        return float(value.sum() / value.size)
    return float((np.asarray(out.mean_weight, dtype=np.float64) * value).sum())


def _reduce_grad(grad, out: KernelOut, reduction: str, inputs):
    if reduction in ("none", "sum"):
        return grad
    if out.mean_weight is None:
        factor = 1.0 / np.size(out.value)
    else:
        factor = out.grad_weight
        if factor is None:
            w = np.asarray(out.mean_weight, dtype=np.float64)
            factor = w.reshape(w.shape + (1,) * (np.ndim(_first(grad)) - w.ndim))
    if isinstance(grad, tuple):
        return tuple(_scaled(g, factor, inputs + grad[:i]) for i, g in enumerate(grad))
    return _scaled(grad, factor, inputs)


def _scaled(g, factor, inputs):
    """g * factor, in place when g is an array of the kernel's own (or a view of one): a fresh
    array as large as the input costs more than the multiplication. Never in place on anything
    the caller passed in, nor on memory another gradient of the tuple shares."""
    if (isinstance(g, np.ndarray) and g.dtype == np.float64 and g.flags.writeable
            and np.broadcast_shapes(np.shape(factor), g.shape) == g.shape
            and not any(isinstance(a, np.ndarray) and np.may_share_memory(g, a)
                        for a in inputs)):
        g *= factor
        return g
    return np.multiply(g, factor)


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else (x,)


def _first(grad):
    return grad[0] if isinstance(grad, tuple) else grad


def loss(*, task: str, formula: str, domain: dict | None = None, name: str | None = None,
         **display):
    """Decorator: turn a kernel into a registered `Loss`.

    `task`, `formula` (LaTeX, the string the book shows) and `domain` ({argument: spec}) stand
    beside the code; the display strings (title, zh, zh_hant, summary, …) come from
    `lossfns.losses.catalog` under the kernel's name, or from `display` for a loss defined
    outside the library.
    """
    def wrap(kernel):
        key = name or kernel.__name__
        if key in _REGISTRY:
            raise RuntimeError(f"a loss named {key!r} is already registered")
        if "|" in formula:
            # Markdown tables split cells at '|': formulas use \lvert ... \rvert instead.
            raise RuntimeError(f"formula of {key!r} contains '|'; use \\lvert/\\rvert")
        if not display and kernel.__module__.startswith("lossfns.losses."):
            from .losses.catalog import CATALOG
            facts = dict(CATALOG[key])
            facts["references"] = tuple(facts.get("references", ()))
        else:
            facts = display
        obj = Loss(kernel=kernel, name=key, task=task, formula=formula,
                   domain=dict(domain or {}), **facts)
        _REGISTRY[key] = obj
        return obj
    return wrap


# --------------------------------------------------------------------------------------------
# Catalog: the book's tables are generated from here.
# --------------------------------------------------------------------------------------------
TASKS_ORDER = ("regression", "binary", "multiclass", "distribution", "segmentation",
               "metric learning", "ranking", "sequence")

#: the languages of the tables: English, Simplified and Traditional Chinese ("zh" = "zh-cn")
LANGS = ("en", "zh-cn", "zh-tw", "zh")


def catalog(task: str | None = None) -> list[Loss]:
    """Every registered loss (optionally those of one task), in teaching order."""
    order = {t: i for i, t in enumerate(TASKS_ORDER)}
    losses = [L for L in _REGISTRY.values() if task is None or L.task == task]
    return sorted(losses, key=lambda L: order.get(L.task, len(order)))


_TASK_ZH = {"regression": "回归", "binary": "二分类", "multiclass": "多分类",
            "distribution": "概率分布", "segmentation": "图像分割", "metric learning": "度量学习",
            "ranking": "排序", "sequence": "序列"}


def _code(text):
    return f"`{text}`" if text else "—"


#: column: (English header, Chinese header, cell(L, lang)); Chinese text is Simplified here and
#: converted for "zh-tw" (names use the reviewed `zh_hant` field instead).
_COLUMNS = {
    "title": ("Loss", "损失函数",
              lambda L, lang: f"{L.title} ({L.zh})" if lang == "en" else f"{L.zh} ({L.title})"),
    "name": ("lossfns", "lossfns", lambda L, lang: f"`{L.name}`"),
    "task": ("Task", "任务", lambda L, lang: L.task if lang == "en" else _TASK_ZH[L.task]),
    "formula": ("Formula (per item)", "公式（单个样本）", lambda L, lang: f"${_formula(L, lang)}$"),
    "summary": ("Notes", "说明",
                lambda L, lang: (L.summary if lang == "en" else L.summary_zh) or "—"),
    "domain": ("Arguments", "参数",
               lambda L, lang: "; ".join(f"{k}: {s}" for k, s in L.domain.items()) or "—"),
    "torch": ("PyTorch", "PyTorch", lambda L, lang: _code(L.torch)),
    "keras": ("Keras", "Keras", lambda L, lang: _code(L.keras)),
    "sklearn": ("scikit-learn", "scikit-learn", lambda L, lang: _code(L.sklearn)),
    "caveat": ("Conventions that differ", "约定差异",
               lambda L, lang: (L.caveat if lang == "en" else L.caveat_zh) or "—"),
}


#: the words inside formulas (\text{…}), in the Chinese tables
_FORMULA_WORDS_ZH = {r"\text{otherwise}": r"\text{其他情况}"}


def _formula(L, lang: str) -> str:
    """A loss's formula as a table shows it: its words in the table's language."""
    if lang == "en":
        return L.formula
    out = L.formula
    for en, zh in _FORMULA_WORDS_ZH.items():
        if lang == "zh-tw":
            from .course.lang import to_traditional
            zh = to_traditional(zh)
        out = out.replace(en, zh)
    return out


def catalog_table(task: str | None = None,
                  columns=("title", "name", "task", "formula", "summary", "torch"),
                  lang: str = "en") -> str:
    """A Markdown table of the catalog in English, Simplified ("zh-cn") or Traditional ("zh-tw")
    Chinese; in a notebook, ``Markdown(catalog_table())`` shows it. "zh-tw" converts with
    `lossfns.course.lang.to_traditional` (needs OpenCC) and uses each loss's `zh_hant` name."""
    check_choice(lang, "lang", LANGS)
    lang = "zh-cn" if lang == "zh" else lang
    for c in columns:
        check_choice(c, "columns", tuple(_COLUMNS))
    head = [_COLUMNS[c][0] if lang == "en" else _COLUMNS[c][1] for c in columns]
    rows = []
    for L in catalog(task):
        cells = []
        for c in columns:
            cell = _COLUMNS[c][2](L, lang)
            cells.append(cell if c == "formula" else cell.replace("|", "\\|"))
        rows.append(cells)
    if lang == "zh-tw":
        from .course.lang import to_traditional
        head = [to_traditional(h) for h in head]
        for L, cells in zip(catalog(task), rows):
            for i, c in enumerate(columns):
                if c == "title":
                    cells[i] = f"{L.zh_hant} ({L.title})"
                elif c in ("task", "summary", "caveat"):
                    cells[i] = to_traditional(cells[i])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)
