"""How a run trains: from scratch, a supervised fine-tune of all weights, or a LoRA fine-tune;
the model variant or base checkpoint, steps, learning rate, batch, crop length and LoRA rank;
presets from resources/configs; and a time estimate from measured throughput.

``config(data_dir)`` gives the full training config the run is launched with (validated by
``training.config``, the same code the trainer uses, so a bad value is caught here). That code
imports torch, which the app's start does not wait for: values are checked live only once the
tab has been shown, and always before a run starts.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QSpinBox, QWidget)

from engine.defaults import checkpoint_name, variant_of
from engine.generate import models_dir, shipped_variants
from resources import ROOT as RESOURCES
from training import runs as tr

from ...jobs.training_estimates import Speed, estimate_seconds, format_duration

SCRATCH, SFT, LORA = "scratch", "sft", "lora"
METHODS = ((SCRATCH, "Train from scratch"), (SFT, "Fine-tune all weights (SFT)"),
           (LORA, "LoRA fine-tune (adapters only)"))
VARIANTS = ("tiny", "small", "medium", "large")
CHOOSE = "\0choose"

# name -> (method, preset file in resources/configs or None, values on top)
PRESETS = {
    "Quick check: tiny model, 300 steps": (SCRATCH, None, {
        "model": "tiny", "steps": 300, "lr": 2e-3, "batch_size": 16, "crop_frames": 32,
        "min_crop_frames": 16, "warmup_steps": 30, "eval_interval": 50, "ckpt_interval": 50,
        "log_interval": 5}),
    "Small model from scratch": (SCRATCH, "train_small.yaml", {}),
    "Fine-tune all weights": (SFT, "finetune_sft.yaml", {}),
    "LoRA fine-tune": (LORA, "finetune_lora.yaml", {}),
}


def preset_values(name: str) -> tuple[str, dict]:
    method, file, extra = PRESETS[name]
    values: dict = {}
    if file is not None:
        try:
            values = yaml.safe_load((RESOURCES / "configs" / file).read_text(
                encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            values = {}
    values.update(extra)
    values.pop("data_dir", None)
    return method, values


class SettingsPanel(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.speeds: list[Speed] = []
        self.preparation: tuple[float, str] | None = None
        self.base_values: dict = {}
        self.live_checks = False     # validate with training.config as values change
        self._variant_cache: dict[str, str] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        self.preset = QComboBox(self)
        self.preset.addItems(list(PRESETS))
        self.preset.activated.connect(lambda i: self.apply_preset(self.preset.itemText(i)))
        form.addRow("Preset", self.preset)
        self.method = QComboBox(self)
        for key, text in METHODS:
            self.method.addItem(text, key)
        form.addRow("Method", self.method)
        self.variant = QComboBox(self)
        self.variant.addItems(list(VARIANTS))
        form.addRow("Model size", self.variant)
        self.base = QComboBox(self)
        self.base.setToolTip("The trained model a fine-tune starts from")
        form.addRow("Base model", self.base)

        self.steps = QSpinBox(self)
        self.steps.setRange(1, 10_000_000)
        self.steps.setSingleStep(100)
        self.lr = QDoubleSpinBox(self)
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1.0)
        self.lr.setSingleStep(1e-4)
        row = QHBoxLayout()
        row.addWidget(self.steps, 1)
        row.addSpacing(8)
        row.addWidget(QLabel("learning rate", self))
        row.addWidget(self.lr, 1)
        form.addRow("Steps", row)
        self.batch = QSpinBox(self)
        self.batch.setRange(1, 4096)
        self.crop = QSpinBox(self)
        self.crop.setRange(8, 2048)
        self.crop.setSuffix(" frames")
        row = QHBoxLayout()
        row.addWidget(self.batch, 1)
        row.addSpacing(8)
        row.addWidget(QLabel("crop", self))
        row.addWidget(self.crop, 1)
        form.addRow("Batch", row)
        self.rank = QSpinBox(self)
        self.rank.setRange(1, 256)
        self.rank.setValue(8)
        form.addRow("LoRA rank", self.rank)
        self.extra = QLineEdit(self)
        self.extra.setPlaceholderText("more settings as key=value, e.g. threads=1 seed=3")
        form.addRow("Advanced", self.extra)
        self.estimate = QLabel(self)
        self.estimate.setObjectName("muted")
        self.estimate.setWordWrap(True)
        form.addRow("Time", self.estimate)
        self._form = form

        self.method.currentIndexChanged.connect(self._method_changed)
        self.base.activated.connect(self._base_activated)
        for w in (self.variant, self.base):
            w.currentIndexChanged.connect(self._refresh)
        for w in (self.steps, self.batch, self.crop, self.rank):
            w.valueChanged.connect(self._refresh)
        self.lr.valueChanged.connect(self._refresh)
        self.extra.textChanged.connect(self._refresh)
        self.set_bases([])
        self.apply_preset(next(iter(PRESETS)))

    # -- values -----------------------------------------------------------------------------------
    @property
    def method_key(self) -> str:
        return self.method.currentData()

    def apply_preset(self, name: str) -> None:
        method, values = preset_values(name)
        self.preset.setCurrentText(name)
        self.base_values = values
        self.method.setCurrentIndex(self.method.findData(method))
        if values.get("model") in VARIANTS:
            self.variant.setCurrentText(values["model"])
        self.steps.setValue(int(values.get("steps", 1000)))
        self.lr.setValue(float(values.get("lr", 5e-4)))
        self.batch.setValue(int(values.get("batch_size", 16)))
        self.crop.setValue(int(values.get("crop_frames", 128)))
        self.rank.setValue(int((values.get("lora") or {}).get("rank", 8) or 8))
        self._method_changed()

    def set_bases(self, run_models: list[tuple[str, str]]) -> None:
        """Base checkpoints to offer: the shipped models and models of finished runs
        (label, path)."""
        current = self.base.currentData()
        self.base.blockSignals(True)
        self.base.clear()
        for variant in shipped_variants():
            self.base.addItem(f"{variant} (shipped)", str(models_dir() / checkpoint_name(variant)))
        for label, path in run_models:
            self.base.addItem(label, path)
        self.base.addItem("Choose a checkpoint file…", CHOOSE)
        i = self.base.findData(current)
        self.base.setCurrentIndex(i if i >= 0 and current != CHOOSE else 0)
        self.base.blockSignals(False)
        self._refresh()

    def set_base(self, path: str) -> None:
        if self.base.findData(path) < 0:
            self.base.insertItem(self.base.count() - 1, Path(path).name, path)
        self.base.setCurrentIndex(self.base.findData(path))

    def base_path(self) -> str:
        data = self.base.currentData()
        return "" if data in (None, CHOOSE) else str(data)

    def _base_activated(self, i: int) -> None:
        if self.base.itemData(i) == CHOOSE:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a base model", "",
                                                  "Stick-Gen checkpoints (*.pt)")
            if path:
                self.set_base(path)
            else:
                self.base.setCurrentIndex(0)

    def config(self, data_dir: str, validate: bool = True) -> dict:
        """The run's full training config; raises ValueError with the reason if it is not
        valid (checked by training.config when ``validate``)."""
        method = self.method_key
        c = {k: v for k, v in self.base_values.items()}
        steps = self.steps.value()
        c.update(data_dir=str(data_dir), steps=steps, lr=self.lr.value(),
                 batch_size=self.batch.value(), crop_frames=self.crop.value())
        c["min_crop_frames"] = min(int(c.get("min_crop_frames", 24)), self.crop.value())
        # short runs still warm up, log, validate and checkpoint at a sensible pace
        c["warmup_steps"] = min(int(c.get("warmup_steps", 300)), max(1, steps // 10))
        for key, default in (("eval_interval", 500), ("ckpt_interval", 500)):
            c[key] = min(int(c.get(key, default)) or default, max(1, steps // 10))
        c["log_interval"] = min(int(c.get("log_interval", 10)), max(1, steps // 100))
        c["eval_batches"] = min(int(c.get("eval_batches", 8)), 4)
        if method == SCRATCH:
            c["model"] = self.variant.currentText()
            c.pop("init_from", None)
            c["lora"] = {"rank": 0}
        else:
            base = self.base_path()
            if not base:
                raise ValueError("choose the base model to fine-tune from")
            c["init_from"] = str(Path(base).resolve())
            lora = dict(c.get("lora") or {})
            lora["rank"] = self.rank.value() if method == LORA else 0
            c["lora"] = lora
        if not validate:
            return c
        from training.config import TrainConfig, apply_overrides

        out = TrainConfig.from_dict(apply_overrides(c, self.extra.text().split())).to_dict()
        if not out.get("init_from"):
            out.pop("init_from", None)
        return out

    def problem(self) -> str:
        """Why these settings cannot start a run, or ""."""
        try:
            self.config("data", validate=self.live_checks)
        except (ValueError, TypeError) as exc:
            return str(exc)
        return ""

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.live_checks:
            self.live_checks = True
            self._refresh()

    def variant_name(self) -> str:
        """The model variant the run trains (a fine-tune's is its base's)."""
        if self.method_key == SCRATCH:
            return self.variant.currentText()
        base = self.base_path()
        if not base:
            return ""
        if base not in self._variant_cache:
            self._variant_cache[base] = _variant_of(Path(base))
        return self._variant_cache[base]

    # -- reactions --------------------------------------------------------------------------------
    def set_speeds(self, speeds: list[Speed]) -> None:
        self.speeds = speeds
        self._refresh()

    def set_preparation(self, seconds: float, basis: str) -> None:
        """How long the chosen data takes from Start to the first step (the Data panel's
        business; shown here beside the training time)."""
        if self.preparation != (seconds, basis):
            self.preparation = (seconds, basis)
            self._refresh()

    def _method_changed(self, *_) -> None:
        m = self.method_key
        for w, show in ((self.variant, m == SCRATCH), (self.base, m != SCRATCH),
                        (self.rank, m == LORA)):
            w.setVisible(show)
            self._form.labelForField(w).setVisible(show)
        self._refresh()

    def _refresh(self, *_) -> None:
        try:
            config = self.config("data", validate=self.live_checks)
        except (ValueError, TypeError) as exc:
            self.estimate.setText(f"⚠ {exc}")
        else:
            variant = self.variant_name()
            seconds, basis = estimate_seconds(config, variant, self.speeds)
            prep = "plus preparing the data"
            if self.preparation is not None:
                prep = (f"plus about {format_duration(self.preparation[0])} preparing the data "
                        f"({self.preparation[1]})")
            self.estimate.setText(f"about {format_duration(seconds)} for "
                                  f"{config['steps']:,} steps of {config['batch_size']} crops "
                                  f"({basis}), {prep}")
        self.changed.emit()


def _variant_of(path: Path) -> str:
    """A checkpoint's model variant: from its run folder or name when known, else its header."""
    meta = tr.read_json(path.parent / tr.RUN_FILE).get("model_config") or {}
    if meta.get("name"):
        return str(meta["name"])
    if variant_of(path):
        return variant_of(path)
    try:
        from engine.model.checkpoint import read_checkpoint

        return str(read_checkpoint(path)["model_config"].get("name", ""))
    except Exception:  # an unreadable base is reported when the run starts
        return ""
