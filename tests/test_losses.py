"""Generic checks of every loss, driven by the spec table in `loss_specs.py` (OpInfo-style):
torch parity of values and gradients for every reduction, finite differences, reductions, the
code that runs, the argument domains, bad input, torch tensors and dtypes."""
from __future__ import annotations

import inspect
import numbers
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import lossfns
from lossfns import core
from lossfns.losses.catalog import CATALOG

from conftest import FD_TOL, assert_close, gradcheck, numeric_grad
from loss_specs import BY_NAME, SPECS

NAMES = [s.name for s in SPECS]
LOSSES_DIR = str(Path(lossfns.__file__).parent / "losses")


def cases():
    """(spec, sample number) for every sample of every spec, with a stable id."""
    out = []
    for spec in SPECS:
        for k in range(len(spec.samples(np.random.default_rng(0)))):
            out.append(pytest.param(spec, k, id=f"{spec.name}-{k}"))
    return out


CASES = cases()
#: finite differences cost two evaluations per element: samples up to this many prediction
#: entries (every grid has such samples; CTC's largest lattices are left to the parity test)
FD_MAX = 400


def small_cases():
    out = []
    for p in CASES:
        spec, k = p.values
        args, _ = sample(spec, k)
        if sum(np.size(args[i]) for i in spec.predictions) <= FD_MAX:
            out.append(p)
    return out


def sample(spec, k):
    args, hyper = spec.samples(np.random.default_rng(20240601))[k]
    return list(args), dict(hyper)


def as_tuple(g):
    return g if isinstance(g, tuple) else (g,)


# -------------------------------------------------------------------------------- the table
def test_every_loss_has_a_spec_and_a_catalog_entry():
    registered = {L.name for L in lossfns.catalog()}
    assert set(NAMES) == registered
    assert set(CATALOG) == registered
    for name in registered:
        entry = CATALOG[name]
        for key in ("title", "zh", "zh_hant", "summary", "summary_zh", "references"):
            assert entry.get(key), f"{name}: catalog entry lacks {key}"
        assert set(entry) <= {"title", "zh", "zh_hant", "summary", "summary_zh", "torch",
                              "keras", "sklearn", "caveat", "caveat_zh", "references"}
        # a convention note has its Chinese, with the same code spans
        assert bool(entry.get("caveat")) == bool(entry.get("caveat_zh")), name
        if entry.get("caveat"):
            spans = re.findall(r"`[^`]+`", entry["caveat"])
            assert re.findall(r"`[^`]+`", entry["caveat_zh"]) == spans, name
            assert re.search(r"[\u4e00-\u9fff]", entry["caveat_zh"]), name
        L = getattr(lossfns, name)
        assert L.title == entry["title"] and L.references == tuple(entry["references"])


# -------------------------------------------------------------------------------- torch parity
@pytest.mark.parametrize("spec, k", CASES)
def test_value_and_grad_match_torch(spec, k, reduction):
    args, hyper = sample(spec, k)
    value, grad = spec.loss.value_and_grad(*args, reduction=reduction, **hyper)
    ref_value, ref_grads = spec.torch(args, hyper, reduction)
    assert_close(value, ref_value)
    if ref_grads is not None:
        grads = as_tuple(grad)
        assert len(grads) == len(spec.predictions) == len(ref_grads)
        for g, r in zip(grads, ref_grads):
            assert_close(g, r)


@pytest.mark.parametrize("spec, k", small_cases())
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_grad_matches_finite_differences(spec, k, reduction):
    args, hyper = sample(spec, k)
    grads = as_tuple(spec.loss.grad(*args, reduction=reduction, **hyper))
    for g, i in zip(grads, spec.predictions):
        def f(x, i=i):
            a = list(args)
            a[i] = x
            return float(np.sum(spec.loss(*a, reduction=reduction, **hyper)))
        assert g.shape == np.shape(args[i])
        np.testing.assert_allclose(g, numeric_grad(f, args[i], eps=spec.fd_eps), rtol=FD_TOL,
                                   atol=FD_TOL)


