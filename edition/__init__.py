"""Static digital-edition (数字报) generator: content → model → render → write."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT = Path(__file__).resolve().parent.parent
LUNR_JS = PROJECT / "node_modules/lunr/lunr.min.js"  # pinned in package.json, installed by `npm ci`
