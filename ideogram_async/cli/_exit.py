"""The exit codes of the ``ideogram`` command, and the one each failure earns."""

from __future__ import annotations

import enum

import ideogram_async as ia

__all__ = ["EXIT_CODES_HELP", "ExitCode", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """What a script can learn from ``$?``."""

    OK = 0
    PARTIAL = 1
    USAGE = 2
    AUTH = 3
    QUOTA = 4
    API = 5
    INTERRUPTED = 130


EXIT_CODES_HELP = """\
exit codes:
  0    every item succeeded
  1    some items failed (batch), or an image failed the safety check and was not saved
  2    usage or validation error: bad arguments, a bad prompts file, a parameter the SDK
       refuses (IdeogramValidationError) or the API refuses (400, 413, 422)
  3    authentication or configuration: no IDEOGRAM_API_KEY, a bad IDEOGRAM_BASE_URL,
       or the API refused the key (401, 403)
  4    rate limit or quota: 429 after the retries, or 402 (credits, daily limit)
  5    API or network error: 5xx, timeouts, connection failures, failed downloads
  130  interrupted (Ctrl-C)
When every item of a batch failed the same way, the batch exits with that failure's code."""


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code for a failure raised by the SDK (or by the file system)."""
    if isinstance(exc, ia.IdeogramValidationError):
        return ExitCode.USAGE
    if isinstance(exc, (ia.ConfigurationError, ia.AuthenticationError, ia.PermissionDeniedError)):
        return ExitCode.AUTH
    if isinstance(exc, (ia.RateLimitError, ia.PaymentRequiredError)):
        return ExitCode.QUOTA
    # The API found the input at fault: the same remedy as a validation error.
    if isinstance(exc, (ia.BadRequestError, ia.RequestTooLargeError, ia.UnprocessableEntityError)):
        return ExitCode.USAGE
    if isinstance(exc, OSError):
        return ExitCode.USAGE
    return ExitCode.API
