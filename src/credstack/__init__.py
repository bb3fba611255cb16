"""Credstack: issue, hold, stack and verify Open Badges 3.0 micro-credentials."""

__version__ = "0.1.0"
