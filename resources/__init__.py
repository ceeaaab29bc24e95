"""Shipped data: model checkpoint and card, configs, presets, examples, mocap clips."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent
