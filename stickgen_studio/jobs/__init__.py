"""Background work, and everything the views ask of it; no widgets here.

``runner`` is the app's one background runner (a one-thread model lane, a work lane; newest job
per channel wins) and ``worker`` the job it runs; ``model_service`` loads the Generator and
queues model calls on the runner; ``generation`` turns prompts into undoable document edits;
``export`` snapshots the document for an export job; ``training_process`` starts and follows
trainer processes through their run folders (``training.runs``); ``training_estimates`` says
how long a run will take.
"""
