"""The SSRF policy on its own; refusals end to end, against local servers, are in test_url.py."""

from __future__ import annotations

import pytest

from editions.errors import UsageError
from editions.ingest import UrlPolicy
from editions.ingest.ssrf import ALLOW_ENV


def test_policy_from_env() -> None:
    policy = UrlPolicy.from_env({ALLOW_ENV: " cms.intranet:443, [::1]:8080,127.0.0.1:8123 ,"})
    assert policy.allows("CMS.intranet.", 443) and policy.allows("::1", 8080)
    assert policy.allows("127.0.0.1", 8123) and not policy.allows("127.0.0.1", 8124)
    assert UrlPolicy.from_env({}).allow == frozenset()
    with pytest.raises(UsageError, match=f"{ALLOW_ENV}: 'cms.intranet' is not host:port"):
        UrlPolicy.from_env({ALLOW_ENV: "cms.intranet"})
