"""Stick-Gen engine: skeleton, motion data, model, rendering and export. Never imports Qt."""
