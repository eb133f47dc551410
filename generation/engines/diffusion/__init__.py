"""Generative brand headshots with diffusers (GPU workers; CPU works, slowly).

Importing this package does not import torch: that happens when a
pipeline is first loaded.
"""

from .engine import DiffusionEngine
from .options import DiffusionOptions, options_for

__all__ = ["DiffusionEngine", "DiffusionOptions", "options_for"]
