"""The election service: HTTP API (FastAPI) over the bulletin board, and the booth page."""
