"""Prompt planner: splits a prompt into timed segments with actions and cues."""
from .plan import Plan, PlanSegment  # noqa: F401
from .rules import PlanError, plan_prompt, split_clauses, match_action  # noqa: F401
from .nearest import NearestAction  # noqa: F401,E402
