"""Stick-Gen Studio: the PySide6 + pyqtgraph application over ``engine``."""
