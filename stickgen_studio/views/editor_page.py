"""The "Animate" page: prompt panel | viewport | side tabs over the transport and timeline,
in splitters whose sizes the window remembers."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QScrollArea,
                               QScrollBar, QSplitter, QTabWidget, QToolButton, QVBoxLayout,
                               QWidget)

from engine.defaults import MAX_KEY_BLEND_S

from ..document import edits, scene

from .actors_panel import ActorsPanel
from .camera_editor import CameraEditor
from .expression_panel import ExpressionPanel
from .icons import icon
from .prompt_panel import PromptPanel
from .timeline import Timeline
from .transport import Player, TransportBar
from .viewport import Viewport


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    return area


class EditorPage(QWidget):
    tool_toggled = Signal(str, bool)   # a viewport tool (shot, onion, pose) turned on or off

    def __init__(self, doc, controller, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.controller = doc, controller
        self.viewport = Viewport(doc, self)
        self.prompt_panel = PromptPanel(doc, controller, self)
        self.camera_editor = CameraEditor(doc, self.viewport.orbit.state,
                                          lambda: self.viewport.shot_state(), self)
        self.expression_panel = ExpressionPanel(doc, self)
        self.actors_panel = ActorsPanel(doc, self)
        self.timeline = Timeline(doc, self)
        self.transport = TransportBar(doc, player, self.timeline, self)

        # viewport with its toolbar
        view_box = QWidget(self)
        vlay = QVBoxLayout(view_box)
        vlay.setContentsMargins(0, 0, 0, 0)
        vlay.setSpacing(0)
        bar = self._toolbar(view_box)
        vlay.addWidget(bar)
        vlay.addWidget(self.viewport, 1)
        self.tool_buttons["frame"].clicked.connect(self.viewport.frame_all)

        self.side_tabs = QTabWidget(self)
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(_scrolled(self.camera_editor), "Camera")
        self.side_tabs.addTab(_scrolled(self.expression_panel), "Face && voice")
        self.side_tabs.addTab(self.actors_panel, "Actors")

        left = _scrolled(self.prompt_panel)
        left.setMinimumWidth(300)
        self.side_tabs.setMinimumWidth(372)
        self.top_split = QSplitter(Qt.Horizontal, self)
        self.top_split.addWidget(left)
        self.top_split.addWidget(view_box)
        self.top_split.addWidget(self.side_tabs)
        self.top_split.setStretchFactor(1, 1)
        self.top_split.setCollapsible(1, False)
        self.top_split.setSizes([330, 900, 380])

        bottom = QFrame(self)
        bottom.setObjectName("panel")
        blay = QVBoxLayout(bottom)
        blay.setContentsMargins(0, 0, 0, 0)
        blay.setSpacing(0)
        blay.addWidget(self.transport)
        blay.addWidget(self.timeline)
        self.scroll = QScrollBar(Qt.Horizontal, bottom)
        blay.addWidget(self.scroll)
        self.scroll.valueChanged.connect(lambda v: self.timeline.set_scroll(float(v)))
        self.timeline.view_changed.connect(self._sync_scroll)
        for sig in (doc.motion_changed, doc.actors_changed, doc.project_replaced):
            sig.connect(self._sync_scroll)

        self.main_split = QSplitter(Qt.Vertical, self)
        self.main_split.addWidget(self.top_split)
        self.main_split.addWidget(bottom)
        self.main_split.setStretchFactor(0, 1)
        self.main_split.setCollapsible(0, False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.main_split)

    def _toolbar(self, parent: QWidget) -> QFrame:
        """The viewport's tools: shot camera, onion skin, pose (with its option), frame all."""
        bar = QFrame(parent)
        bar.setObjectName("toolbar")
        blay = QHBoxLayout(bar)
        blay.setContentsMargins(8, 3, 8, 3)
        blay.setSpacing(4)
        self.tool_buttons: dict[str, QToolButton] = {}
        for name, ic, tip in (("shot", "camera", "Look through the shot camera (C)"),
                              ("onion", "onion", "Onion skin: frames before and after (O)"),
                              ("pose", "pose", "Pose tool: drag a joint to pose the figure (P)"),
                              ("frame", "frame", "Frame everything (F)")):
            b = QToolButton(bar)
            b.setIcon(icon(ic))
            b.setToolTip(tip)
            b.setCheckable(name != "frame")
            b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            b.setText({"shot": "Shot camera", "onion": "Onion skin", "pose": "Pose",
                       "frame": "Frame all"}[name])
            blay.addWidget(b)
            self.tool_buttons[name] = b
            b.toggled.connect(lambda on, n=name: self.tool_toggled.emit(n, on))
            if name == "pose":
                self._pose_options(bar, blay)
        blay.addStretch(1)
        return bar

    def set_tool(self, name: str, on: bool) -> None:
        """Show viewport tool ``name`` as on or off (a shortcut or menu changed it)."""
        self.tool_buttons[name].setChecked(on)

    # -- layout memory ------------------------------------------------------------------------
    def save_layout(self, settings: QSettings) -> None:
        settings.setValue("window/top_split", self.top_split.saveState())
        settings.setValue("window/main_split", self.main_split.saveState())
        settings.setValue("window/side_tab", self.side_tabs.currentIndex())

    def restore_layout(self, settings: QSettings) -> None:
        for key, split in (("window/top_split", self.top_split),
                           ("window/main_split", self.main_split)):
            state = settings.value(key)
            if isinstance(state, QByteArray):
                split.restoreState(state)
        tab = settings.value("window/side_tab")
        if tab is not None:
            self.side_tabs.setCurrentIndex(int(tab))

    # -- the Pose tool's option: how far a key reaches into the motion around it -------------
    def _pose_options(self, bar: QWidget, lay: QHBoxLayout) -> None:
        self.key_blend_label = QLabel("Key blend:", bar)
        self.key_blend = QDoubleSpinBox(bar)
        self.key_blend.setRange(0.1, MAX_KEY_BLEND_S)   # shorter is the one-frame pop again
        self.key_blend.setSingleStep(0.1)
        self.key_blend.setDecimals(2)
        self.key_blend.setSuffix(" s")
        self.key_blend.setKeyboardTracking(False)
        tip = ("How long the motion takes to ease into each pose key and out of it again; "
               "longer reaches further into the frames around a key")
        for w in (self.key_blend_label, self.key_blend):
            w.setToolTip(tip)
            w.setVisible(False)
            lay.addWidget(w)
        self.tool_buttons["pose"].toggled.connect(self.key_blend_label.setVisible)
        self.tool_buttons["pose"].toggled.connect(self.key_blend.setVisible)
        self._sync_key_blend()
        self.doc.settings_changed.connect(self._sync_key_blend)
        self.doc.project_replaced.connect(self._sync_key_blend)
        self.key_blend.valueChanged.connect(self._key_blend_changed)

    def _sync_key_blend(self, *_) -> None:
        self.key_blend.blockSignals(True)
        self.key_blend.setValue(scene.key_blend_s(self.doc.project))
        self.key_blend.blockSignals(False)

    def _key_blend_changed(self, seconds: float) -> None:
        if abs(seconds - scene.key_blend_s(self.doc.project)) < 1e-6:
            return
        edits.set_key_blend(self.doc, seconds, merge_key="key-blend")
        actor = self.doc.current_actor()
        if actor is not None and actor.pose_keys:   # the model re-follows with the new reach
            self.controller.follow_pose_keys(self.doc.selection.actor)

    def _sync_scroll(self, *_) -> None:
        tl = self.timeline
        visible = int(tl.visible_frames())
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, max(0, tl.num_frames() - visible // 2))
        self.scroll.setPageStep(max(1, visible))
        self.scroll.setValue(int(tl.scroll))
        self.scroll.blockSignals(False)
        self.scroll.setVisible(tl.num_frames() > visible)
