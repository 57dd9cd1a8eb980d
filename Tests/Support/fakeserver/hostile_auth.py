"""Hostile servers during SASL: a SCRAM server-first-message with a tampered nonce,
iteration count or salt, a broken challenge, and a <success/> that does not prove the
server knows the password. A client must refuse each (and never fall back to PLAIN).
"""
import base64

from session import NS_SASL, Session


class ServerFirstTampering(Session):
    """SCRAM as usual, but the server-first-message's attributes are changed by `tamper`."""

    def server_first(self, message):
        fields = dict(part.split("=", 1) for part in message.decode().split(","))
        self.tamper(fields)
        return ",".join("%s=%s" % item for item in fields.items()).encode()

    def tamper(self, fields):
        """Hook: change r, s or i."""


def tampering(name, description, change):
    return type(name, (ServerFirstTampering,),
                {"tamper": lambda self, fields: change(fields), "__doc__": description})


class ChallengeNotBase64(Session):
    """Answers <auth/> with a challenge whose text is not base64."""

    def send(self, text):
        if text.startswith("<challenge"):
            text = "<challenge xmlns='%s'>%%%%not base64%%%%</challenge>" % NS_SASL
        super().send(text)


class SuccessWithData(Session):
    """Checks the client's proof, then sends <success/> with `success_text` as its content
    instead of the server signature (class attribute; see the subclasses)."""
    success_text = ""

    def finish_auth(self, proof_ok, success_data):
        if not proof_ok:
            return self.sasl_failure("not-authorized")
        self.scram = None
        self.send("<success xmlns='%s'>%s</success>" % (NS_SASL, self.success_text))
        self.authenticated = True
        self.stream.reset_parser()


class SuccessEarly(Session):
    """Answers <auth/> at once with <success/> (no challenge): a server that skips the
    exchange it cannot do without the password."""

    def on_auth(self, element):
        self.username = "alice"
        self.send("<success xmlns='%s'/>" % NS_SASL)
        self.authenticated = True
        self.stream.reset_parser()


def success_with(name, text, description):
    return type(name, (SuccessWithData,), {"success_text": text, "__doc__": description})


def b64(text):
    return base64.b64encode(text.encode()).decode()


AUTH_SCENARIOS = {
    "scram-nonce-not-extended": tampering(
        "NonceNotExtended", "A server nonce that does not start with the client's.",
        lambda fields: fields.update(r="forged" + fields["r"][6:])),
    "scram-nonce-unchanged": tampering(
        "NonceUnchanged", "A server nonce that is the client's own, not extended.",
        lambda fields: fields.update(r=fields["r"][:-24])),
    "scram-iterations-zero": tampering(
        "IterationsZero", "An iteration count of 0.", lambda fields: fields.update(i="0")),
    "scram-iterations-absurd": tampering(
        "IterationsAbsurd", "An iteration count of 2^32 - 1, hours of PBKDF2.",
        lambda fields: fields.update(i="4294967295")),
    "scram-iterations-not-number": tampering(
        "IterationsNotNumber", "An iteration count that is not a number.",
        lambda fields: fields.update(i="4096x")),
    "scram-salt-empty": tampering(
        "SaltEmpty", "An empty salt.", lambda fields: fields.update(s="")),
    "scram-salt-not-base64": tampering(
        "SaltNotBase64", "A salt that is not base64.", lambda fields: fields.update(s="!!not*base64!!")),
    "scram-oversized-challenge": tampering(
        "OversizedChallenge", "A server nonce 100 000 characters long.",
        lambda fields: fields.update(r=fields["r"] + "x" * 100000)),
    "scram-challenge-not-base64": ChallengeNotBase64,
    "scram-success-empty": success_with(
        "SuccessEmpty", "", "A <success/> without additional data: no server signature."),
    "scram-success-not-base64": success_with(
        "SuccessNotBase64", "%%%", "A <success/> whose content is not base64."),
    "scram-signature-not-base64": success_with(
        "SignatureNotBase64", b64("v=!!not*base64!!"), "A v= in <success/> that is not base64."),
    "scram-signature-missing": success_with(
        "SignatureMissing", b64("x=unknown"), "A server-final-message without v= or e=."),
    "scram-server-error": success_with(
        "ServerErrorInSuccess", b64("e=invalid-proof"), "A <success/> carrying e=invalid-proof."),
    "scram-success-early": SuccessEarly,
}
