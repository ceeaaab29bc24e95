"""Training: procedural and mocap datasets, training loop with resume, fine-tunes, evaluation.
Never imports Qt."""
