"""lossfns.core: the Loss type, reductions, the catalog and its table, and the input checks."""
from __future__ import annotations

import re

import numpy as np
import pytest

import lossfns
from lossfns import core as _core
from lossfns.core import (
    KernelOut,
    Loss,
    as_float_array,
    check_choice,
    check_class_indices,
    check_in_range,
    check_labels_in,
    check_nonnegative,
    check_open_interval,
    check_pair,
    check_positive,
    check_probabilities,
)

from conftest import assert_close

#: the losses of the core modules (regression, classification); other modules add more.
CORE_LOSSES = ("mse", "mae", "huber", "log_cosh", "quantile", "binary_cross_entropy",
               "binary_cross_entropy_with_logits", "hinge", "squared_hinge", "cross_entropy",
               "nll_loss", "multiclass_hinge")

#: one valid call per core loss: (y_true, y_pred) for the default hyper-parameters.
VALID_INPUTS = {
    "mse": ([1.0, 2.0, 3.0], [1.5, 1.0, 3.25]),
    "mae": ([1.0, 2.0, 3.0], [1.5, 1.0, 3.25]),
    "huber": ([1.0, 2.0, 3.0], [1.5, 0.0, 3.25]),
    "log_cosh": ([1.0, 2.0, 3.0], [1.5, 1.0, 3.25]),
    "quantile": ([1.0, 2.0, 3.0], [1.5, 1.0, 3.25]),
    "binary_cross_entropy": ([1.0, 0.0, 1.0], [0.9, 0.2, 0.4]),
    "binary_cross_entropy_with_logits": ([1.0, 0.0, 1.0], [2.0, -1.0, -0.5]),
    "hinge": ([1.0, -1.0, 1.0], [0.3, 0.5, 2.0]),
    "squared_hinge": ([1.0, -1.0, 1.0], [0.3, 0.5, 2.0]),
    "cross_entropy": ([0, 2], [[1.0, 0.5, -1.0], [0.2, 0.1, 0.3]]),
    "nll_loss": ([0, 2], [[-0.5, -1.2, -2.0], [-1.0, -1.5, -0.9]]),
    "multiclass_hinge": ([0, 2], [[1.0, 0.5, -1.0], [0.2, 0.1, 0.3]]),
}


@pytest.fixture
def registry(monkeypatch):
    """An empty, private loss registry: toy losses registered here do not leak into lossfns."""
    reg = {}
    monkeypatch.setattr(_core, "_REGISTRY", reg)
    return reg


# --------------------------------------------------------------------------------------------
# Metadata and catalog
# --------------------------------------------------------------------------------------------
def test_core_losses_are_exported_and_registered():
    names = [L.name for L in lossfns.catalog()]
    assert len(names) == len(set(names)), "loss names must be unique"
    for name in CORE_LOSSES:
        L = getattr(lossfns, name)
        assert isinstance(L, Loss)
        assert L.name == name
        assert name in names
        assert name in lossfns.__all__


@pytest.mark.parametrize("name", CORE_LOSSES)
def test_metadata(name):
    L = getattr(lossfns, name)
    assert L.title and L.title[0].isupper()
    assert re.search(r"[\u4e00-\u9fff]", L.zh), "zh must hold Simplified Chinese"
    assert L.task in _core.TASKS_ORDER
    assert L.formula and "|" not in L.formula and "$" not in L.formula
    assert L.torch is None or L.torch.startswith(("F.", "C * F."))
    assert isinstance(L.references, tuple) and L.references
    assert all(isinstance(r, str) and r for r in L.references)
    # the docstring is the kernel's, and names the gradient
    assert L.__doc__ and "Gradient" in L.__doc__
    assert L.__name__ == name
    assert repr(L) == f"<Loss {name}: {L.title} ({L.zh}), task={L.task}>"


@pytest.mark.parametrize("name", CORE_LOSSES)
def test_hyper_defaults_match_the_kernel_signature(name):
    import inspect
    L = getattr(lossfns, name)
    params = inspect.signature(L.kernel).parameters
    kw_only = {k: p.default for k, p in params.items() if p.kind is p.KEYWORD_ONLY}
    assert kw_only == L.hyper