@pytest.mark.parametrize("spec, k", [p for p in small_cases() if p.values[0].gradcheck])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_torch_gradcheck(spec, k, reduction):
    """torch.autograd.gradcheck of L.grad (wrapped as a torch op) against torch's own finite
    differences."""
    args, hyper = sample(spec, k)
    assert gradcheck(spec.loss, args[0], args[1], reduction=reduction, **hyper)


@pytest.mark.parametrize("spec, k", CASES)
def test_reductions_agree(spec, k):
    args, hyper = sample(spec, k)
    L = spec.loss
    items, g_items = L.value_and_grad(*args, reduction="none", **hyper)
    total, g_total = L.value_and_grad(*args, reduction="sum", **hyper)
    mean = L(*args, **hyper)
    assert isinstance(total, float) and isinstance(mean, float)
    assert isinstance(items, np.ndarray) and items.dtype == np.float64
    assert_close(total, items.sum(), 1e-12)
    for a, b in zip(as_tuple(g_items), as_tuple(g_total)):
        assert_close(a, b, 1e-12)
    # "mean" is the derivative's own reduction: its gradient is that of the mean
    value, g_mean = L.value_and_grad(*args, **hyper)
    assert value == mean
    for a, b in zip(as_tuple(g_mean), as_tuple(L.grad(*args, **hyper))):
        np.testing.assert_array_equal(a, b)


# -------------------------------------------------------------------------------- one definition
def _executed(fn) -> set:
    """Code objects of the Python functions that run during fn()."""
    codes = set()

    def profile(frame, event, arg):
        if event == "call":
            codes.add(frame.f_code)
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return codes


def _reachable(kernel) -> set:
    """The kernel's code, the functions and lambdas nested in it, and the module-level helpers
    it names (and those they name): all the code its source shows or calls by name."""
    seen, todo = set(), [kernel.__code__]
    module = sys.modules[kernel.__module__]
    while todo:
        code = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        todo += [c for c in code.co_consts if inspect.iscode(c)]
        for name in code.co_names:
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                todo.append(obj.__code__)
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_the_source_shown_is_the_code_that_runs(name):
    """`inspect.getsource(L)` (what `L??` shows) is the kernel, and the kernel is what runs,
    for every reduction, with no other definition of the loss anywhere."""
    spec = BY_NAME[name]
    L = spec.loss
    assert inspect.unwrap(L) is L.kernel
    assert inspect.getsource(L) == inspect.getsource(L.kernel)
    assert inspect.getsource(L).splitlines()[0].startswith("@loss(")
    assert f"def {name}(" in inspect.getsource(L)
    assert not hasattr(L, "summed") and not hasattr(core, "sum_blocks")
    allowed = _reachable(L.kernel)
    args, hyper = sample(spec, 0)
    ran = {}
    for reduction in ("mean", "sum", "none"):
        for call in (L, L.value_and_grad):
            codes = _executed(lambda: call(*args, reduction=reduction, **hyper))
            ours = {c for c in codes if c.co_filename.startswith(LOSSES_DIR)}
            assert L.kernel.__code__ in ours
            stray = {c.co_name for c in ours - allowed}
            assert not stray, f"{name}: ran {stray}, which its source does not show"
            ran[reduction, call is L] = ours
    # the same code for every reduction
    assert ran["mean", True] == ran["sum", True] == ran["none", True]
    assert ran["mean", False] == ran["sum", False] == ran["none", False]


@pytest.mark.parametrize("name", NAMES)
def test_calling_a_loss_computes_no_gradient(name):
    spec = BY_NAME[name]
    L = spec.loss
    args, hyper = sample(spec, 0)
    named = {**dict(zip(L._positional, args)), **hyper}
    checked = [L.domain[k].check(v, k) if k in L.domain else v for k, v in named.items()]
    out = core.KernelOut(*L.kernel(*checked[:len(args)], **dict(zip(hyper, checked[len(args):]))))
    assert callable(out.grad), "the kernel returns the gradient as a function, called on demand"
    codes = _executed(lambda: L(*args, **hyper))
    assert out.grad.__code__ not in codes
    assert out.grad.__code__ in _executed(lambda: L.grad(*args, **hyper))


