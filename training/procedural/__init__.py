"""Procedural action library: parametric, physically plausible motions that make training data.

Importing this package registers every action generator in ``base.REGISTRY``.
"""
from .base import REGISTRY, ActionParams, Clip, sample_params  # noqa: F401
from . import gestures  # noqa: F401,E402
from . import head_gestures  # noqa: F401,E402
from . import combat  # noqa: F401,E402
from . import handling  # noqa: F401,E402
from . import idle  # noqa: F401,E402
from . import locomotion  # noqa: F401,E402
from . import turns  # noqa: F401,E402
from . import skip  # noqa: F401,E402
from . import stumble  # noqa: F401,E402
from . import dance  # noqa: F401,E402
from . import jumps  # noqa: F401,E402
from . import pirouette  # noqa: F401,E402
from . import level  # noqa: F401,E402
from . import falls  # noqa: F401,E402
from . import crawl  # noqa: F401,E402
from . import climb  # noqa: F401,E402
from . import dribble  # noqa: F401,E402
from . import acrobatics  # noqa: F401,E402
from . import style_gestures  # noqa: E402

style_gestures.install()  # gestures honour ActionParams.style
