"""Background work: a QRunnable wrapper for plain engine functions, newest-request-wins
channels, the model service (one thread) and export."""
