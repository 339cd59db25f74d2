"""Who sees what: a key sees the jobs it submitted, editors and admins see every job, and only admins
write approved entries into the translation memory.

The routes ask here and pass the answer down to the store, which filters in its queries: another
key's job or edition is then not found, answered exactly as an id that does not exist (404, not 403),
so a key cannot even learn which ids are in use. The translation memory is shared by all keys, so
what makes approved entries in it (TMX import, an editor's correction) needs more than a submitter.
"""

from __future__ import annotations

from editions.errors import AuthError
from editions.service.security import Principal
from editions.vocabulary import KeyRole


def visible_owner(principal: Principal) -> str | None:
    """The owner whose jobs `principal` may see and change, or None for every owner's."""
    return None if principal.role.sees_all else principal.owner


def teaches_memory(principal: Principal) -> bool:
    """Whether `principal`'s block corrections go into the translation memory. An entry there is
    approved and wins for every key's articles, so a submitter's edit changes only its own edition."""
    return principal.role.sees_all


def require_role(principal: Principal, role: KeyRole, action: str) -> None:
    """Refuse (403) a caller whose role is below `role` for `action`."""
    order = list(KeyRole)
    if order.index(principal.role) < order.index(role):
        raise AuthError(403, f"{action} needs an {role} key; this key is a {principal.role}")