# -------------------------------------------------------------------------------- domains
@pytest.mark.parametrize("name", NAMES)
def test_every_argument_has_a_domain_and_the_defaults_lie_in_it(name):
    L = getattr(lossfns, name)
    params = inspect.signature(L.kernel).parameters
    assert list(L.domain) == list(params), "one domain entry per argument, in signature order"
    assert L.hyper == {k: p.default for k, p in params.items() if p.default is not p.empty}
    for k, default in L.hyper.items():
        assert L.domain[k].check(default, k) == default
    assert "Arguments (checked on every call):" in L.__doc__
    for k, spec in L.domain.items():
        assert f"    {k}: {spec}" in L.__doc__


def test_interval_and_specs_describe_themselves():
    pos = core.Interval(numbers.Real, 0, None, closed="neither")
    assert str(pos) == "a number in (0, ∞)" and pos.requirement() == "> 0"
    unit = core.Interval(numbers.Real, 0, 1, closed="left")
    assert unit.bounds() == "[0, 1)" and unit.requirement() == "in [0, 1)"
    assert core.Interval(numbers.Integral, 1, None).check(3, "n") == 3
    with pytest.raises(ValueError, match=r"^n must be an integer; got 3.0"):
        core.Interval(numbers.Integral, 1, None).check(3.0, "n")
    with pytest.raises(ValueError, match=r"^n must be an integer >= 1; got 0"):
        core.Interval(numbers.Integral, 1, None).check(0, "n")
    with pytest.raises(ValueError, match=r"^closed must be one of"):
        core.Interval(numbers.Real, 0, 1, closed="open")
    assert str(core.PROBABILITIES) == "array of probabilities in [0, 1]"
    assert str(core.OrNone(pos)) == "a number in (0, ∞) or None"


# -------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("spec, k", [pytest.param(s, k, id=f"{s.name}-{k}")
                                     for s in SPECS for k in range(len(s.bad))])
def test_bad_input_from_the_table(spec, k):
    args, hyper, match = spec.bad[k]
    for call in (spec.loss, spec.loss.grad):
        with pytest.raises(ValueError, match=match):
            call(*args, **hyper)


def _float_args(spec, args):
    """Positions of the float arrays among a sample's arguments (the ones as_float_array reads)."""
    L = spec.loss
    return [i for i, n in enumerate(L._positional[:len(args)])
            if isinstance(L.domain.get(n), (core.RealArray, core.Labels))]


