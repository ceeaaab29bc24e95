"""The main window: menus and shortcuts, the Animate and Training tabs, the message bar and the
model status, window layout remembered between runs.

It is usable at once: the model loads on the runner's model lane (the status bar says how far
along it is, or that there is none) and generation requests simply queue behind the load. The
window owns the one ``Runner`` that every view submits its background jobs to.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QFrame, QLabel, QMainWindow, QMessageBox, QScrollArea,
                               QTabWidget, QVBoxLayout, QWidget)

from engine.style import STYLES

from ..document import Document, edits
from ..jobs.generation import GenerationController
from ..jobs.model_service import FAILED, LOADING, MISSING, READY, ModelService
from ..jobs.runner import Runner
from .editor_page import EditorPage
from .export_dialog import ExportDialog
from .message_bar import MessageBar
from .project_files import ProjectFiles
from .transport import Player

if TYPE_CHECKING:
    from ..jobs.story import StoryController
    from .story_panel import StoryPanel
    from .training_panel import TrainingPanel

STATE_COLORS = {READY: "#2f9e44", LOADING: "#e8890c", MISSING: "#c92a2a", FAILED: "#c92a2a"}


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, model: str | None = None,
                 autosave_dir: str | Path | None = None, autosave_seconds: float = 60.0,
                 load_model: bool = True, runs_root: str | Path | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.doc = Document(self)
        self.runner = Runner(self)
        self.service = ModelService(self.runner, self)
        self.generation = GenerationController(self.doc, self.service, self)
        self.player = Player(self.doc, self)
        if autosave_dir is None:
            autosave_dir = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
        self.files = ProjectFiles(self, self.doc, self.settings, Path(autosave_dir),
                                  autosave_seconds)
        self.export_dialog: ExportDialog | None = None

        self.page = EditorPage(self.doc, self.generation, self.player, self)
        self.viewport, self.timeline = self.page.viewport, self.page.timeline
        self.prompt_panel, self.camera_editor = self.page.prompt_panel, self.page.camera_editor
        # The Story tab, like the Training tab, is built when first shown (or asked for).
        self._story: StoryController | None = None
        self._story_panel: StoryPanel | None = None
        self._add_story_tab()
        self.message_bar = MessageBar(self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.page, "Animate")
        # The Training tab is built when it is first shown (or asked for): animating does not
        # need it, and building it at start-up made the window usable 0.2 s later.
        self._runs_root = Path(runs_root) if runs_root else None
        self._training: TrainingPanel | None = None
        self._training_stub = QWidget(self)
        self.tabs.addTab(self._training_stub, "Training")
        self.tabs.currentChanged.connect(self._tab_shown)
        central = QWidget(self)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.message_bar)
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.model_status = QLabel(self)
        self.statusBar().addPermanentWidget(self.model_status)

        self._build_actions()
        self._wire()
        self.resize(1440, 900)
        self._restore_layout()
        self._update_title()
        ref = model or str(self.settings.value("model", "small"))
        self.prompt_panel.set_models(ref)
        if load_model:
            self.service.set_model(ref)
        else:
            self._model_state(self.service.state, "No model loaded")

    # -- actions and menus ----------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, checkable: bool = False,
                tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts([QKeySequence(k) for k in keys])
        act.setCheckable(checkable)
        if tip:
            act.setStatusTip(tip)
        (act.toggled if checkable else act.triggered).connect(slot)
        menu.addAction(act)
        self.addAction(act)  # shortcuts work while the menu bar is hidden or a tab is off
        return act

    def _build_actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.act_new = self._action(f, "&New", self.files.new, QKeySequence.New)
        self.act_open = self._action(f, "&Open…", self.files.open_dialog, QKeySequence.Open)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        f.addSeparator()
        self.act_save = self._action(f, "&Save", self.files.save, QKeySequence.Save)
        self.act_save_as = self._action(f, "Save &As…", self.files.save_as, "Ctrl+Shift+S")
        f.addSeparator()
        self.act_export = self._action(f, "&Export…", self.open_export, "Ctrl+E")
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.Quit)

        e = mb.addMenu("&Edit")
        stack = self.doc.undo_stack
        self.act_undo = stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.act_redo = stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for act in (self.act_undo, self.act_redo):
            e.addAction(act)
            self.addAction(act)
        e.addSeparator()
        self.act_delete = self._action(e, "&Delete Selected Keys", self.delete_keys, "Delete")
        self._action(e, "Clear &Selection", self._clear_selection, "Escape")

        v = mb.addMenu("&View")
        self.act_shot = self._action(v, "Look Through &Shot Camera", self._set_shot, "C", True)
        self.act_onion = self._action(v, "&Onion Skin", self.viewport.set_onion, "O", True)
        self.act_pose = self._action(v, "&Pose Tool", self.viewport.set_pose_mode, "P", True)
        self._action(v, "&Frame All", self.viewport.frame_all, "F")
        styles = v.addMenu("Scene &Look")
        group = QActionGroup(self)
        self.style_actions = {}
        for name in STYLES:
            act = QAction(name.capitalize(), self, checkable=True)
            act.triggered.connect(lambda _=False, n=name: self.set_style(n))
            group.addAction(act)
            styles.addAction(act)
            self.style_actions[name] = act

        p = mb.addMenu("&Playback")
        self.act_play = self._action(p, "&Play / Pause", self.player.toggle, "Space")
        self._action(p, "Go to &Start", lambda: self.doc.playhead.set_frame(0), "Home")
        self._action(p, "Go to &End",
                     lambda: self.doc.playhead.set_frame(self.doc.playhead.last_frame), "End")
        self._action(p, "P&revious Frame",
                     lambda: self.doc.playhead.set_frame(self.doc.playhead.frame - 1), ",")
        self._action(p, "&Next Frame",
                     lambda: self.doc.playhead.set_frame(self.doc.playhead.frame + 1), ".")

        a = mb.addMenu("&Animate")
        # The one binding of Ctrl+Enter (a second one in the prompt box made Qt call the key
        # ambiguous and do nothing); the keypad's Enter works too.
        self._action(a, "&Generate", self.prompt_panel.generate, ["Ctrl+Return", "Ctrl+Enter"])
        self._action(a, "&Variations", self.prompt_panel.make_variations, "Ctrl+Shift+Return")
        self._action(a, "&Regenerate Selected Frames", self.prompt_panel.regenerate_selection,
                     "Ctrl+R")
        self._action(a, "&Cancel Generation", self.generation.cancel)
        a.addSeparator()
        self._action(a, "Add Camera &Key at Playhead", self.camera_editor.add_key, "K")
        self._action(a, "&Follow Pose Keys Again", self._refollow_poses)
        a.addSeparator()
        self._action(a, "Plan S&tory", self._plan_story, "Ctrl+Shift+P")
        self._action(a, "Generate Sce&ne from Script", self._stage_story, "Ctrl+Shift+G")

        h = mb.addMenu("&Help")
        self._action(h, "&About Stick-Gen Studio", self._about)

        tools = {"shot": self.act_shot, "onion": self.act_onion, "pose": self.act_pose}
        self.page.tool_toggled.connect(lambda name, on: tools[name].setChecked(on))
        for name, act in tools.items():
            act.toggled.connect(lambda on, n=name: self.page.set_tool(n, on))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.files.recent()
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.files.open_path(p))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # -- wiring -----------------------------------------------------------------------------------
    def _wire(self) -> None:
        doc = self.doc
        doc.dirty_changed.connect(self._update_title)
        doc.path_changed.connect(self._update_title)
        doc.settings_changed.connect(self._sync_style)
        doc.project_replaced.connect(self._sync_style)
        self.files.message.connect(self.show_message)
        self.service.state_changed.connect(self._model_state)
        self.prompt_panel.model_chosen.connect(self._choose_model)
        g = self.generation
        g.error.connect(lambda text: self.show_message(text, "error"))
        g.warning.connect(lambda text: self.show_message(text, "warning"))
        g.info.connect(self._info)
        g.generated.connect(self._generated)
        self.viewport.pose_dragged.connect(
            lambda actor, frame, key: g.follow_pose_keys(actor, key))
        self.camera_editor.look_through.connect(self.act_shot.setChecked)
        self.page.expression_panel.error.connect(lambda text: self.show_message(text, "error"))
        self._sync_style()

    # -- the Training tab, built on first use ---------------------------------------------------
    @property
    def training(self) -> "TrainingPanel":
        """The Training tab's panel, built (in the stand-in tab's place) the first time."""
        if self._training is None:
            from .training_panel import TrainingPanel

            panel = TrainingPanel(runs_root=self._runs_root, settings=self.settings,
                                  runner=self.runner)
            panel.use_model.connect(self.use_trained_model)
            panel.message.connect(lambda text, level: self.show_message(text, level))
            self._training = panel
            index, current = self.tabs.indexOf(self._training_stub), self.tabs.currentIndex()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, panel, "Training")
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            self._training_stub.deleteLater()
        return self._training

    def _tab_shown(self, index: int) -> None:
        if self._training is None and self.tabs.widget(index) is self._training_stub:
            self.training   # noqa: B018 -- builds it

    # -- the Story panel: a tab beside the prompt panel ------------------------------------------
    def _add_story_tab(self) -> None:
        split = self.page.top_split
        prompt_pane = split.widget(0)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(prompt_pane, "Prompt")   # re-parenting takes it out of the split
        self._story_area = area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.NoFrame)
        self.left_tabs.addTab(area, "Story")
        split.insertWidget(0, self.left_tabs)
        split.setSizes([330, 900, 380])
        self.left_tabs.currentChanged.connect(self._left_tab_changed)

    @property
    def story(self) -> "StoryController":
        """The Story tab's controller (planning and staging scenes), built the first time."""
        self._build_story()
        return self._story

    @property
    def story_panel(self) -> "StoryPanel":
        """The Story tab's panel, built the first time it is shown or asked for."""
        self._build_story()
        return self._story_panel

    def _build_story(self) -> None:
        if self._story_panel is not None:
            return
        from ..jobs.story import StoryController
        from .story_panel import StoryPanel

        self._story = StoryController(self.doc, self.service, self)
        self._story_panel = StoryPanel(self.doc, self._story, self.settings)
        self._story_panel.message.connect(self.show_message)
        self._story.staged.connect(lambda _scene: self.viewport.frame_all())
        self._story_area.setWidget(self._story_panel)

    def _left_tab_changed(self, index: int) -> None:
        if self.left_tabs.widget(index) is self._story_area:
            self._build_story()
        # The script's tables have a dozen columns: give them room when the Story tab opens.
        split = self.page.top_split
        sizes = split.sizes()
        if self.left_tabs.widget(index) is not self.left_tabs.widget(0) and sizes[0] < 560:
            grow = min(560 - sizes[0], max(0, sizes[1] - 500))
            split.setSizes([sizes[0] + grow, sizes[1] - grow] + sizes[2:])

    def _plan_story(self) -> None:
        self.tabs.setCurrentWidget(self.page)
        self.left_tabs.setCurrentIndex(1)
        self.story_panel.plan()

    def _stage_story(self) -> None:
        self.tabs.setCurrentWidget(self.page)
        self.left_tabs.setCurrentIndex(1)
        self.story_panel.stage()

    def use_trained_model(self, path: str) -> None:
        """Generate with a model the Training tab made."""
        self.prompt_panel.set_models(path)
        self._choose_model(path)
        self.tabs.setCurrentWidget(self.page)

    def _set_shot(self, on: bool) -> None:
        self.viewport.set_through_shot(on)
        self.camera_editor.set_looking_through(on)

    def _update_title(self, *_) -> None:
        self.setWindowTitle(self.doc.title)

    def _model_state(self, state: str, message: str) -> None:
        color = STATE_COLORS.get(state, "#6b7280")
        self.model_status.setText(f"<span style='color:{color}'>●</span> {message}")
        self.model_status.setToolTip(message)
        self.prompt_panel.set_model_note("" if state in (LOADING, READY) else message)
        if state in (MISSING, FAILED):
            self.show_message(message, "warning")
        elif state == READY:
            self.message_bar.dismiss("warning", "model")

    def _choose_model(self, ref: str) -> None:
        self.settings.setValue("model", ref)
        self.service.set_model(ref)

    def _generated(self, index: int) -> None:
        self.viewport.frame_all()

    def _info(self, text: str) -> None:
        self.prompt_panel.show_status(text)
        self.statusBar().showMessage(text, 8000)

    def show_message(self, text: str, level: str = "error", actions=None) -> None:
        self.message_bar.show_message(text, level, actions or [],
                                      timeout_ms=8000 if level == "info" else 0)

    # -- commands ---------------------------------------------------------------------------------
    def delete_keys(self) -> None:
        edits.delete_keys(self.doc, self.doc.selection.actor, self.doc.selection.keys)

    def _clear_selection(self) -> None:
        self.doc.selection.clear_keys()
        self.doc.selection.set_range(None)

    def set_style(self, name: str) -> None:
        edits.set_style(self.doc, name)

    def _sync_style(self) -> None:
        name = self.doc.project.settings.get("style", "light")
        if name in self.style_actions:
            self.style_actions[name].setChecked(True)

    def _refollow_poses(self) -> None:
        if self.doc.current_actor() is not None:
            self.generation.follow_pose_keys(self.doc.selection.actor)

    def open_export(self) -> ExportDialog | None:
        if not self.doc.project.actors:
            self.show_message("Nothing to export yet: generate a motion first.", "info")
            return None
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(self.doc, self.runner, self)
            self.export_dialog.exported.connect(
                lambda p: self.statusBar().showMessage(f"Exported {p}", 8000))
        self.export_dialog.reset()
        self.export_dialog.show()
        self.export_dialog.raise_()
        return self.export_dialog

    def _about(self) -> None:
        QMessageBox.about(self, "About Stick-Gen Studio",
                          "<b>Stick-Gen Studio</b><br>Type a sentence, get an editable 3D "
                          "stick-figure animation — made by a small transformer on your CPU.")

    # -- layout memory and closing ----------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.page.restore_layout(s)

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        self.page.save_layout(s)
        s.sync()

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.player.pause()
        self.save_layout()
        self.files.remove_autosave()
        if self._training is not None:
            self._training.shutdown()
        self.runner.shutdown()   # cancels a running export and model work, waits for them
        event.accept()
