"""Low-rank adapters (LoRA) on the transformer's attention and MLP linears.

``apply_lora`` freezes the whole model and wraps the chosen ``nn.Linear`` layers so that
y = W x + (alpha / rank) * B A x, with B starting at zero (the adapted model starts out equal to
the base). Only A and B train; ``lora_state_dict`` holds just them, and ``merge_lora`` folds them
back into plain linears.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn

DEFAULT_TARGETS = ("qkv", "proj", "w1", "w2", "w3")


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        if rank < 1:
            raise ValueError(f"LoRA rank must be >= 1, got {rank}")
        self.base = base
        self.rank, self.alpha = int(rank), float(alpha)
        self.scale = self.alpha / self.rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        base.weight.requires_grad_(False)
        if base.bias is not None:
            base.bias.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale   # (..., out)

    def merged(self) -> nn.Linear:
        lin = nn.Linear(self.base.in_features, self.base.out_features,
                        bias=self.base.bias is not None)
        with torch.no_grad():
            lin.weight.copy_(self.base.weight + self.scale * (self.lora_b @ self.lora_a))
            if self.base.bias is not None:
                lin.bias.copy_(self.base.bias)
        return lin


def apply_lora(model: nn.Module, rank: int, alpha: float,
               targets: tuple[str, ...] | list[str] = DEFAULT_TARGETS) -> list[str]:
    """Freeze ``model`` and wrap every Linear whose attribute name is in ``targets``.

    Returns the dotted names of the wrapped layers (raises if none matched).
    """
    for p in model.parameters():
        p.requires_grad_(False)
    wrapped = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(module, child_name, LoRALinear(child, rank, alpha))
                wrapped.append(f"{name}.{child_name}" if name else child_name)
    if not wrapped:
        raise ValueError(f"no linear layer named any of {list(targets)}")
    return wrapped


def has_lora(model: nn.Module) -> bool:
    return any(isinstance(m, LoRALinear) for m in model.modules())


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """Only the adapter tensors (``...lora_a`` / ``...lora_b``)."""
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()
            if k.endswith((".lora_a", ".lora_b"))}


def load_lora_state_dict(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Load adapter tensors into a model that ``apply_lora`` already wrapped."""
    own = lora_state_dict(model)
    missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
    if missing or unexpected:
        raise ValueError(f"adapters do not fit this model (missing {missing[:3]}, "
                         f"unexpected {unexpected[:3]})")
    model.load_state_dict(state, strict=False)


def merge_lora(model: nn.Module) -> nn.Module:
    """Replace every LoRALinear by a plain Linear with the adapter folded in (in place)."""
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, LoRALinear):
                setattr(module, child_name, child.merged())
    for p in model.parameters():
        p.requires_grad_(True)
    return model
