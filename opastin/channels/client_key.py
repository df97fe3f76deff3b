"""Which client a web chat message comes from, as a key that is not its address.

One client (a browser or a script at one address) can open any number of conversations, so the
live-chat queue limits how many of them may wait at once (opastin/handoff/queue.py). The web chat
passes the client's *key* to the action server in the message's metadata, never the address,
which is personal data: the key is an HMAC-SHA-256 of the address (a plain hash would not do: all
IPv4 addresses can be hashed and looked up in minutes). An IPv6 address counts by its /64 network,
which one home, office or phone holds whole and can change addresses within.

The HMAC key is derived from the web chat's signing key (OPASTIN_WEBCHAT_SECRET or var/webchat.key,
opastin/channels/session_token.py), which every Rasa process of a deployment shares, so both processes
of the scaled profile key a client alike. The address is the channel's client address: behind a
trusted proxy, the one the proxy added (WebchatInput.client_address).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import cache

from opastin.channels.session_token import signing_key
from opastin.handoff.queue import CLIENT_METADATA

PURPOSE = b"opastin-client-key-v1"  # a key of its own, derived: no token signature can be made from a client key
IPV6_PREFIX = 64


def network_of(address: str) -> str:
    """What counts as one client: an IPv4 address, or an IPv6 address's /64 network (IPv4 inside IPv6 as IPv4)."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address  # not an address (a test client, a unix socket): the text itself
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def key_of(address: str, secret: bytes) -> str:
    """The client's key: 128 bits of HMAC-SHA-256 over its network, in hex; the address cannot be read back."""
    return hmac.new(secret, network_of(address).encode(), hashlib.sha256).hexdigest()[:32]


@cache
def client_secret() -> bytes:
    """The deployment's key for client keys, derived from the web chat's signing key."""
    return hmac.new(signing_key(), PURPOSE, hashlib.sha256).digest()


def client_metadata(address: str) -> dict[str, str]:
    """What the web chat adds to a message's metadata: the key of the client at `address`."""
    return {CLIENT_METADATA: key_of(address, client_secret())}
