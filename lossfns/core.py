"""The `Loss` type, the reductions and the input checks that every loss shares.

A loss is written once, as a *kernel*: a plain function that takes checked arrays and returns the
per-item loss values and their derivatives with respect to the prediction. The `Loss` object
around it does everything else the same way for every loss:

* converts and checks ``reduction``;
* applies the reduction to the values **and** to the gradient, so that ``L.grad`` is always the
  derivative of exactly what ``L(...)`` returns;
* carries the metadata the book displays (formula, names in English and Chinese, task, torch
  equivalent, references), so that tables are generated, never retyped.
"""
from __future__ import annotations

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


def as_float_array(x, name: str) -> np.ndarray:
    """`x` as a float64 array, refusing empty input, NaN and inf."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers; got {type(x).__name__}") from None
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    # Fast path: the sum of squares x·x is finite exactly when no entry is NaN or ±inf (barring
    # overflow, |x| ≳ 1e154, which only sends us to the exact element-wise check below): one read,
    # no copy. np.dot is a vectorised BLAS loop, faster than np.sum's pairwise sum (1.3–2×).
    with np.errstate(over="ignore", invalid="ignore"):
        if arr.flags.c_contiguous or arr.flags.f_contiguous:
            flat = arr.ravel(order="K")  # a view of a contiguous array, not a copy
            total = np.dot(flat, flat)
        else:
            total = np.add.reduce(arr, axis=None)
        if np.isfinite(total):
            return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[0] if arr.ndim else ()
        pos = f" at position {_position(where)}" if arr.ndim else ""
        raise ValueError(
            f"{name} must be finite (no NaN or inf); got {arr[tuple(where)] if arr.ndim else arr}{pos}")
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


def check_in_range(arr: np.ndarray, name: str, low: float, high: float, what: str = "values") -> None:
    """All of `arr` in the closed interval [low, high]."""
    bad = (arr < low) | (arr > high)
    if bad.any():
        where = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} must hold {what} in [{low:g}, {high:g}]; got {arr[tuple(where)]:g} "
            f"at position {_position(where)}")


def check_probabilities(arr: np.ndarray, name: str) -> None:
    check_in_range(arr, name, 0.0, 1.0, what="probabilities")


def check_labels_in(arr: np.ndarray, name: str, allowed: tuple, hint: str = "") -> None:
    """Every entry of `arr` is one of `allowed` (e.g. the hinge labels -1 and +1)."""
    bad = ~np.isin(arr, allowed)
    if bad.any():
        where = np.argwhere(bad)[0]
        allowed_s = "{" + ", ".join(f"{a:g}" for a in allowed) + "}"
        raise ValueError(
            f"{name} must hold labels in {allowed_s}; got {arr[tuple(where)]:g} at position "
            f"{_position(where)}{hint}")


def check_class_indices(y, n_classes: int, name: str = "y_true") -> np.ndarray:
    """Integer class indices in [0, n_classes), returned as an int64 array."""
    arr = np.asarray(y)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold integer class indices; got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        finite = np.isfinite(arr)
        integral = finite & (arr == np.round(np.where(finite, arr, 0)))
        if not integral.all():
            where = np.argwhere(~integral)[0] if arr.ndim else ()
            value = arr[tuple(where)] if arr.ndim else arr
            pos = f" at position {_position(where)}" if arr.ndim else ""
            raise ValueError(f"{name} must hold integer class indices; got {value}{pos}")
    idx = arr.astype(np.int64)
    bad = (idx < 0) | (idx >= n_classes)
    if bad.any():
        where = np.argwhere(bad)[0] if idx.ndim else ()
        value = idx[tuple(where)] if idx.ndim else idx
        pos = f" at position {_position(where)}" if idx.ndim else ""
        raise ValueError(f"{name} must hold class indices in [0, {n_classes}); got {value}{pos}")
    return idx


def check_positive(value, name: str) -> float:
    """A finite number > 0 (a margin, a delta, a temperature)."""
    v = _scalar(value, name)
    if not v > 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return v


def check_nonnegative(value, name: str) -> float:
    v = _scalar(value, name)
    if not v >= 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return v


def check_open_interval(value, name: str, low: float, high: float) -> float:
    v = _scalar(value, name)
    if not low < v < high:
        raise ValueError(f"{name} must be in ({low:g}, {high:g}); got {value}")
    return v


def check_bool(value, name: str) -> bool:
    """A flag: True or False (a bool or numpy bool), never a string or number that looks like one."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


