"""The server side of SASL SCRAM (RFC 5802, RFC 7677) without channel binding.

    exchange = ScramServer("SCRAM-SHA-256", password)
    server_first = exchange.first(client_first)     # bytes in, bytes out
    ok, signature = exchange.final(client_final)    # ok: the client proved the password
    success_data = server_final(signature)          # b"v=..."; a scenario may forge it
"""
import base64
import hashlib
import hmac
import os

HASHES = {"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256"}
ITERATIONS = 4096


class ScramError(Exception):
    """The client's message is malformed or inconsistent (wrong nonce, channel binding)."""


def parse_attributes(text):
    attributes = {}
    for part in text.split(","):
        if len(part) < 2 or part[1] != "=":
            raise ScramError("malformed attribute %r" % part)
        attributes[part[0]] = part[2:]
    return attributes


def unescape_username(name):
    return name.replace("=2C", ",").replace("=3D", "=")


class ScramServer:
    def __init__(self, mechanism, password, iterations=ITERATIONS):
        self.hash_name = HASHES[mechanism]
        self.password = password.encode("utf-8")
        self.iterations = iterations
        self.salt = os.urandom(16)
        self.username = None

    def _hmac(self, key, message):
        return hmac.new(key, message, self.hash_name).digest()

    def first(self, client_first):
        text = client_first.decode("utf-8")
        header_end = text.find(",", text.find(",") + 1)
        if header_end < 0:
            raise ScramError("no GS2 header")
        self.gs2_header = text[:header_end + 1]
        if self.gs2_header[0] not in "ny":
            raise ScramError("channel binding requested but not offered")
        self.client_first_bare = text[header_end + 1:]
        attributes = parse_attributes(self.client_first_bare)
        if "n" not in attributes or "r" not in attributes:
            raise ScramError("client-first lacks n= or r=")
        self.username = unescape_username(attributes["n"])
        self.nonce = attributes["r"] + base64.b64encode(os.urandom(18)).decode()
        self.server_first = "r=%s,s=%s,i=%d" % (
            self.nonce, base64.b64encode(self.salt).decode(), self.iterations)
        return self.server_first.encode()

    def final(self, client_final):
        """Returns (proof_ok, server_signature)."""
        text = client_final.decode("utf-8")
        without_proof, separator, proof_b64 = text.rpartition(",p=")
        if not separator:
            raise ScramError("client-final lacks p=")
        attributes = parse_attributes(without_proof)
        if attributes.get("r") != self.nonce:
            raise ScramError("nonce mismatch")
        if base64.b64decode(attributes.get("c", "")) != self.gs2_header.encode():
            raise ScramError("channel binding data does not match the GS2 header")
        salted = hashlib.pbkdf2_hmac(self.hash_name, self.password, self.salt, self.iterations)
        client_key = self._hmac(salted, b"Client Key")
        stored_key = hashlib.new(self.hash_name, client_key).digest()
        auth_message = ",".join(
            [self.client_first_bare, self.server_first, without_proof]).encode()
        client_signature = self._hmac(stored_key, auth_message)
        proof = base64.b64decode(proof_b64)
        recovered_key = bytes(a ^ b for a, b in zip(proof, client_signature))
        proof_ok = (len(proof) == len(client_key)
                    and hmac.compare_digest(hashlib.new(self.hash_name, recovered_key).digest(),
                                            stored_key))
        server_key = self._hmac(salted, b"Server Key")
        return proof_ok, self._hmac(server_key, auth_message)


def server_final(signature):
    return b"v=" + base64.b64encode(signature)
