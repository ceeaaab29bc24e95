"""The main window. This first version shows a motion file as a simple side-view stick figure."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Stick-Gen Studio")
        self.resize(1280, 800)
        label = QLabel("Stick-Gen Studio — type a prompt to animate (the editor arrives with issue 5)")
        label.setMargin(24)
        self.setCentralWidget(label)
        self.statusBar().showMessage("Ready")
