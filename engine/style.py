"""How a scene looks: colours, line widths, ground and shadows, and the shipped style presets.

Widths are in metres where they belong to the figure (so they shrink with distance like the
figure does) and in pixels where they belong to the picture (the grid).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

RGB = tuple[int, int, int]

_NAMED: dict[str, RGB] = {
    "white": (255, 255, 255), "black": (0, 0, 0), "paper": (246, 246, 243),
    "ink": (24, 26, 32), "grey": (128, 128, 128), "gray": (128, 128, 128),
    "green": (0, 177, 64),  # a chroma-key green for compositing
    "blue": (0, 71, 187),
}


def parse_color(text: str | RGB | list) -> RGB:
    """'#rrggbb', '#rgb', 'r,g,b' or a few names (white, black, paper, ink, grey, green, blue)."""
    if isinstance(text, (tuple, list)):
        vals = tuple(int(v) for v in text)
    else:
        s = str(text).strip().lower()
        if s in _NAMED:
            return _NAMED[s]
        try:
            if s.startswith("#") and len(s) in (4, 7):
                h = s[1:] if len(s) == 7 else "".join(c * 2 for c in s[1:])
                vals = tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
            else:
                vals = tuple(int(v) for v in s.split(","))
        except ValueError:
            vals = ()
    if len(vals) != 3 or not all(0 <= v <= 255 for v in vals):
        raise ValueError(f"not a colour: {text!r} (use #rrggbb, r,g,b or one of "
                         f"{', '.join(sorted(_NAMED))})")
    return vals  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


@dataclass(frozen=True)
class Style:
    name: str = "light"
    background: RGB = (244, 245, 247)
    floor: RGB | None = (232, 234, 238)     # fill below the horizon; None: background only
    ground: str = "grid"                    # "grid", "line" or "none"
    grid_color: RGB = (196, 201, 210)
    grid_spacing: float = 1.0               # metres between grid lines
    grid_extent: float = 6.0                # metres from the subject to the grid's edge
    grid_width: float = 1.0                 # pixels
    actor_colors: tuple[RGB, ...] = ((33, 52, 82), (200, 62, 77), (0, 121, 140),
                                     (218, 145, 32), (106, 76, 147), (64, 128, 64))
    head_fill: RGB | None = None            # None: the background colour
    limb_width: float = 0.034               # metres
    min_width: float = 1.2                  # pixels; nothing thinner, however far
    face_width: float = 0.11                # face strokes, as a fraction of the head's radius
    far_fade: float = 0.25                  # far-side limbs move this far toward the background
    shadow: bool = True
    shadow_color: RGB = (60, 66, 80)
    shadow_alpha: float = 0.22              # opacity at the shadow's centre

    def __post_init__(self) -> None:
        if self.ground not in ("grid", "line", "none"):
            raise ValueError(f"style ground must be grid, line or none, got {self.ground!r}")
        if not self.actor_colors:
            raise ValueError("a style needs at least one actor colour")

    def actor_color(self, index: int) -> RGB:
        return self.actor_colors[index % len(self.actor_colors)]

    def head_fill_color(self) -> RGB:
        return self.background if self.head_fill is None else self.head_fill

    def with_background(self, color: str | RGB) -> "Style":
        """This style on another background; the floor tint follows it."""
        bg = parse_color(color)
        dark = sum(bg) < 3 * 110
        floor = None if self.floor is None else mix(bg, (255, 255, 255) if dark else (0, 0, 0),
                                                    0.05)
        return replace(self, background=bg, floor=floor)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Style":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown style fields {unknown}")
        kw: dict[str, Any] = dict(d)
        for key in ("background", "floor", "grid_color", "head_fill", "shadow_color"):
            if kw.get(key) is not None:
                kw[key] = parse_color(kw[key])
        if "actor_colors" in kw:
            kw["actor_colors"] = tuple(parse_color(c) for c in kw["actor_colors"])
        return cls(**kw)


STYLES: dict[str, Style] = {
    "light": Style(),
    "dark": Style(name="dark", background=(26, 28, 34), floor=(33, 36, 43),
                  grid_color=(64, 70, 82),
                  actor_colors=((236, 239, 244), (255, 133, 150), (110, 211, 230),
                                (255, 200, 87), (186, 160, 255), (140, 220, 140)),
                  shadow_color=(0, 0, 0), shadow_alpha=0.35),
    "paper": Style(name="paper", background=(250, 248, 242), floor=None, ground="line",
                   grid_color=(170, 165, 150), actor_colors=((20, 20, 20),), shadow=False),
}


def get_style(style: str | Style | None) -> Style:
    """A Style from a preset name (light, dark, paper), a Style, or None (light)."""
    if style is None:
        return STYLES["light"]
    if isinstance(style, Style):
        return style
    try:
        return STYLES[style]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; known: {', '.join(STYLES)}") from None

