"""The open project as a Qt document: undo stack, narrow change signals, playhead, selection."""
from .document import Document  # noqa: F401
from .playhead import Playhead  # noqa: F401