def test_catalog_order_and_filter():
    every = lossfns.catalog()
    order = [_core.TASKS_ORDER.index(L.task) for L in every if L.task in _core.TASKS_ORDER]
    assert order == sorted(order), "catalog is in teaching order of tasks"
    assert {L.name for L in lossfns.catalog("regression")} >= {
        "mse", "mae", "huber", "log_cosh", "quantile"}
    assert all(L.task == "regression" for L in lossfns.catalog("regression"))
    assert {L.name for L in lossfns.catalog("multiclass")} >= {
        "cross_entropy", "nll_loss", "multiclass_hinge"}
    assert lossfns.catalog("no such task") == []


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    """Cells of a Markdown table row, split at unescaped pipes only (as a renderer does)."""
    assert row.startswith("|") and row.endswith("|"), row
    return [c.strip() for c in _UNESCAPED_PIPE.split(row)[1:-1]]


@pytest.mark.parametrize("lang", ["en", "zh", "zh-cn", "zh-tw"])
@pytest.mark.parametrize("task", [None, "regression", "binary", "multiclass"])
def test_catalog_table_is_well_formed(lang, task):
    table = lossfns.catalog_table(task, lang=lang)
    lines = table.splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    n = len(_cells(header))
    assert n == 6
    assert rule == "|" + "---|" * n
    expected = lossfns.catalog(task)
    assert len(rows) == len(expected), "one row per loss"
    formula_col = 3
    for L, row in zip(expected, rows):
        cells = _cells(row)
        assert len(cells) == n, f"row of {L.name} has {len(cells)} cells, header has {n}: {row}"
        assert cells[1] == f"`{L.name}`"
        words = {"en": "otherwise", "zh-tw": "其他情況"}.get(lang, "其他情况")
        assert cells[formula_col] == "$" + L.formula.replace("{otherwise}", "{%s}" % words) + "$"
        assert (L.zh_hant if lang == "zh-tw" else L.zh) in cells[0]


def test_catalog_table_in_three_languages():
    from lossfns.course.lang import to_traditional
    en = lossfns.catalog_table(task="segmentation", columns=("title", "task", "summary"))
    cn = lossfns.catalog_table(task="segmentation", columns=("title", "task", "summary"),
                               lang="zh-cn")
    tw = lossfns.catalog_table(task="segmentation", columns=("title", "task", "summary"),
                               lang="zh-tw")
    assert lossfns.catalog_table(lang="zh") == lossfns.catalog_table(lang="zh-cn")
    assert en.splitlines()[0] == "| Loss | Task | Notes |"
    assert cn.splitlines()[0] == "| 损失函数 | 任务 | 说明 |"
    assert tw.splitlines()[0] == "| 損失函數 | 任務 | 說明 |"
    dice = lossfns.dice_loss
    assert f"| {dice.title} ({dice.zh}) | segmentation | {dice.summary} |" in en
    assert f"| {dice.zh} ({dice.title}) | 图像分割 | {dice.summary_zh} |" in cn
    assert (f"| {dice.zh_hant} ({dice.title}) | {to_traditional('图像分割')} | "
            f"{to_traditional(dice.summary_zh)} |") in tw
    assert "真陰性" in tw  # the summary, in Traditional characters


def test_catalog_table_domain_column():
    table = lossfns.catalog_table(task="regression", columns=("name", "domain"))
    row = "| `huber` | y_true: real array; y_pred: real array; delta: a number in (0, ∞) |"
    assert row in table
    assert "q: a number in (0, 1)" in table


def test_catalog_facts_fixed_by_the_review():
    """Issue 11: contrastive's label convention is Hadsell et al.'s reversed; soft Dice ignores
    true negatives (it is not 'insensitive to background')."""
    assert "reverse of Hadsell et al. 2006 (Y = 0" in lossfns.contrastive_loss.caveat
    assert "true negatives" in lossfns.dice_loss.summary
    assert "background" not in lossfns.dice_loss.summary.split(";")[0]
    assert "（" not in lossfns.focal_loss.zh  # "焦点损失 (Focal loss)" in a table, not nested


