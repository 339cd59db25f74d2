"""The exceptions `editions` raises, and the only ones a user should ever see.

    EditionsError                 every error we raise on purpose; `str(err)` is one line for the user
    ├── InputError                the article itself is unusable
    │   ├── EmptyArticleError     nothing to translate
    │   ├── BinaryInputError      bytes that are not text
    │   ├── EncodingError         text that is not UTF-8 (or the declared charset)
    │   ├── InputTooLargeError    over the size limit
    │   │   └── TooManyTasksError  a job of more (article, language) tasks than one job may queue (413)
    │   ├── ArticleFormatError    malformed Markdown/HTML/JSON for the chosen reader
    │   ├── GlossaryError         a glossary file that cannot be read (names file and line)
    │   ├── UnsafeUrlError        a URL refused by the SSRF policy (says which address, and why)
    │   ├── FetchError            a URL that could not be fetched: DNS, timeout, size, HTTP status
    │   ├── TmxError              a translation-memory file that is not TMX
    │   ├── XliffError            an XLIFF file that is unsafe, invalid, or does not fit its edition
    │   └── FeedError             a feed that is not RSS or Atom (an HTML page, not XML, empty)
    ├── UsageError                a bad option: unknown language, engine, format …
    │   ├── UnknownLanguageError
    │   ├── UnknownEngineError
    │   ├── NotFoundError         no such job or edition (HTTP 404)
    │   ├── IdempotencyConflictError  an idempotency key reused for another request (409)
    │   ├── QuotaExceededError    a caller's queued work is at its limit (429)
    │   └── StaleEditError        the edition changed since the editor opened it (409)
    ├── AuthError                 the service refuses the caller: 401, 403 or 429 (`status`)
    ├── BackendMissingError       an optional extra is not installed (message has the pip command)
    ├── ModelUnavailableError     the model cannot be found, verified or downloaded
    ├── NativeLibraryError        the native library would crash this machine (found in a child process)
    ├── EngineError               the engine failed while translating (server down, bad reply)
    │   └── EngineCrashedError    the engine's worker process died (a signal, out of memory)
    └── StoreError                the database cannot be opened or migrated

Backends' own exceptions are mapped to these where they are called (one place per backend);
the CLI entry point and the service's one handler turn them into messages.
"""

from __future__ import annotations


class EditionsError(Exception):
    """Base of every error raised on purpose. The message is written for the user."""

    exit_code = 1


class InputError(EditionsError):
    exit_code = 65  # EX_DATAERR


class EmptyArticleError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class EncodingError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


class ArticleFormatError(InputError):
    pass


class UsageError(EditionsError):
    exit_code = 64  # EX_USAGE


class UnknownLanguageError(UsageError):
    pass


class UnknownEngineError(UsageError):
    pass


class BackendMissingError(EditionsError):
    exit_code = 69  # EX_UNAVAILABLE


class ModelUnavailableError(EditionsError):
    exit_code = 69


class NativeLibraryError(EditionsError):
    exit_code = 69


class EngineError(EditionsError):
    exit_code = 70  # EX_SOFTWARE


class EngineCrashedError(EngineError):
    """The process that ran the engine died (SIGSEGV in native code, the OOM killer): the server lives
    on, and the task it was translating is retried, then failed after a few attempts."""


class GlossaryError(InputError):
    pass


class StoreError(EditionsError):
    exit_code = 74  # EX_IOERR


class UnsafeUrlError(InputError):
    """A URL `editions.ingest.url` will not fetch: not http(s), credentials in it, or an internal address."""


class FetchError(InputError):
    """A URL that passed the policy but could not be read: DNS, connection, timeout, size or HTTP status."""


class TmxError(InputError):
    pass


class XliffError(InputError):
    """An XLIFF file that is not XML, not valid XLIFF 2, hostile, or does not fit the edition it names."""


class FeedError(InputError):
    """A document given or fetched as a feed that is not one: not XML, an HTML page, empty, binary."""


class NotFoundError(UsageError):
    pass


class IdempotencyConflictError(UsageError):
    """The idempotency key was used before for a different request."""


class QuotaExceededError(UsageError):
    """The caller already has as many tasks queued or running as it may; it must wait for some."""


class TooManyTasksError(InputTooLargeError):
    """One job would queue more (article, language) tasks than a job may hold."""


class StaleEditError(UsageError):
    """The edition changed since the editor opened it."""


class AuthError(EditionsError):
    """The service will not serve this caller: `status` is the HTTP status (401, 403, 429)."""

    def __init__(self, status: int, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
