"""Static digital-edition (数字报) generator: content → model → render → write."""

__version__ = "0.1.0"
