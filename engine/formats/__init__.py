"""File formats: the canonical .motion.json, BVH, DeepMimic/npz mocap readers and projects."""
