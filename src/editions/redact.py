"""One rule for credentials in text we print, log or store: replace them with `***`.

Errors name what failed, and what failed is often a URL: an engine server given as
`http://user:password@host/v1`, a database URL, an upstream that echoes its request. The message
stays useful (which host, which path) and the secret goes. `redact` is applied where text leaves the
process or lands in the store: task errors (`store.queue`), the service's log lines
(`service.observe.log`) and the CLI's error line. It is idempotent and leaves text without
credentials unchanged, so applying it twice on one path costs nothing.
"""

from __future__ import annotations

import re

MASK = "***"

# Credentials are ASCII tokens; stopping at quotes, spaces and brackets keeps the surrounding text.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host → scheme://***@host (userinfo never contains '/', '@' or spaces)
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@"), rf"\1{MASK}@"),
    # Authorization: Bearer xyz / Basic xyz / Token xyz, as a header or written into a message
    (
        re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token)\s+)[^\s'\",;]+"),
        rf"\1{MASK}",
    ),
    (re.compile(r"\b(Bearer\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]+"), rf"\1{MASK}"),
    # ?api_key=… &token=… &password=… in query strings
    (
        re.compile(
            r"(?i)([?&;](?:api[_-]?key|access[_-]?token|refresh[_-]?token|token|key|secret|"
            r"client[_-]?secret|password|passwd|pwd|auth|sig|signature)=)[^&\s'\"#<>]+"
        ),
        rf"\1{MASK}",
    ),
    # OpenAI-style secret keys (sk-…, sk-proj-…) and this service's own API keys (ed_…)
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), f"sk-{MASK}"),
    (re.compile(r"\bed_[A-Za-z0-9_-]{32,}"), f"ed_{MASK}"),
)


def redact(text: str) -> str:
    """`text` with URL passwords, authorization headers, key parameters and API keys masked."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