def _scalar(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite; got {value}")
    return v


# --------------------------------------------------------------------------------------------
# The Loss type
# --------------------------------------------------------------------------------------------
class KernelOut(NamedTuple):
    """What a kernel returns.

    value: per-item losses (per element for element-wise losses, per sample for row-wise ones).
    grad: d(sum of `value`)/d(prediction), shaped like the prediction (a tuple when a loss has
        several prediction inputs).
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


@dataclass(eq=False)
class Loss:
    """A loss function with its gradient and everything the book says about it.

    Call it as ``L(y_true, y_pred, *, reduction="mean", **hyper)``; ``L.grad`` returns the
    derivative of that same number with respect to ``y_pred``; ``L.value_and_grad`` both at once.
    """
    kernel: Callable
    name: str
    title: str
    zh: str
    task: str
    formula: str
    torch: str | None = None
    references: tuple = ()
    zh_hant: str | None = None
    summary: str = ""
    summary_zh: str = ""
    sklearn: str | None = None
    keras: str | None = None
    caveat: str = ""
    grad_of: str = "y_pred"
    hyper: dict = field(default_factory=dict)
    #: optional fast path for "mean" and "sum" of an element-wise loss (see `sum_kernel`)
    summed: Callable | None = None

    def __post_init__(self):
        self.__doc__ = self.kernel.__doc__
        self.__wrapped__ = self.kernel
        self.__name__ = self.name
        self.__module__ = self.kernel.__module__
        self.__qualname__ = self.name

    # -- evaluation ---------------------------------------------------------------------------
    def value_and_grad(self, *args, reduction: str = "mean", **hyper):
        """The reduced loss and its gradient with respect to the prediction(s), in one pass."""
        check_choice(reduction, "reduction", REDUCTIONS)
        if self.summed is not None and reduction != "none":
            total, grad = self.summed(*args, **hyper)  # Σ value, never stored item by item
            if reduction == "sum":
                return float(total), grad
            n = grad.size  # element-wise: one item per element of the prediction
            return float(total / n), _scaled(grad, 1.0 / n, args)
        out = self.kernel(*args, **hyper)
        out = out if isinstance(out, KernelOut) else KernelOut(*out)
        value, grad = np.asarray(out.value, dtype=np.float64), out.grad
        if reduction == "none":
            return value, grad
        if reduction == "sum":
            return float(value.sum()), grad
        if out.mean_weight is None:
            n = value.size
            return float(value.sum() / n), _map_grad(grad, lambda g: _scaled(g, 1.0 / n, args))
        w = np.asarray(out.mean_weight, dtype=np.float64)
        gw = out.grad_weight
        if gw is None:
            gw = w.reshape(w.shape + (1,) * (_first(grad).ndim - w.ndim))
        return float((w * value).sum()), _map_grad(grad, lambda g: _scaled(g, gw, args))

    def sum_kernel(self, fn: Callable) -> Callable:
        """Decorator: register a faster kernel for "mean" and "sum" of an element-wise loss.

        ``fn`` takes the kernel's arguments and returns ``(Σ value, grad)``: the sum of the
        per-element values as one number, and the kernel's gradient. It may compute the sum
        without ever storing the values (``np.vdot(r, r)`` is Σ r² in one read, where ``r * r``
        then ``.sum()`` writes and reads an array as large as the input), and in cache-sized
        blocks (`sum_blocks`). The kernel stays the definition: reduction="none" always uses it,
        and the tests check that both agree.
        """
        self.summed = fn
        return fn

    def __call__(self, *args, reduction: str = "mean", **hyper):
        return self.value_and_grad(*args, reduction=reduction, **hyper)[0]

    def grad(self, *args, reduction: str = "mean", **hyper):
        """d(loss)/d(prediction), shaped like the prediction; consistent with `reduction`.

        With ``reduction="none"`` it is the derivative of each item's own loss (the gradient of
        the sum), the usual convention for a vector-valued loss.
        """
        return self.value_and_grad(*args, reduction=reduction, **hyper)[1]

    def __repr__(self) -> str:
        return f"<Loss {self.name}: {self.title} ({self.zh}), task={self.task}>"


def _scaled(g, factor, inputs):
    """g * factor, in place when g is a fresh array of the kernel's own (saves a full pass of
    memory allocation on large inputs); never in place on anything the caller passed in."""
    if (isinstance(g, np.ndarray) and g.dtype.kind == "f" and g.flags.owndata and g.flags.writeable
            and np.broadcast_shapes(np.shape(factor), g.shape) == g.shape
            and not any(isinstance(a, np.ndarray) and np.may_share_memory(g, a) for a in inputs)):
        g *= factor
        return g
    return g * factor


#: Elements per block in `sum_blocks`: 2^15 float64 = 256 KiB per array, so a block's inputs,
#: its temporaries and its slice of the gradient fit together in a core's L2 cache (~1 MiB).
BLOCK = 1 << 15


def sum_blocks(block: Callable, t: np.ndarray, p: np.ndarray):
    """``(Σ block(t_i, p_i, g_i), g)`` over slices of at most `BLOCK` elements of t and p.

    ``block`` computes one slice: it writes the gradient into ``g_i`` (a slice of the result g,
    shaped like p) and returns the sum of the loss over the slice.

    Why blocks: numpy evaluates an expression one operation at a time, so ``np.clip(p - t, …)``
    writes p − t to a new array, then reads it back to clip it. For large arrays every such
    pass goes out to main memory (and a fresh array is fresh pages from the OS), while the
    arithmetic of mse, mae or huber is almost free: the time goes into moving data. Run on
    slices that fit in the cache, the temporaries never leave it: t and p are read once and g is
    written once, as in the fused loops of torch or numexpr, with a Python loop of a few dozen
    steps per million elements.
    """
    g = np.empty(p.shape)
    t_flat, p_flat, g_flat = t.reshape(-1), p.reshape(-1), g.reshape(-1)  # g_flat is a view of g
    total = 0.0
    for start in range(0, g_flat.size, BLOCK):
        s = slice(start, start + BLOCK)
        total += block(t_flat[s], p_flat[s], g_flat[s])
    return total, g


def _first(grad):
    return grad[0] if isinstance(grad, tuple) else grad


def _map_grad(grad, f):
    return tuple(f(g) for g in grad) if isinstance(grad, tuple) else f(grad)


def loss(**meta):
    """Decorator: turn a kernel into a registered `Loss` carrying `meta`."""
    def wrap(kernel):
        obj = Loss(kernel=kernel, **meta)
        if obj.name in _REGISTRY:
            raise RuntimeError(f"a loss named {obj.name!r} is already registered")
        if "|" in obj.formula:
            # Markdown tables split cells at '|': formulas use \lvert ... \rvert instead.
            raise RuntimeError(f"formula of {obj.name!r} contains '|'; use \\lvert/\\rvert")
        _REGISTRY[obj.name] = obj
        return obj
    return wrap


# --------------------------------------------------------------------------------------------
# Catalog: the book's tables are generated from here.
# --------------------------------------------------------------------------------------------
TASKS_ORDER = ("regression", "binary", "multiclass", "distribution", "segmentation",
               "metric learning", "ranking", "sequence")


def catalog(task: str | None = None) -> list[Loss]:
    """Every registered loss (optionally those of one task), in teaching order."""
    order = {t: i for i, t in enumerate(TASKS_ORDER)}
    losses = [L for L in _REGISTRY.values() if task is None or L.task == task]
    return sorted(losses, key=lambda L: order.get(L.task, len(order)))


_COLUMNS = {
    "title": ("Loss", "损失函数", lambda L, zh: f"{L.title} ({L.zh})" if not zh else f"{L.zh} ({L.title})"),
    "name": ("lossfns", "lossfns", lambda L, zh: f"`{L.name}`"),
    "task": ("Task", "任务", lambda L, zh: _TASK_ZH.get(L.task, L.task) if zh else L.task),
    "formula": ("Formula (per item)", "公式（单个样本）", lambda L, zh: f"${L.formula}$"),
    "summary": ("Notes", "说明", lambda L, zh: (L.summary_zh if zh else L.summary) or "—"),
    "torch": ("PyTorch", "PyTorch", lambda L, zh: f"`{L.torch}`" if L.torch else "—"),
    "keras": ("Keras", "Keras", lambda L, zh: f"`{L.keras}`" if L.keras else "—"),
    "sklearn": ("scikit-learn", "scikit-learn", lambda L, zh: f"`{L.sklearn}`" if L.sklearn else "—"),
    "caveat": ("Conventions that differ", "约定差异", lambda L, zh: L.caveat or "—"),
}

_TASK_ZH = {"regression": "回归", "binary": "二分类", "multiclass": "多分类",
            "distribution": "概率分布", "segmentation": "图像分割", "metric learning": "度量学习",
            "ranking": "排序", "sequence": "序列"}


def catalog_table(task: str | None = None,
                  columns=("title", "name", "task", "formula", "summary", "torch"),
                  lang: str = "en") -> str:
    """A Markdown table of the catalog; in a notebook, ``Markdown(catalog_table())`` shows it."""
    check_choice(lang, "lang", ("en", "zh"))
    for c in columns:
        check_choice(c, "columns", tuple(_COLUMNS))
    zh = lang == "zh"
    head = [(_COLUMNS[c][1] if zh else _COLUMNS[c][0]) for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(columns)]
    for L in catalog(task):
        cells = [_COLUMNS[c][2](L, zh).replace("|", "\\|") if c != "formula" else _COLUMNS[c][2](L, zh)
                 for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
