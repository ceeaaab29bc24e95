"""Face and voice: set an expression or a speech style at the playhead or over the selected
frames of the current actor. The face in the viewport shows it at once."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from engine.actions import EXPRESSIONS, SPEECH_STYLES

from ..document import edits
from ..document.scene import SILENT

SPEECH_TIPS = {"talk": "Talking mouth", "shout": "Wide, slower shouting",
               "whisper": "Small quick movements", "sing": "Long open vowels",
               SILENT: "Close the mouth (remove speech)"}


class ExpressionPanel(QWidget):
    error = Signal(str)   # an edit that could not be made, in words for the user

    def __init__(self, doc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(8)
        self.now = QLabel(self)
        self.now.setWordWrap(True)
        lay.addWidget(self.now)
        self.where = QLabel(self)
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        lay.addWidget(self.where)

        title = QLabel("Expression", self)
        title.setObjectName("section")
        lay.addWidget(title)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.expression_buttons = {}
        for i, name in enumerate(EXPRESSIONS):
            b = QPushButton(name.capitalize(), self)
            b.setToolTip(f"Look {name} from the playhead on, or over the selected frames")
            b.clicked.connect(lambda _=False, n=name: self.set_expression(n))
            grid.addWidget(b, i // 3, i % 3)
            self.expression_buttons[name] = b
        lay.addLayout(grid)

        title = QLabel("Speech", self)
        title.setObjectName("section")
        lay.addWidget(title)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.speech_buttons = {}
        for i, name in enumerate(SPEECH_STYLES + (SILENT,)):
            b = QPushButton(name.capitalize(), self)
            b.setToolTip(SPEECH_TIPS[name] + " over the selected frames, or from the playhead "
                                             "for the length below")
            b.clicked.connect(lambda _=False, n=name: self.set_speech(n))
            grid.addWidget(b, i // 3, i % 3)
            self.speech_buttons[name] = b
        lay.addLayout(grid)
        row = QHBoxLayout()
        row.addWidget(QLabel("Without a selection, speak for", self))
        self.length = QDoubleSpinBox(self)
        self.length.setRange(0.2, 60.0)
        self.length.setValue(2.0)
        self.length.setSuffix(" s")
        row.addWidget(self.length)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)

        for sig in (doc.expressions_changed, doc.speech_changed, doc.motion_changed):
            sig.connect(self.refresh)
        for sig in (doc.actors_changed, doc.project_replaced, doc.playhead.frame_changed,
                    doc.selection.range_changed, doc.selection.actor_changed):
            sig.connect(self.refresh)
        self.refresh()

    def _span(self) -> tuple[int, int | None]:
        rng = self.doc.selection.range
        return (rng[0], rng[1]) if rng else (self.doc.playhead.frame, None)

    def set_expression(self, name: str) -> None:
        actor = self.doc.current_actor()
        if actor is None:
            return
        start, stop = self._span()
        edits.set_expression(self.doc, self.doc.selection.actor, start, name, stop)

    def set_speech(self, style: str) -> None:
        actor = self.doc.current_actor()
        if actor is None:
            return
        start, stop = self._span()
        if stop is None:
            stop = start + max(1, int(round(self.length.value() * actor.motion.fps)))
        try:
            edits.set_speech(self.doc, self.doc.selection.actor, start, stop, style)
        except ValueError as exc:
            self.error.emit(str(exc))

    def refresh(self, *_) -> None:
        actor = self.doc.current_actor()
        for b in list(self.expression_buttons.values()) + list(self.speech_buttons.values()):
            b.setEnabled(actor is not None)
        if actor is None:
            self.now.setText("Generate an actor to give it a face and a voice.")
            self.where.setText("")
            return
        m = self.doc.motion_of(self.doc.selection.actor)
        f = min(self.doc.playhead.frame, m.num_frames - 1)
        speech = m.speech[f] or "silent"
        self.now.setText(f"<b>{actor.name}</b> at frame {f}: looks <b>{m.expressions[f]}</b>, "
                         f"<b>{speech}</b>")
        rng = self.doc.selection.range
        self.where.setText(f"Buttons apply to the selected frames {rng[0]}–{rng[1] - 1}." if rng
                           else "Buttons apply from the playhead. Drag across the timeline to "
                                "choose a range instead.")