def test_catalog_table_escapes_pipes_in_text(registry):
    @lossfns.loss(name="toy", title="Toy | pipe", zh="玩具", task="regression", formula="x^2",
                  summary="a | b", torch="F.x(a | b)", references=("r",))
    def toy(y_true, y_pred):
        """Toy."""
        t, p = check_pair(y_true, y_pred)
        return (p - t) ** 2, 2 * (p - t)

    table = lossfns.catalog_table()
    row = table.splitlines()[2]
    assert len(_cells(row)) == 6
    assert "Toy \\| pipe" in row and "a \\| b" in row


def test_catalog_table_columns_and_bad_arguments():
    table = lossfns.catalog_table(columns=("name", "formula"))
    assert table.splitlines()[0] == "| lossfns | Formula (per item) |"
    assert "$" + lossfns.mse.formula + "$" in table
    with pytest.raises(ValueError, match=r"lang.*'en', 'zh-cn', 'zh-tw'"):
        lossfns.catalog_table(lang="fr")
    with pytest.raises(ValueError, match=r"columns"):
        lossfns.catalog_table(columns=("name", "colour"))


def test_loss_decorator_refuses_duplicates_and_pipes(registry):
    def kernel(y_true, y_pred):
        """Toy."""
        return np.zeros(1), np.zeros(1)

    lossfns.loss(name="toy", title="T", zh="玩具", task="regression", formula="x")(kernel)
    with pytest.raises(RuntimeError, match="already registered"):
        lossfns.loss(name="toy", title="T", zh="玩具", task="regression", formula="x")(kernel)
    with pytest.raises(RuntimeError, match=r"lvert"):
        lossfns.loss(name="toy2", title="T", zh="玩具", task="regression", formula="|x|")(kernel)
    assert list(registry) == ["toy"]


# --------------------------------------------------------------------------------------------
# Reductions and the Loss call protocol
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CORE_LOSSES)
def test_reductions_are_consistent(name):
    L = getattr(lossfns, name)
    y_true, y_pred = VALID_INPUTS[name]
    items, g_items = L.value_and_grad(y_true, y_pred, reduction="none")
    total, g_total = L.value_and_grad(y_true, y_pred, reduction="sum")
    mean, g_mean = L.value_and_grad(y_true, y_pred, reduction="mean")
    n = np.size(items)
    assert isinstance(total, float) and isinstance(mean, float)
    assert isinstance(items, np.ndarray) and items.dtype == np.float64
    assert_close(total, items.sum(), 1e-12)
    assert_close(mean, items.sum() / n, 1e-12)
    assert_close(g_total, g_items, 1e-12)
    assert_close(g_mean, g_items / n, 1e-12)
    assert np.shape(g_mean) == np.shape(y_pred)
    # the default reduction is "mean"
    assert L(y_true, y_pred) == mean
    assert_close(L.grad(y_true, y_pred), g_mean, 0)


@pytest.mark.parametrize("name", CORE_LOSSES)
@pytest.mark.parametrize("bad", ["avg", "Mean", "", None, "elementwise_mean"])
def test_unknown_reduction_lists_the_valid_ones(name, bad):
    L = getattr(lossfns, name)
    y_true, y_pred = VALID_INPUTS[name]
    for call in (L, L.grad, L.value_and_grad):
        with pytest.raises(ValueError, match=r"reduction.*'mean', 'sum', 'none'"):
            call(y_true, y_pred, reduction=bad)


