"""The one exception type for bad user input; the CLI turns it into a message and exit code 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a user: a file, a field, a command-line option.

    The message is complete and located (file, field path, line where known); it is shown to
    the user as is, without a traceback.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        text = message if not self.problems else message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)
