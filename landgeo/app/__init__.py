"""Floor 7: whole jobs that read recipes and write folders (pipeline, batch, demo, the file-level command functions)."""
