"""Parts of the Training tab (see views/training_panel.py)."""
