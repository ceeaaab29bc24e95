"""Entry point of ``stickgen-studio``: create the QApplication and show the main window.

``stickgen-studio [PROJECT] [--model VARIANT_OR_PATH]``. The window shows at once; the model
loads in the background.
"""
from __future__ import annotations

import argparse
import sys
import traceback


def _install_excepthook(window) -> None:
    """An unexpected error in any handler becomes a message, not a dead app."""
    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        try:
            window.show_message(f"Something went wrong: {value}. Your project is unchanged; "
                                "please save your work.", "error")
        except Exception:  # the window itself is gone
            pass

    sys.excepthook = hook


def main(argv: list[str] | None = None) -> int:
    from engine.cpu import prepare_process

    # Before torch loads: each generation runs on the cores free at that moment (two when the
    # machine is free, one beside a training job, which the app starts at a lower priority with
    # sleeping threads: engine.cpu).
    prepare_process()
    from PySide6.QtWidgets import QApplication

    parser = argparse.ArgumentParser(prog="stickgen-studio",
                                     description="Stick-Gen Studio: text to stick-figure animation")
    parser.add_argument("project", nargs="?", help="a .stickgen project to open")
    parser.add_argument("--model", help="model variant (small, ...) or checkpoint path")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    app = QApplication.instance() or QApplication([sys.argv[0]] + qt_args)
    app.setApplicationName("Stick-Gen Studio")
    app.setOrganizationName("Stick-Gen")
    from .views.main_window import MainWindow
    from .views.theme import apply_theme

    apply_theme(app)
    window = MainWindow(model=args.model)
    window.show()
    _install_excepthook(window)
    if args.project:
        window.files.open_path(args.project)
    else:
        window.files.check_startup_recovery()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
