"""The Story panel's collapsible "Planner" group: who writes the scene script (the offline
rules, an Ollama server or an OpenAI-compatible one), its URL, model and timeout, and a "Test
connection" button. The settings are saved in the app's QSettings as they change; the API key is
never asked for or saved: it comes only from the STICKGEN_LLM_API_KEY environment variable."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget)

from engine.story.llm import API_KEY_ENV, DEFAULT_MODELS, DEFAULT_URLS, LLMSettings, api_key

from ..jobs.story import TEST, load_llm_settings, save_llm_settings

BACKEND_LABELS = {"offline": "Offline rules (no network)", "ollama": "Ollama",
                  "openai": "OpenAI-compatible (e.g. xAI Grok)"}


class PlannerGroup(QWidget):
    changed = Signal(object)      # LLMSettings

    def __init__(self, qsettings, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.qsettings, self.controller = qsettings, controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toggle.toggled.connect(self._expand)
        lay.addWidget(self.toggle)
        self.body = QWidget(self)
        form = QFormLayout(self.body)
        form.setContentsMargins(16, 0, 0, 0)
        self.backend = QComboBox(self.body)
        for key, label in BACKEND_LABELS.items():
            self.backend.addItem(label, key)
        self.url, self.model = QLineEdit(self.body), QLineEdit(self.body)
        self.timeout = QDoubleSpinBox(self.body)
        self.timeout.setRange(1.0, 600.0)
        self.timeout.setDecimals(0)
        self.timeout.setSuffix(" s")
        self.test_button = QPushButton("Test connection", self.body)
        self.test_button.clicked.connect(self.test)
        self.result = QLabel("", self.body)
        self.result.setWordWrap(True)
        self.key_note = QLabel("", self.body)
        self.key_note.setObjectName("muted")
        self.key_note.setWordWrap(True)
        form.addRow("Planner", self.backend)
        form.addRow("URL", self.url)
        form.addRow("Model", self.model)
        form.addRow("Timeout", self.timeout)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        form.addRow(row)
        form.addRow(self.result)
        form.addRow(self.key_note)
        lay.addWidget(self.body)

        self._set(load_llm_settings(qsettings))
        self.backend.activated.connect(self._backend_chosen)
        self.url.editingFinished.connect(self._save)
        self.model.editingFinished.connect(self._save)
        self.timeout.editingFinished.connect(self._save)
        controller.tested.connect(self._tested)
        controller.busy_changed.connect(self._busy)
        self.toggle.setChecked(False)
        self._expand(False)

    def settings(self) -> LLMSettings:
        """The planner settings as the fields show them (an empty URL or model: the default)."""
        return LLMSettings(self.backend.currentData(), self.url.text(), self.model.text(),
                           self.timeout.value())

    def _set(self, s: LLMSettings) -> None:
        self.backend.setCurrentIndex(max(0, self.backend.findData(s.backend)))
        self.url.setText(s.url)
        self.model.setText(s.model)
        self.timeout.setValue(s.timeout_s)
        online = s.backend != "offline"
        for w in (self.url, self.model, self.timeout, self.test_button):
            w.setEnabled(online)
        self.url.setPlaceholderText(DEFAULT_URLS[s.backend])
        self.model.setPlaceholderText(DEFAULT_MODELS[s.backend])
        have = "is set" if api_key() else "is not set"
        self.key_note.setText(f"API key: from the {API_KEY_ENV} environment variable "
                              f"({have}); it is never saved." if s.backend == "openai" else "")
        self.key_note.setVisible(s.backend == "openai")
        self.toggle.setText(f"Planner: {BACKEND_LABELS[s.backend].split(' (')[0]}")

    def _backend_chosen(self, _i: int) -> None:
        old = self._current()
        self._set(old.with_backend(self.backend.currentData()))
        self.result.setText("")
        self._save()

    def _current(self) -> LLMSettings:
        """The saved settings (the backend the fields were filled for)."""
        return load_llm_settings(self.qsettings)

    def _save(self) -> None:
        try:
            s = self.settings()
        except ValueError as exc:
            self.result.setText(str(exc))
            return
        save_llm_settings(self.qsettings, s)
        self._set(s)
        self.changed.emit(s)

    def _expand(self, on: bool) -> None:
        self.body.setVisible(on)
        self.toggle.setArrowType(Qt.DownArrow if on else Qt.RightArrow)

    def test(self) -> None:
        self._save()
        self.result.setStyleSheet("color: #6b7280;")
        self.result.setText("Testing…")
        self.controller.test_connection(self.settings())

    def _tested(self, ok: bool, message: str) -> None:
        self.result.setStyleSheet(f"color: {'#2f9e44' if ok else '#c92a2a'};")
        self.result.setText(("✓ " if ok else "✗ ") + message[:1].upper() + message[1:])

    def _busy(self, channel: str, on: bool) -> None:
        if channel == TEST:
            self.test_button.setEnabled(not on and self.backend.currentData() != "offline")
