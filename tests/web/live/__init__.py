"""Tests against a real server (uvicorn on a free port)."""
