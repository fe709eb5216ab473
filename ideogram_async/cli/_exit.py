"""The exit codes of the ``ideogram`` command, and the one each failure earns."""

from __future__ import annotations

import enum

import ideogram_async as ia

__all__ = ["EXIT_CODES_HELP", "ExitCode", "exit_code_for", "exit_code_for_error"]


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
  130  interrupted (Ctrl-C); a batch still reports what it saved, and resumes when re-run
When every item of a batch failed the same way, the batch exits with that failure's code."""


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code for a failure raised by the SDK (or by the file system)."""
    return _for_class(type(exc))


def _for_class(cls: type[BaseException]) -> ExitCode:
    if issubclass(cls, (ia.IdeogramValidationError, ia.ManifestError)):
        return ExitCode.USAGE
    if issubclass(cls, (ia.ConfigurationError, ia.AuthenticationError, ia.PermissionDeniedError)):
        return ExitCode.AUTH
    if issubclass(cls, (ia.RateLimitError, ia.PaymentRequiredError)):
        return ExitCode.QUOTA
    # The API found the input at fault: the same remedy as a validation error.
    if issubclass(cls, (ia.BadRequestError, ia.RequestTooLargeError, ia.UnprocessableEntityError)):
        return ExitCode.USAGE
    if issubclass(cls, OSError):
        return ExitCode.USAGE
    return ExitCode.API


def exit_code_for_error(error: ia.BatchItemError) -> ExitCode:
    """The exit code for a batch item's error, also one read back from a manifest."""
    if error.stage == "interrupted":
        return ExitCode.INTERRUPTED
    if error.stage == "download":
        # A link that fails is a network matter, whatever status the storage answered.
        return ExitCode.API
    if error.stage == "skipped":
        return ExitCode.PARTIAL if error.status_code is None else _by_status(error.status_code)
    if error.exception is not None:
        return exit_code_for(error.exception)
    cls = getattr(ia, error.type, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return _for_class(cls)
    if error.stage == "save":
        return ExitCode.USAGE
    return ExitCode.API


def _by_status(status: int) -> ExitCode:
    return {401: ExitCode.AUTH, 403: ExitCode.AUTH, 402: ExitCode.QUOTA}.get(status, ExitCode.API)
