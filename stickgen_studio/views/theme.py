"""The application's look: Fusion with a calm light palette and a small style sheet."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#3b7ddd"

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f3f4f7; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ padding: 6px 16px; margin-right: 2px; border: none; color: #5b6270;
    background: transparent; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: #1f2430; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover {{ color: #1f2430; }}
QLabel#section {{ color: #6b7280; font-weight: 600; margin-top: 6px; }}
QLabel#muted {{ color: #6b7280; }}
QLabel#title {{ font-size: 13pt; font-weight: 600; color: #1f2430; }}
QPushButton {{ background: #ffffff; border: 1px solid #d4d8e0; border-radius: 6px;
    padding: 5px 8px; color: #1f2430; }}
QPushButton:hover {{ background: #f1f4f9; border-color: #b9c0cc; }}
QPushButton:pressed {{ background: #e4e9f2; }}
QPushButton:disabled {{ color: #a6acb8; background: #f6f7f9; border-color: #e3e6ec; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid #2f6cc6;
    font-weight: 600; }}
QPushButton#primary:hover {{ background: #336fca; }}
QPushButton#primary:disabled {{ color: #a6acb8; background: #f6f7f9; border-color: #e3e6ec; }}
QToolButton {{ border: none; border-radius: 5px; padding: 3px; }}
QToolButton:hover {{ background: #e6e9ef; }}
QToolButton:checked {{ background: #dce7fb; }}
QPlainTextEdit, QLineEdit {{ background: #ffffff; border: 1px solid #d4d8e0;
    border-radius: 6px; padding: 3px 6px; selection-background-color: {ACCENT}; }}
QPlainTextEdit:focus, QLineEdit:focus {{ border-color: {ACCENT}; }}
QListWidget {{ background: #ffffff; border: 1px solid #e0e3e9; border-radius: 6px;
    padding: 2px; }}
QListWidget::item {{ padding: 4px 6px; border-radius: 4px; }}
QListWidget::item:selected {{ background: #dce7fb; color: #1f2430; }}
QProgressBar {{ background: #e4e7ed; border: none; border-radius: 3px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
QSplitter::handle {{ background: #e2e5ea; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QFrame#panel {{ background: #fbfbfc; }}
QFrame#toolbar {{ background: #fbfbfc; border-bottom: 1px solid #e2e5ea; }}
QFrame#messagebar {{ border-radius: 0px; border-bottom: 1px solid #e2e5ea; }}
QFrame#messagebar[level="info"] {{ background: #e8f0fe; }}
QFrame#messagebar[level="warning"] {{ background: #fff4e0; }}
QFrame#messagebar[level="error"] {{ background: #fdecec; }}
QStatusBar {{ background: #fbfbfc; border-top: 1px solid #e2e5ea; color: #4b5260; }}
QScrollBar:horizontal {{ height: 10px; background: transparent; }}
QScrollBar::handle:horizontal {{ background: #cfd4dc; border-radius: 4px; min-width: 30px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    for role, color in ((QPalette.Window, "#f3f4f7"), (QPalette.Base, "#ffffff"),
                        (QPalette.AlternateBase, "#f6f7f9"), (QPalette.Text, "#1f2430"),
                        (QPalette.WindowText, "#1f2430"), (QPalette.Button, "#ffffff"),
                        (QPalette.ButtonText, "#1f2430"), (QPalette.Highlight, ACCENT),
                        (QPalette.HighlightedText, "#ffffff"), (QPalette.ToolTipBase, "#ffffff"),
                        (QPalette.ToolTipText, "#1f2430"), (QPalette.PlaceholderText, "#9aa1ad")):
        pal.setColor(role, QColor(color))
    app.setPalette(pal)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