BAD_ARRAYS = [
    (lambda a: a.astype(complex) + 1j, r"must hold real numbers; got complex"),
    (lambda a: np.array(["1"] * a.size).reshape(a.shape), r"must be an array of numbers"),
    (lambda a: np.array([object()] * a.size).reshape(a.shape), r"must be an array of numbers"),
    (lambda a: np.ma.masked_array(a, mask=np.ones(a.shape, bool)), r"masked array"),
    (lambda a: np.full(a.shape, np.nan), r"must be finite"),
    (lambda a: np.array([10**400] * a.size, dtype=object).reshape(a.shape),
     r"too large for float64"),
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("make, match", BAD_ARRAYS,
                         ids=["complex", "strings", "objects", "masked", "nan", "huge-int"])
def test_non_real_arrays_are_refused_naming_the_argument(name, make, match):
    spec = BY_NAME[name]
    args, hyper = sample(spec, 0)
    for i in _float_args(spec, args):
        bad = list(args)
        bad[i] = make(np.asarray(args[i], dtype=float))
        arg_name = spec.loss._positional[i]
        with pytest.raises(ValueError, match=rf"^{arg_name} .*{match}"):
            spec.loss(*bad, **hyper)


def test_complex_is_not_silently_truncated():
    with pytest.raises(ValueError, match=r"^y_pred must hold real numbers; got complex"):
        lossfns.mse(np.array([1.0, 2.0]), np.array([1 + 1j, 2.0]))
    with pytest.raises(ValueError, match=r"^y_true must hold real numbers"):
        lossfns.mse(np.array([1 + 1j, 2.0], dtype=object), [1.0, 2.0])
    # a masked array without masked entries is an ordinary array
    assert lossfns.mse(np.ma.masked_array([1.0, 2.0]), [1.0, 3.0]) == 0.5


@pytest.mark.parametrize("name", [n for n in NAMES if getattr(lossfns, n).domain and any(
    isinstance(s, (core.Interval, core.OrNone)) for s in getattr(lossfns, n).domain.values())])
def test_hyper_parameters_are_validated_by_type(name):
    L = getattr(lossfns, name)
    args, hyper = sample(BY_NAME[name], 0)
    for key, spec in L.domain.items():
        inner = spec.spec if isinstance(spec, core.OrNone) else spec
        if not isinstance(inner, core.Interval):
            continue
        for bad, match in [(True, "must be a number; got True"), ("1", "must be a number"),
                           (10**400, "must be a finite number; got an integer too large"),
                           (float("nan"), "must be finite"), (1 + 0j, "must be a number")]:
            with pytest.raises(ValueError, match=rf"^{key} {match}"):
                L(*args, **{**hyper, key: bad})


@pytest.mark.parametrize("name", [n for n in NAMES if any(
    p.kind is p.KEYWORD_ONLY for p in inspect.signature(getattr(lossfns, n).kernel).parameters
    .values())])
def test_positional_hyper_parameters_name_the_function_and_say_keyword_only(name):
    L = getattr(lossfns, name)
    args, _ = sample(BY_NAME[name], 0)
    default = next(iter(v for k, v in L.hyper.items()
                        if inspect.signature(L.kernel).parameters[k].kind is
                        inspect.Parameter.KEYWORD_ONLY))
    with pytest.raises(ValueError, match=rf"^{name}\(\) takes {len(args)} positional arguments "
                                         rf"but {len(args) + 1} were given; its hyper-"
                                         rf"parameters? .* keyword-only: call it as "
                                         rf"lossfns\.{name}\("):
        L(*args, default)
    with pytest.raises(TypeError):  # also a TypeError, as Python's own for a bad call
        L(*args, default)
    with pytest.raises(ValueError, match=rf"^{name}\(\) got an unexpected keyword argument "
                                         r"'nonsense'"):
        L(*args, nonsense=1)


def test_missing_arguments_name_the_function():
    with pytest.raises(ValueError, match=r"^mse\(\) is missing arguments: y_pred"):
        lossfns.mse([1.0])


# -------------------------------------------------------------------------------- tensors, dtypes
@pytest.mark.parametrize("spec, k", CASES)
def test_torch_tensors_are_read_detached(spec, k):
    """A tensor that requires grad is read as its values (the result is a NumPy number)."""
    args, hyper = sample(spec, k)
    tensors = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
               if i in _float_args(spec, args) else a for i, a in enumerate(args)]
    assert spec.loss(*tensors, **hyper) == spec.loss(*args, **hyper)


@pytest.mark.parametrize("spec, k", CASES)
def test_float32_in_float64_out(spec, k):
    """The dtype policy (lossfns.core): computed in float64, whatever the input's float type."""
    args, hyper = sample(spec, k)
    low = [np.asarray(a, dtype=np.float32) if i in _float_args(spec, args) else a
           for i, a in enumerate(args)]
    value, grad = spec.loss.value_and_grad(*low, reduction="none", **hyper)
    ref_value, ref_grad = spec.loss.value_and_grad(
        *[np.asarray(a, dtype=np.float64) if i in _float_args(spec, args) else a
          for i, a in enumerate(low)], reduction="none", **hyper)
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, ref_value)
    for g, r in zip(as_tuple(grad), as_tuple(ref_grad)):
        assert g.dtype == np.float64
        np.testing.assert_array_equal(g, r)


@pytest.mark.parametrize("spec, k", CASES)
def test_inputs_are_left_alone(spec, k):
    args, hyper = sample(spec, k)
    copies = [np.array(a, copy=True) for a in args]
    spec.loss.value_and_grad(*args, **hyper)
    spec.loss.value_and_grad(*args, reduction="none", **hyper)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)