@pytest.mark.parametrize("name", CORE_LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_value_and_grad_equals_separate_calls(name, reduction):
    L = getattr(lossfns, name)
    y_true, y_pred = VALID_INPUTS[name]
    value, grad = L.value_and_grad(y_true, y_pred, reduction=reduction)
    np.testing.assert_array_equal(value, L(y_true, y_pred, reduction=reduction))
    np.testing.assert_array_equal(grad, L.grad(y_true, y_pred, reduction=reduction))


def test_weighted_mean_from_kernel(registry):
    """KernelOut.mean_weight drives "mean" for both the value and the gradient."""
    @lossfns.loss(name="toy_weighted", title="T", zh="玩具", task="regression", formula="x")
    def toy(y_true, y_pred):
        """Toy: items weighted 1:3."""
        t, p = check_pair(y_true, y_pred)
        return KernelOut(p * p, 2 * p, mean_weight=np.array([0.25, 0.75]))

    p = np.array([1.0, 2.0])
    value, grad = toy.value_and_grad([0.0, 0.0], p)
    assert value == 0.25 * 1 + 0.75 * 4
    assert_close(grad, [0.25 * 2, 0.75 * 4], 0)
    assert toy([0.0, 0.0], p, reduction="sum") == 5.0


def test_grad_weight_broadcasts_over_trailing_axes(registry):
    """Row-wise items: mean_weight (N,) is broadcast over the class axis of a (N, C) gradient."""
    @lossfns.loss(name="toy_rows", title="T", zh="玩具", task="multiclass", formula="x")
    def toy(y_true, y_pred):
        """Toy: one item per row."""
        x = np.asarray(y_pred, dtype=np.float64)
        return KernelOut(x.sum(axis=1), np.ones_like(x), mean_weight=np.array([0.5, 2.0]))

    x = np.arange(6.0).reshape(2, 3)
    value, grad = toy.value_and_grad(None, x)
    assert value == 0.5 * 3 + 2.0 * 12
    assert_close(grad, [[0.5] * 3, [2.0] * 3], 0)


def test_kernel_may_return_a_plain_tuple(registry):
    @lossfns.loss(name="toy_tuple", title="T", zh="玩具", task="regression", formula="x")
    def toy(y_true, y_pred):
        """Toy."""
        t, p = check_pair(y_true, y_pred)
        return p - t, np.ones_like(p)

    assert toy([0.0, 0.0, 0.0], [1.0, 2.0, 6.0]) == 3.0
    assert_close(toy.grad([0.0, 0.0, 0.0], [1.0, 2.0, 6.0]), [1 / 3] * 3, 1e-15)


# --------------------------------------------------------------------------------------------
# Inputs: lists, dtypes, shapes
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CORE_LOSSES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_any_float_dtype_is_computed_in_float64(name, dtype):
    L = getattr(lossfns, name)
    y_true, y_pred = VALID_INPUTS[name]
    p_low = np.asarray(y_pred, dtype=dtype)
    if name in ("cross_entropy", "nll_loss", "multiclass_hinge"):
        t_low, t64 = np.asarray(y_true), np.asarray(y_true)
    else:
        t_low = np.asarray(y_true, dtype=dtype)
        t64 = t_low.astype(np.float64)
    value, grad = L.value_and_grad(t_low, p_low, reduction="none")
    ref_value, ref_grad = L.value_and_grad(t64, p_low.astype(np.float64), reduction="none")
    assert value.dtype == np.float64 and np.asarray(grad).dtype == np.float64
    np.testing.assert_array_equal(value, ref_value)
    np.testing.assert_array_equal(grad, ref_grad)
    assert isinstance(L(t_low, p_low), float)


@pytest.mark.parametrize("name", CORE_LOSSES)
def test_lists_and_arrays_give_the_same_result(name):
    L = getattr(lossfns, name)
    y_true, y_pred = VALID_INPUTS[name]
    a = L.value_and_grad(np.asarray(y_true), np.asarray(y_pred), reduction="none")
    b = L.value_and_grad(list(y_true), list(y_pred), reduction="none")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "log_cosh", "quantile",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "hinge", "squared_hinge"])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), (1, 1, 1, 5)])
