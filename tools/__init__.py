"""Maintainers' tools, importable (`from tools import execute_notebooks`) and runnable as
scripts (`python tools/execute_notebooks.py`)."""
