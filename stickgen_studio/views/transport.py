"""Playback at the clip's frame rate, and the transport bar above the timeline.

The player advances by the wall clock, not by counting ticks, so a slow frame drops frames
instead of slowing the clip down; at the end it loops or stops.
"""
from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QSlider, QSpinBox, QToolButton, QWidget)

from .icons import icon


class Player(QObject):
    playing_changed = Signal(bool)

    def __init__(self, doc, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.loop = True
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._start_frame = 0

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        ph = self.doc.playhead
        if self.playing or ph.last_frame <= 0:
            return
        if ph.frame >= ph.last_frame:
            ph.set_frame(0)
        self._start_frame = ph.frame
        self._clock.start()
        self._timer.start(max(5, int(1000 / self.doc.fps / 2)))
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def _tick(self) -> None:
        ph = self.doc.playhead
        n = ph.last_frame + 1
        frame = self._start_frame + int(self._clock.elapsed() / 1000.0 * self.doc.fps)
        if frame >= n:
            if not self.loop:
                ph.set_frame(ph.last_frame)
                self.pause()
                return
            frame %= n
        ph.set_frame(frame)


class TransportBar(QWidget):
    def __init__(self, doc, player: Player, timeline, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.player, self.timeline = doc, player, timeline
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(6)

        def button(name: str, tip: str, slot, checkable: bool = False) -> QToolButton:
            b = QToolButton(self)
            b.setIcon(icon(name))
            b.setToolTip(tip)
            b.setCheckable(checkable)
            b.setAutoRaise(True)
            (b.toggled if checkable else b.clicked).connect(slot)
            lay.addWidget(b)
            return b

        button("start", "Go to start (Home)", lambda: doc.playhead.set_frame(0))
        button("step_back", "Previous frame (←)",
               lambda: doc.playhead.set_frame(doc.playhead.frame - 1))
        self.play_button = button("play", "Play / pause (Space)", player.toggle)
        button("step_forward", "Next frame (→)",
               lambda: doc.playhead.set_frame(doc.playhead.frame + 1))
        button("end", "Go to end (End)", lambda: doc.playhead.set_frame(doc.playhead.last_frame))
        self.loop_button = button("loop", "Loop playback", self._set_loop, checkable=True)
        self.loop_button.setChecked(True)
        self.frame_box = QSpinBox(self)
        self.frame_box.setToolTip("Current frame")
        self.frame_box.setKeyboardTracking(False)
        self.frame_box.valueChanged.connect(doc.playhead.set_frame)
        lay.addSpacing(8)
        lay.addWidget(QLabel("Frame", self))
        lay.addWidget(self.frame_box)
        self.time_label = QLabel(self)
        self.time_label.setMinimumWidth(150)
        lay.addWidget(self.time_label)
        lay.addStretch(1)
        self.range_label = QLabel(self)
        self.range_label.setObjectName("muted")
        lay.addWidget(self.range_label)
        lay.addSpacing(12)
        button("zoom_out", "Zoom out (Ctrl+wheel)", lambda: timeline.set_zoom(timeline.ppf / 1.5))
        self.zoom = QSlider(Qt.Horizontal, self)
        self.zoom.setRange(0, 100)
        self.zoom.setFixedWidth(110)
        self.zoom.setToolTip("Timeline zoom")
        self.zoom.valueChanged.connect(self._zoom_to)
        lay.addWidget(self.zoom)
        button("zoom_in", "Zoom in (Ctrl+wheel)", lambda: timeline.set_zoom(timeline.ppf * 1.5))
        button("fit", "Fit the whole clip", timeline.fit)
        player.playing_changed.connect(self._playing)
        doc.playhead.frame_changed.connect(self._refresh)
        for sig in (doc.motion_changed, doc.actors_changed, doc.project_replaced):
            sig.connect(self._refresh)
        doc.selection.range_changed.connect(self._refresh)
        timeline.view_changed.connect(self._zoom_changed)
        self._refresh()

    def _set_loop(self, on: bool) -> None:
        self.player.loop = on

    def _playing(self, on: bool) -> None:
        self.play_button.setIcon(icon("pause" if on else "play"))

    def _zoom_to(self, v: int) -> None:
        ppf = 0.5 * (96.0 ** (v / 100.0))   # 0.5 .. 48 px per frame
        if abs(ppf - self.timeline.ppf) > 1e-3:
            self.timeline.set_zoom(ppf)

    def _zoom_changed(self) -> None:
        import math

        v = int(round(100 * math.log(self.timeline.ppf / 0.5) / math.log(96.0)))
        self.zoom.blockSignals(True)
        self.zoom.setValue(v)
        self.zoom.blockSignals(False)

    def _refresh(self, *_) -> None:
        ph, fps = self.doc.playhead, self.doc.fps
        self.frame_box.blockSignals(True)
        self.frame_box.setRange(0, ph.last_frame)
        self.frame_box.setValue(ph.frame)
        self.frame_box.blockSignals(False)
        n = ph.last_frame + 1 if self.doc.project.actors else 0
        self.time_label.setText(f"{ph.frame / fps:6.2f} s / {n / fps:.2f} s · {fps:g} fps")
        rng = self.doc.selection.range
        self.range_label.setText(f"Selection: frames {rng[0]}–{rng[1] - 1}" if rng else "")
