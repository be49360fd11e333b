"""The losses, one module per family: regression, likelihood, classification, distribution, metric,
segmentation, sequence. Each public loss is a `lossfns.core.Loss` object."""
