"""Prompt planner: splits a prompt into timed segments with actions and cues."""
from .plan import PathCue, Plan, PlanSegment  # noqa: F401
from .rules import PlanError, match_action, match_candidates, plan_prompt, split_clauses  # noqa: F401
from .nearest import NearestAction  # noqa: F401,E402
