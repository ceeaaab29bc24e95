"""Story mode: scenes with several actors.

``script`` holds the validated, versioned scene script (who stands where and does what, when,
and what the camera does); ``offline`` plans a script from a sentence with rules and the
planner's meaning match, without a network. Turning a script into motions lives beside them.
Modules here import lazily: importing the package itself loads nothing heavy.
"""
