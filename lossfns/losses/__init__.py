"""The losses, one module per family: regression, classification, distribution, metric,
segmentation, sequence. Each public loss is a `lossfns.core.Loss` object."""
