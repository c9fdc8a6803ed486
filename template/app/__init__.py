"""The service package; `python -m app` starts the server."""