def test_elementwise_losses_accept_any_shape(name, shape, rng):
    """An N-D call equals the 1-D call on the flattened arrays, reshaped."""
    L = getattr(lossfns, name)
    if name in ("hinge", "squared_hinge"):
        t = rng.choice([-1.0, 1.0], size=shape)
    else:
        t = rng.uniform(0.0, 1.0, size=shape)
    p = rng.uniform(0.05, 0.95, size=shape)
    value, grad = L.value_and_grad(t, p, reduction="none")
    flat_v, flat_g = L.value_and_grad(t.ravel(), p.ravel(), reduction="none")
    assert value.shape == shape and grad.shape == shape
    np.testing.assert_array_equal(value.ravel(), flat_v)
    np.testing.assert_array_equal(grad.ravel(), flat_g)
    assert L(t, p) == pytest.approx(L(t.ravel(), p.ravel()), rel=1e-15)


# --------------------------------------------------------------------------------------------
# The input checks: ValueError naming the argument, with position and value
# --------------------------------------------------------------------------------------------
def test_as_float_array():
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array(3, "x").shape == ()
    with pytest.raises(ValueError, match=r"^x must not be empty; got an array of shape \(0,\)$"):
        as_float_array([], "x")
    with pytest.raises(ValueError, match=r"^x must not be empty.*\(2, 0\)"):
        as_float_array(np.zeros((2, 0)), "x")
    with pytest.raises(ValueError,
                       match=r"^x must be finite \(no NaN or inf\); got nan at position 2$"):
        as_float_array([1.0, 2.0, np.nan], "x")
    with pytest.raises(ValueError, match=r"^x must be finite.*got -inf at position \(1, 0\)$"):
        as_float_array([[1.0, 2.0], [-np.inf, 0.0]], "x")
    with pytest.raises(ValueError, match=r"^x must be finite.*got inf$"):
        as_float_array(np.inf, "x")
    with pytest.raises(ValueError, match=r"^x must be an array of numbers"):
        as_float_array("abc", "x")
    with pytest.raises(ValueError, match=r"^x must be an array of numbers"):
        as_float_array([[1.0, 2.0], [3.0]], "x")  # ragged
    with pytest.raises(ValueError, match=r"^x must be"):
        as_float_array(None, "x")  # numpy reads None as nan: refused all the same


def test_check_pair():
    t, p = check_pair([1, 2], [3.0, 4.0])
    assert t.dtype == p.dtype == np.float64
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape; "
                                         r"got \(3,\) and \(3, 1\)"):
        check_pair([1, 2, 3], [[1], [2], [3]])  # would broadcast to (3, 3): refused
    with pytest.raises(ValueError, match=r"^labels and scores must have the same shape"):
        check_pair([1, 2], [1, 2, 3], "labels", "scores")
    with pytest.raises(ValueError, match=r"^y_pred must not be empty"):
        check_pair([1.0], [])
    with pytest.raises(ValueError, match=r"^y_true must be finite"):
        check_pair([np.nan], [1.0])


def test_check_in_range_and_probabilities():
    check_probabilities(np.array([0.0, 0.5, 1.0]), "p")
    with pytest.raises(ValueError, match=r"^p must hold probabilities in \[0, 1\]; "
                                         r"got 1.5 at position 1$"):
        check_probabilities(np.array([0.5, 1.5]), "p")
    with pytest.raises(ValueError, match=r"got -0.1 at position \(1, 0\)"):
        check_probabilities(np.array([[0.5, 1.0], [-0.1, 0.0]]), "p")
    with pytest.raises(ValueError, match=r"^x must hold values in \[-2, 2\]; got 3"):
        check_in_range(np.array([3.0]), "x", -2, 2)
    with pytest.raises(ValueError, match=r"^p must hold probabilities"):
        check_probabilities(np.array(2.0), "p")  # 0-d input: no IndexError


