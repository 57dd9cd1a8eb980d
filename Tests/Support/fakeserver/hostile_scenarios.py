"""The hostile-server catalogue: one scenario for each way a server can break the protocol,
by stage (XML, TLS, SASL, session, connection). Tests/IntegrationTests/Hostile*Tests.swift
run each and check the exit status, the deadline, memory, and what the client sent.
"""
from hostile_auth import AUTH_SCENARIOS
from hostile_connection import CONNECTION_SCENARIOS
from hostile_session import SESSION_SCENARIOS
from hostile_tls import TLS_SCENARIOS
from hostile_xml import XML_SCENARIOS

HOSTILE_SCENARIOS = {
    **XML_SCENARIOS,
    **TLS_SCENARIOS,
    **AUTH_SCENARIOS,
    **SESSION_SCENARIOS,
    **CONNECTION_SCENARIOS,
}
