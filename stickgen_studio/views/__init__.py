"""Qt views: main window, viewport, timeline, panels and dialogs."""