def test_check_labels_in():
    check_labels_in(np.array([-1.0, 1.0, 1.0]), "y", (-1.0, 1.0))
    with pytest.raises(ValueError, match=r"^y must hold labels in \{-1, 1\}; got 0 at position 1 "
                                         r"\(use 2\*y - 1\)$"):
        check_labels_in(np.array([1.0, 0.0]), "y", (-1.0, 1.0), " (use 2*y - 1)")
    with pytest.raises(ValueError, match=r"^y must hold labels"):
        check_labels_in(np.array(0.5), "y", (-1.0, 1.0))


def test_check_class_indices():
    idx = check_class_indices([0, 4, 2.0], 5)
    assert idx.dtype == np.int64 and idx.tolist() == [0, 4, 2]
    assert check_class_indices(np.uint8(3), 5).shape == ()
    with pytest.raises(ValueError, match=r"^y_true must hold class indices in \[0, 5\); "
                                         r"got 7 at position 3$"):
        check_class_indices([0, 1, 2, 7, 9], 5)
    with pytest.raises(ValueError, match=r"got -1 at position 0$"):
        check_class_indices([-1, 1], 5)
    with pytest.raises(ValueError, match=r"got 5 at position \(1, 0\)$"):
        check_class_indices([[0, 1], [5, 2]], 5)
    with pytest.raises(ValueError, match=r"^y_true must hold integer class indices; "
                                         r"got 2.5 at position 1$"):
        check_class_indices([0.0, 2.5], 5)
    with pytest.raises(ValueError, match=r"^y_true must hold integer class indices; got nan"):
        check_class_indices([0.0, np.nan], 5)
    with pytest.raises(ValueError, match=r"^y_true must hold integer class indices; got inf"):
        check_class_indices([np.inf], 5)
    with pytest.raises(ValueError,
                       match=r"^labels must hold integer class indices; got dtype bool"):
        check_class_indices([True, False], 5, "labels")
    with pytest.raises(ValueError, match=r"^y_true must hold integer class indices; got dtype <U"):
        check_class_indices(["a", "b"], 5)
    with pytest.raises(ValueError, match=r"^y_true must not be empty"):
        check_class_indices([], 5)
    with pytest.raises(ValueError, match=r"^y_true must hold class indices in \[0, 3\); got 3$"):
        check_class_indices(3, 3)


@pytest.mark.parametrize("bad", [0, 0.0, -1, -1e-300, np.nan, np.inf, -np.inf, "x", None])
def test_check_positive(bad):
    with pytest.raises(ValueError, match=r"^delta must be"):
        check_positive(bad, "delta")


def test_check_positive_and_nonnegative_accept():
    assert check_positive(1e-300, "delta") == 1e-300
    assert check_positive(np.float32(2), "delta") == 2.0
    assert check_nonnegative(0, "gamma") == 0.0
    with pytest.raises(ValueError, match=r"^gamma must be >= 0; got -1"):
        check_nonnegative(-1, "gamma")
    with pytest.raises(ValueError, match=r"^gamma must be finite"):
        check_nonnegative(np.inf, "gamma")


@pytest.mark.parametrize("bad", [0, 1, 0.0, 1.0, -0.5, 1.5, np.nan, np.inf, "half"])
def test_check_open_interval(bad):
    with pytest.raises(ValueError, match=r"^q must be"):
        check_open_interval(bad, "q", 0.0, 1.0)
    assert check_open_interval(0.5, "q", 0.0, 1.0) == 0.5


def test_check_choice():
    assert check_choice("a", "mode", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b'; got 'c'$"):
        check_choice("c", "mode", ("a", "b"))


def test_catalog_formulas_speak_the_tables_language():
    rows = {lang: [r for r in lossfns.catalog_table("regression", columns=("name", "formula"),
                                                    lang=lang).splitlines() if "`huber`" in r][0]
            for lang in ("en", "zh-cn", "zh-tw")}
    assert r"\text{otherwise}" in rows["en"] and "其他" not in rows["en"]
    assert r"\text{其他情况}" in rows["zh-cn"] and "otherwise" not in rows["zh-cn"]
    assert r"\text{其他情況}" in rows["zh-tw"]
    assert lossfns.huber.formula.endswith(r"\text{otherwise}\end{cases}")   # the loss is as is

