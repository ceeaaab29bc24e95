"""The prompt panel: what to generate (prompt, duration, seed, model), Generate and
Variations with previews, regenerate the selected frames, progress with cancel, and the
history of generations to go back to."""
from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QGridLayout, QHBoxLayout,
                               QLabel, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from engine.defaults import MAX_CLIP_SECONDS
from engine.generate import shipped_variants

from .icons import icon
from .panel_parts import add_busy_row, section
from .segment_style import SegmentStyle
from .variations import VariationsView

CHOOSE_FILE = "__choose__"
EXAMPLE = "a man walks forward, then jumps and waves happily"


class PromptPanel(QWidget):
    model_chosen = Signal(str)

    def __init__(self, doc, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.controller = doc, controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(8)
        lay.addWidget(section("Prompt", self))
        self.prompt = QPlainTextEdit(self)
        self.prompt.setPlaceholderText(f"Describe the motion, e.g. “{EXAMPLE}”")
        self.prompt.setFixedHeight(84)
        self.prompt.setTabChangesFocus(True)
        lay.addWidget(self.prompt)

        lay.addLayout(self._request_form())

        lay.addLayout(self._generate_buttons())
        self.regen_button = QPushButton("Regenerate selected frames", self)
        self.regen_button.setToolTip("Remake the frames selected on the timeline from this "
                                     "prompt; the rest of the motion stays (Ctrl+R)")
        self.regen_button.clicked.connect(self.regenerate_selection)
        lay.addWidget(self.regen_button)
        self.style_row = SegmentStyle(doc, controller, self.seed, self)
        lay.addWidget(self.style_row)

        self.progress, self.cancel_button, self.status = add_busy_row(lay, self, controller.cancel)

        self.variations_title = section("Variations — click one to use it", self)
        lay.addWidget(self.variations_title)
        self.variations = VariationsView(self)
        self.variations.picked.connect(self._pick_variation)
        lay.addWidget(self.variations)
        self.variations_title.hide()
        self.variations.hide()

        lay.addWidget(section("History", self))
        self.history = QListWidget(self)
        self.history.setToolTip("Double-click a take to bring it back")
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.history.setMinimumHeight(90)
        self.history.itemActivated.connect(self._restore)
        lay.addWidget(self.history, 1)

        controller.busy_changed.connect(self._busy)
        controller.progress.connect(self._progress)
        controller.variations_ready.connect(self._show_variations)
        doc.history_changed.connect(self._refresh_history)
        doc.project_replaced.connect(self._refresh_history)
        doc.project_replaced.connect(lambda: self.show_status(""))
        doc.project_replaced.connect(self._show_request)
        # previews made for another project must not replace an actor of this one
        doc.project_replaced.connect(lambda: self._show_variations([]))
        doc.undo_stack.indexChanged.connect(self._undone)
        self._status_step = 0   # the undo step the status line speaks of
        doc.selection.range_changed.connect(self._refresh_buttons)
        doc.actors_changed.connect(self._refresh_buttons)
        self.model.activated.connect(self._model_activated)
        self._busy(False)

    def _generate_buttons(self) -> QHBoxLayout:
        """Generate, and Variations with how many to make."""
        buttons = QHBoxLayout()
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("primary")
        self.generate_button.setToolTip("Generate the motion (Ctrl+Enter)")
        self.generate_button.clicked.connect(self.generate)
        self.variations_button = QPushButton("Variations", self)
        self.variations_button.setToolTip("Several takes with different seeds to pick from")
        self.variations_button.clicked.connect(self.make_variations)
        self.count = QSpinBox(self)
        self.count.setRange(2, 6)
        self.count.setValue(4)
        self.count.setToolTip("How many variations")
        buttons.addWidget(self.generate_button, 2)
        buttons.addWidget(self.variations_button, 1)
        buttons.addWidget(self.count)
        return buttons

    def _request_form(self) -> QGridLayout:
        """Duration, seed (with a dice for a random one), model and where the result goes."""
        form = QGridLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(6)
        self.seconds = QDoubleSpinBox(self)
        self.seconds.setRange(0.0, MAX_CLIP_SECONDS)
        self.seconds.setDecimals(1)
        self.seconds.setSingleStep(0.5)
        self.seconds.setSuffix(" s")
        self.seconds.setSpecialValueText("Auto")
        self.seconds.setToolTip("Clip length; Auto lets the prompt decide")
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Same prompt and seed give the same motion")
        dice = QToolButton(self)
        dice.setIcon(icon("dice"))
        dice.setToolTip("A random seed")
        dice.setAutoRaise(True)
        dice.clicked.connect(lambda: self.seed.setValue(random.randrange(100000)))
        seed_row = QHBoxLayout()
        seed_row.setSpacing(2)
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(dice)
        self.model = QComboBox(self)
        self.model.setToolTip("Model variant or checkpoint file")
        self.target = QComboBox(self)
        self.target.addItem("Replace the selected actor", "replace")
        self.target.addItem("Add a new actor", "add")
        for row, (name, w) in enumerate((("Duration", self.seconds), ("Seed", seed_row),
                                         ("Model", self.model), ("Result", self.target))):
            form.addWidget(QLabel(name, self), row, 0)
            (form.addLayout if isinstance(w, QHBoxLayout) else form.addWidget)(w, row, 1)
        form.setColumnStretch(1, 1)
        return form
        self._refresh_history()

    # -- model choice -------------------------------------------------------------------------
    def set_models(self, current: str) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        names = shipped_variants()
        for name in names:
            self.model.addItem(name, name)
        if current and current not in names:
            label = Path(current).name if ("/" in current or current.endswith(".pt")) else \
                f"{current} (not installed)"
            self.model.addItem(label, current)
        self.model.addItem("Choose a checkpoint file…", CHOOSE_FILE)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))
        self.model.blockSignals(False)

    def _model_activated(self, i: int) -> None:
        ref = self.model.itemData(i)
        if ref == CHOOSE_FILE:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a model checkpoint", "",
                                                  "Stick-Gen checkpoints (*.pt)")
            if not path:
                self.set_models(self.controller.service.model_ref or "")
                return
            ref = path
            self.set_models(ref)
        self.model_chosen.emit(ref)

    # -- actions ------------------------------------------------------------------------------
    def request(self) -> tuple[str, float | None, int]:
        return self.prompt.toPlainText(), (self.seconds.value() or None), self.seed.value()

    def target_actor(self) -> int | None:
        if self.target.currentData() == "add" or not self.doc.project.actors:
            return None
        return self.doc.selection.actor

    def generate(self) -> bool:
        prompt, seconds, seed = self.request()
        return self.controller.generate(prompt, seconds, seed, self.target_actor())

    def make_variations(self) -> bool:
        prompt, seconds, seed = self.request()
        return self.controller.make_variations(prompt, seconds, seed, self.count.value(),
                                               self.target_actor())

    def regenerate_selection(self) -> bool:
        rng = self.doc.selection.range
        if rng is None:
            self.controller.error.emit("Drag across the timeline to select the frames to "
                                       "regenerate first.")
            return False
        prompt, _, seed = self.request()
        return self.controller.regenerate(self.doc.selection.actor, rng[0], rng[1], prompt, seed)

    def _show_request(self) -> None:
        """An opened project shows the request that made its selected actor (or its last
        take), so Generate makes that take again."""
        actor, history = self.doc.current_actor(), self.doc.project.history
        if actor is None and not history:
            return   # a new project keeps what is typed
        prompt, seed = (actor.prompt, actor.seed) if actor else (history[-1].prompt,
                                                                  history[-1].seed)
        take = next((g for g in reversed(history) if (g.prompt, g.seed) == (prompt, seed)),
                    None)
        self.prompt.setPlainText(prompt)
        self.seed.setValue(seed)
        self.seconds.setValue(take.seconds if take else 0.0)

    def _restore(self, item: QListWidgetItem) -> None:
        entry = self.doc.project.history[item.data(Qt.UserRole)]
        self.prompt.setPlainText(entry.prompt)
        self.seed.setValue(entry.seed)
        self.seconds.setValue(entry.seconds)
        self.controller.restore(entry, self.target_actor())

    # -- feedback -----------------------------------------------------------------------------
    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        if on:
            self.progress.setValue(0)
            self.status.setText("Working…")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if message:
            self.status.setText(message[:1].upper() + message[1:] + "…")

    def set_model_note(self, note: str) -> None:
        """Add why the model cannot be used yet to the generate buttons' tips ("" clears it)."""
        for b in (self.generate_button, self.variations_button):
            b.setToolTip(b.toolTip().split("\n")[0] + (f"\n{note}" if note else ""))

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self._status_step = self.doc.undo_stack.index()

    def _undone(self, index: int) -> None:
        # "Generated 50 frames" is no longer true once that generation is undone.
        if index < self._status_step:
            self.status.setText("")
            self._status_step = index

    def _show_variations(self, variations) -> None:
        self.variations.set_variations(variations, self.doc.style())
        self.variations_title.setVisible(bool(variations))

    def _pick_variation(self, i: int) -> None:
        if not 0 <= i < len(self.controller.variations):
            return
        seed = self.controller.variations[i].seed
        self.controller.pick_variation(i)
        self.seed.setValue(seed)   # Generate now makes the take that was picked
        # The previews go: a later stray click on one must not replace the edited take.
        self._show_variations([])

    def _refresh_buttons(self, *_) -> None:
        has = bool(self.doc.project.actors)
        self.regen_button.setEnabled(has and self.doc.selection.range is not None)

    def _refresh_history(self) -> None:
        self.history.clear()
        for i, g in reversed(list(enumerate(self.doc.project.history))):
            secs = f"{g.seconds:g} s" if g.seconds else "auto length"
            item = QListWidgetItem(f"{g.prompt.strip()[:80]}\nseed {g.seed} · {secs}")
            item.setData(Qt.UserRole, i)
            item.setToolTip(f"{g.prompt}\nseed {g.seed}, {secs}, model {g.model}")
            self.history.addItem(item)
        self._refresh_buttons()
