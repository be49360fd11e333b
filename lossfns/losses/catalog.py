"""What the book says about each loss, in one place: names in English, 简体 and 繁體 (Taiwan
usage, 國教院 terms: 概似 for likelihood, 鉸鏈 for hinge), a one-line summary in English and
Simplified Chinese, the equivalents in PyTorch, Keras and scikit-learn, the conventions that
differ from them, and the references.

The code of a loss (its kernel, formula and argument domains) lives in its family's module;
`lossfns.core.loss` joins the two by the loss's name, and the tests check that every loss has an
entry here and every entry a loss. Traditional summaries are generated
(`lossfns.course.lang.to_traditional`); the names are reviewed by hand.
"""

CATALOG = {
    # ---------------------------------------------------------------------------- regression
    "mse": {
        "title": "Mean squared error",
        "zh": "均方误差",
        "zh_hant": "均方誤差",
        "summary": "sensitive to outliers; minimised by the mean",
        "summary_zh": "对异常值敏感；最优常数是均值",
        "torch": "F.mse_loss(y_pred, y_true)",
        "keras": "keras.losses.MeanSquaredError()",
        "sklearn": "sklearn.metrics.mean_squared_error",
        "caveat": "no ½ factor (scikit-learn's `HalfSquaredError` and many texts use ½r²)",
        "caveat_zh": "没有 ½ 系数（scikit-learn 的 `HalfSquaredError` 和许多教材用 ½r²）",
        "references": ("Gauss 1809; Legendre 1805",),
    },
    "mae": {
        "title": "Mean absolute error",
        "zh": "平均绝对误差",
        "zh_hant": "平均絕對誤差",
        "summary": "robust to outliers; minimised by the median",
        "summary_zh": "对异常值稳健；最优常数是中位数",
        "torch": "F.l1_loss(y_pred, y_true)",
        "keras": "keras.losses.MeanAbsoluteError()",
        "sklearn": "sklearn.metrics.mean_absolute_error",
        "caveat": "gradient at r = 0 taken as 0 (as torch)",
        "caveat_zh": "r = 0 处的梯度取 0（同 torch）",
        "references": ("Laplace 1774",),
    },
    "huber": {
        "title": "Huber loss",
        "zh": "Huber 损失",
        "zh_hant": "Huber 損失",
        "summary": "quadratic near 0, linear for large errors: MSE and MAE combined",
        "summary_zh": "小误差时二次、大误差时线性：MSE 与 MAE 的折中",
        "torch": "F.huber_loss(y_pred, y_true, delta=delta)",
        "keras": "keras.losses.Huber(delta=1.0)",
        "sklearn": "sklearn.linear_model.HuberRegressor",
        "caveat": "torch `smooth_l1_loss(beta)` = huber / β; scikit-learn's "
                  "`HuberRegressor(epsilon)` rescales residuals by a fitted σ",
        "caveat_zh": ("torch `smooth_l1_loss(beta)` = huber / β；scikit-learn 的 `HuberRegressor("
                      "epsilon)` 先用拟合出的 σ 缩放残差"),
        "references": ("Huber 1964, Robust Estimation of a Location Parameter",),
    },
    "log_cosh": {
        "title": "Log-cosh loss",
        "zh": "Log-cosh 损失",
        "zh_hant": "Log-cosh 損失",
        "summary": "smooth everywhere; like ½r² near 0 and like |r| − log 2 far away",
        "summary_zh": "处处光滑；小误差近似 ½r²，大误差近似 |r| − log 2",
        "keras": "keras.losses.LogCosh()",
        "caveat": "not in torch; Keras `LogCosh` uses the same formula",
        "caveat_zh": "torch 中没有；Keras `LogCosh` 公式相同",
        "references": ("optax.losses.log_cosh", "keras.losses.LogCosh"),
    },
    "quantile": {
        "title": "Quantile (pinball) loss",
        "zh": "分位数损失",
        "zh_hant": "分位數損失",
        "summary": "asymmetric MAE; minimised by the q-quantile",
        "summary_zh": "非对称的 MAE；最优常数是 q 分位数",
        "sklearn": "sklearn.metrics.mean_pinball_loss(alpha=q)",
        "caveat": "not in torch or Keras core; scikit-learn calls q `alpha`",
        "caveat_zh": "torch 和 Keras 核心库中都没有；scikit-learn 把 q 叫作 `alpha`",
        "references": ("Koenker & Bassett 1978, Regression Quantiles",),
    },
    # ---------------------------------------------------------------------------- likelihood
    "gaussian_nll_loss": {
        "title": "Gaussian negative log-likelihood",
        "zh": "高斯负对数似然损失",
        "zh_hant": "高斯負對數概似損失",
        "summary": "the model predicts a mean and a variance: errors cost less where it admits "
                   "uncertainty, but admitting it costs log σ²",
        "summary_zh": "模型同时预测均值和方差：声明不确定的地方误差代价小，但声明本身要付出 log σ²",
        "torch": "F.gaussian_nll_loss(mean, y_true, var)",
        "caveat": "`.grad` returns (∂/∂mean, ∂/∂var); var is clamped to eps, with the gradient "
                  "passed through the clamp (as torch); the constant ½ log 2π only with full=True",
        "caveat_zh": ("`.grad` 返回 (∂/∂mean, ∂/∂var)；var 被截断到 eps，梯度直接穿过截断（同 tor"
                      "ch）；常数 ½ log 2π 仅在 full=True 时计入"),
        "references": ("Nix & Weigend 1994, Estimating the Mean and Variance of the Target "
                       "Probability Distribution",
                       "Prince 2023, Understanding Deep Learning, ch. 5"),
    },
    "poisson_nll_loss": {
        "title": "Poisson negative log-likelihood",
        "zh": "泊松负对数似然损失",
        "zh_hant": "卜瓦松負對數概似損失",
        "summary": "for counts: the model predicts a log-rate (or a rate) of a Poisson "
                   "distribution",
        "summary_zh": "用于计数：模型预测泊松分布的对数速率（或速率）",
        "torch": "F.poisson_nll_loss(y_pred, y_true, log_input=log_input)",
        "keras": "keras.losses.Poisson()",
        "sklearn": "sklearn.metrics.mean_poisson_deviance",
        "caveat": "drops log(y!) unless full=True (then Stirling's form, for y > 1 only, as "
                  "torch); sklearn's deviance is 2× this loss minus its value at ŷ = y; Keras "
                  "takes the rate",
        "caveat_zh": ("省略 log(y!)，除非 full=True（此时用 Stirling 近似，仅对 y > 1，同 torch）"
                      "；sklearn 的偏差（deviance）是本损失的 2 倍减去其在 ŷ = y 处的值；Keras 的"
                      "输入是速率"),
        "references": ("Nelder & Wedderburn 1972, Generalized Linear Models",
                       "Prince 2023, Understanding Deep Learning, ch. 5"),
    },
    # ---------------------------------------------------------------------------- binary
    "binary_cross_entropy": {
        "title": "Binary cross-entropy",
        "zh": "二元交叉熵",
        "zh_hant": "二元交叉熵",
        "summary": "log-loss on probabilities; the standard binary loss",
        "summary_zh": "基于概率的对数损失；二分类最常用",
        "torch": "F.binary_cross_entropy(y_prob, y_true)",
        "keras": "keras.losses.BinaryCrossentropy()",
        "sklearn": "sklearn.metrics.log_loss",
        "caveat": "each log clamped at −100 (as torch); scikit-learn `log_loss` and Keras clip p "
                  "instead",
        "caveat_zh": ("每个 log 截断在 −100（同 torch）；scikit-learn `log_loss` 和 Keras 改为截"
                      "断 p"),
        "references": ("Cox 1958 (logistic regression)",),
    },
    "binary_cross_entropy_with_logits": {
        "title": "Binary cross-entropy with logits",
        "zh": "带 logits 的二元交叉熵",
        "zh_hant": "帶 logits 的二元交叉熵",
        "summary": "BCE computed from the logit: stable for any score",
        "summary_zh": "由 logit 直接计算的 BCE：数值稳定",
        "torch": "F.binary_cross_entropy_with_logits(logits, y_true)",
        "keras": "keras.losses.BinaryCrossentropy(from_logits=True)",
        "caveat": "`pos_weight` multiplies only the positive term (as torch); Keras needs "
                  "`from_logits=True`",
        "caveat_zh": "`pos_weight` 只乘正类项（同 torch）；Keras 需要 `from_logits=True`",
        "references": ("Cox 1958 (logistic regression)",),
    },
    "hinge": {
        "title": "Hinge loss",
        "zh": "合页损失",
        "zh_hant": "鉸鏈損失",
        "summary": "margin loss of the SVM; zero only beyond the margin y·s ≥ 1",
        "summary_zh": "SVM 的间隔损失；只有 y·s ≥ 1 时为零",
        "keras": "keras.losses.Hinge()",
        "sklearn": "sklearn.metrics.hinge_loss",
        "caveat": "labels must be −1/+1 (Keras converts 0/1 itself; scikit-learn accepts any two "
                  "labels)",
        "caveat_zh": ("标签必须是 −1/+1（Keras 会自行把 0/1 转换过来；scikit-learn 接受任意两种标"
                      "签）"),
        "references": ("Cortes & Vapnik 1995, Support-Vector Networks",),
    },
    "squared_hinge": {
        "title": "Squared hinge loss",
        "zh": "平方合页损失",
        "zh_hant": "平方鉸鏈損失",
        "summary": "smooth hinge: differentiable, punishes large violations more",
        "summary_zh": "平滑的合页损失：可微，对大的违例惩罚更重",
        "keras": "keras.losses.SquaredHinge()",
        "sklearn": "sklearn.svm.LinearSVC(loss='squared_hinge')",
        "caveat": "the default loss of scikit-learn's `LinearSVC`",
        "caveat_zh": "scikit-learn `LinearSVC` 的默认损失",
        "references": ("Cortes & Vapnik 1995",),
    },
    "focal_loss": {
        "title": "Focal loss",
        "zh": "焦点损失",
        "zh_hant": "焦點損失",
        "summary": "BCE scaled down by (1 − p_t)^γ on easy, well-classified examples",
        "summary_zh": "用 (1 − p_t)^γ 压低容易样本的 BCE，让训练关注难样本",
        "torch": "torchvision.ops.sigmoid_focal_loss(logits, y_true, alpha=alpha, gamma=gamma)",
        "keras": "keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, "
                 "alpha=alpha, gamma=gamma, from_logits=True)",
        "caveat": "`alpha=None` turns the α term off (torchvision: `alpha < 0`); not in torch "
                  "core",
        "caveat_zh": "`alpha=None` 关闭 α 项（torchvision 用 `alpha < 0`）；torch 核心库中没有",
        "references": ("Lin et al. 2017, Focal Loss for Dense Object Detection",),
    },
    # ---------------------------------------------------------------------------- multiclass
    "cross_entropy": {
        "title": "Cross-entropy (softmax)",
        "zh": "交叉熵（Softmax）",
        "zh_hant": "交叉熵（Softmax）",
        "summary": "the standard multiclass loss; for one-hot y only −log p of the true class "
                   "remains",
        "summary_zh": "多分类的标准损失；独热标签时只剩真实类别的 −log p",
        "torch": "F.cross_entropy(logits, y_true, weight=weight, "
                 "label_smoothing=label_smoothing)",
        "keras": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        "sklearn": "sklearn.metrics.log_loss",
        "caveat": "weighted \"mean\" divides by Σ w_y (as torch); Keras's default expects "
                  "probabilities (`from_logits=False`)",
        "caveat_zh": ("加权的 \"mean\" 除以 Σ w_y（同 torch）；Keras 默认输入是概率（`from_logits"
                      "=False`）"),
        "references": ("Szegedy et al. 2016, Rethinking the Inception Architecture (label "
                       "smoothing)",),
    },
    "nll_loss": {
        "title": "Negative log-likelihood",
        "zh": "负对数似然",
        "zh_hant": "負對數概似",
        "summary": "cross-entropy on log-probabilities (after log_softmax)",
        "summary_zh": "作用于对数概率（log_softmax 之后）的交叉熵",
        "torch": "F.nll_loss(log_probs, y_true, weight=weight)",
        "caveat": "input is log-probabilities (apply `log_softmax` first)",
        "caveat_zh": "输入是对数概率（先做 `log_softmax`）",
        "references": ("Fisher 1922 (maximum likelihood)",),
    },
    "multiclass_hinge": {
        "title": "Multiclass hinge loss",
        "zh": "多类合页损失",
        "zh_hant": "多類鉸鏈損失",
        "summary": "Weston–Watkins (sum over wrong classes) or Crammer–Singer (max)",
        "summary_zh": "Weston–Watkins（对错误类别求和）或 Crammer–Singer（取最大）",
        "torch": "C * F.multi_margin_loss(scores, y_true, margin=margin)  # Weston–Watkins",
        "keras": "keras.losses.CategoricalHinge()  # Crammer–Singer with one-hot y",
        "sklearn": "sklearn.metrics.hinge_loss  # Crammer–Singer",
        "caveat": "torch `multi_margin_loss` divides by C; scikit-learn `hinge_loss` is "
                  "Crammer–Singer",
        "caveat_zh": ("torch `multi_margin_loss` 除以 C；scikit-learn `hinge_loss` 用的是 Crammer"
                      "–Singer 形式"),
        "references": ("Weston & Watkins 1999, Support Vector Machines for Multi-Class Pattern "
                       "Recognition",
                       "Crammer & Singer 2001, On the Algorithmic Implementation of Multiclass "
                       "Kernel-based Vector Machines"),
    },
    # ---------------------------------------------------------------------------- distribution
    "kl_divergence": {
        "title": "Kullback–Leibler divergence",
        "zh": "KL 散度",
        "zh_hant": "KL 散度",
        "summary": "extra nats paid for coding p with q; not symmetric, not a distance",
        "summary_zh": "用 q 编码 p 时多付出的信息量；不对称，不是距离",
        "torch": "F.kl_div(q.log(), p, reduction=\"batchmean\")",
        "keras": "keras.losses.KLDivergence()",
        "caveat": "torch `kl_div(q.log(), p)`: arguments reversed and in log space; torch "
                  "`batchmean` = our \"mean\"",
        "caveat_zh": ("torch `kl_div(q.log(), p)`：参数顺序相反且在对数空间；torch 的 `batchmean`"
                      " 即本库的 \"mean\""),
        "references": ("Kullback & Leibler 1951, On Information and Sufficiency",),
    },
    # ---------------------------------------------------------------------------- segmentation
    "dice_loss": {
        "title": "Soft Dice loss",
        "zh": "Dice 损失",
        "zh_hant": "Dice 損失",
        "summary": "1 − soft Dice overlap per sample; true negatives (background predicted as "
                   "background) do not enter",
        "summary_zh": "每个样本 1 − 软 Dice 重叠度；真阴性（背景预测为背景）不进入公式",
        "caveat": "smooth term s in numerator and denominator; linear sums in the denominator "
                  "(the V-Net paper squares them)",
        "caveat_zh": "分子和分母都加平滑项 s；分母用线性求和（V-Net 论文用平方和）",
        "references": ("Milletari, Navab & Ahmadi 2016, V-Net: Fully Convolutional Neural "
                       "Networks for Volumetric Medical Image Segmentation",
                       "Sørensen 1948; Dice 1945 (the Dice–Sørensen coefficient)"),
    },
    # ---------------------------------------------------------------------------- metric learning
    "contrastive_loss": {
        "title": "Contrastive loss",
        "zh": "对比损失",
        "zh_hant": "對比損失",
        "summary": "pulls similar pairs together, pushes dissimilar ones beyond the margin m",
        "summary_zh": "拉近相似样本对，把不相似的样本对推到间隔 m 之外",
        "caveat": "y = 1 marks similar pairs, the reverse of Hadsell et al. 2006 (Y = 0 "
                  "similar); no ½ (they have ½)",
        "caveat_zh": ("y = 1 表示相似对，与 Hadsell 等人 2006 年的约定相反（他们用 Y = 0 表示相似"
                      "）；没有 ½（原文有 ½）"),
        "references": ("Hadsell, Chopra & LeCun 2006, Dimensionality Reduction by Learning an "
                       "Invariant Mapping",),
    },
    "triplet_loss": {
        "title": "Triplet margin loss",
        "zh": "三元组损失",
        "zh_hant": "三元組損失",
        "summary": "the positive must be closer to the anchor than the negative, by a margin",
        "summary_zh": "正样本到锚点的距离要比负样本近至少一个间隔",
        "torch": "F.triplet_margin_loss(anchor, positive, negative, margin=margin)",
        "caveat": "unsquared distances, as torch (which adds eps = 1e-6 inside each); FaceNet "
                  "squares them, on L2-normalised embeddings",
        "caveat_zh": ("距离不平方，同 torch（torch 在每个距离内加 eps = 1e-6）；FaceNet 在 L2 归"
                      "一化的嵌入上使用平方距离"),
        "references": ("Schroff, Kalenichenko & Philbin 2015, FaceNet: A Unified Embedding for "
                       "Face Recognition and Clustering",),
    },
    "margin_ranking_loss": {
        "title": "Margin ranking loss",
        "zh": "间隔排序损失",
        "zh_hant": "間隔排序損失",
        "summary": "hinge on the score difference: x1 should outrank x2 when y = +1",
        "summary_zh": "作用于分数差的合页损失：y = +1 时 x1 应排在 x2 之前",
        "torch": "F.margin_ranking_loss(x1, x2, y_true, margin=margin)",
        "caveat": "y = +1 means x1 should rank above x2 (as torch)",
        "caveat_zh": "y = +1 表示 x1 应排在 x2 之前（同 torch）",
        "references": ("Burges et al. 2005, Learning to Rank using Gradient Descent",
                       "torch.nn.MarginRankingLoss"),
    },
    # ---------------------------------------------------------------------------- sequence
    "ctc_loss": {
        "title": "Connectionist temporal classification (CTC) loss",
        "zh": "CTC 损失（连接时序分类）",
        "zh_hant": "CTC 損失（連接時序分類）",
        "summary": "sums over every frame alignment of an unsegmented label sequence (speech, "
                   "handwriting); 'mean' divides each loss by its target length",
        "summary_zh": "对未分段标签序列的所有帧对齐求和（语音、手写识别）；"
                      "'mean' 先将每个损失除以其目标长度",
        "torch": "F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank)",
        "keras": "keras.losses.CTC()  # logits, batch first, blank 0",
        "caveat": "\"mean\" divides each loss by its target length first (as torch); `.grad` is "
                  "w.r.t. free log-probabilities",
        "caveat_zh": ("\"mean\" 先把每个损失除以其目标长度（同 torch）；`.grad` 是对自由的对数概"
                      "率求的"),
        "references": ("Graves, Fernández, Gomez & Schmidhuber 2006, Connectionist Temporal "
                       "Classification: Labelling Unsegmented Sequence Data with Recurrent "
                       "Neural Networks (ICML)",),
    },
}
