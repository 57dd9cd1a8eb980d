"""Scenarios about credentials: what a client may send, and over which connection.

They are merged into SCENARIOS (scenarios.py) as listen_scenarios.py's are.
"""
from session import Session


class PlainOnly(Session):
    """STARTTLS as usual, then only PLAIN offered: the password itself is asked for. A
    client that verified the certificate may send it; one that did not (--insecure) must
    send nothing, since whoever answered could be a man in the middle."""
    mechanisms = ("PLAIN",)


SECURITY_SCENARIOS = {
    "plain-only": PlainOnly,
}
