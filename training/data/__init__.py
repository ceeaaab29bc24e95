"""Training data: samples, shards on disk, captions and the dataset builder
(``python -m training.data build``)."""
