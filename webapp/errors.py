"""Errors that mean the user gave something unusable; shown as a message, never a traceback."""


class UserError(Exception):
    """A problem the user can fix (bad file, unknown id, missing setup)."""
