"""Hostile servers at the TLS stage: STARTTLS stripped or refused, plaintext after
<proceed/>, and certificates a client must not trust.

The certificates come from Tests/Support/certs/generate-hostile, in the directory named by
the environment variable FAKESERVER_HOSTILE_CERTS; its ca.pem signed all but the
self-signed one, so a client that trusts it tells a bad certificate from an unknown CA.
"""
import os
import ssl
import warnings

from session import NS_TLS, EndSession, Session


def hostile_context(name):
    """A server context with NAME.pem and NAME.key from the hostile certificates."""
    directory = os.environ.get("FAKESERVER_HOSTILE_CERTS")
    if not directory:
        raise RuntimeError("FAKESERVER_HOSTILE_CERTS is not set (see certs/generate-hostile)")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(directory, name + ".pem"),
                            os.path.join(directory, name + ".key"))
    return context


class StartTLSStripped(Session):
    """Offers no STARTTLS and nothing else, as a man in the middle that deleted it would:
    the client must give up before anything of the account is sent."""
    offer_starttls = False


class StartTLSFailure(Session):
    """Offers STARTTLS, then answers it with <failure/> (RFC 6120 §5.4.2.2) and closes."""

    def on_starttls(self, _):
        self.send("<failure xmlns='%s'/></stream:stream>" % NS_TLS)
        self.stream.close()
        raise EndSession()


class PlaintextAfterProceed(Session):
    """Sends <proceed/>, then goes on in plaintext (a new stream header and features)
    instead of starting TLS: the client's handshake meets XML."""

    def on_starttls(self, _):
        self.send("<proceed xmlns='%s'/>" % NS_TLS)
        self.send_header()
        self.send("<stream:features>%s</stream:features>" % self.features_after_tls())


class Certificate(Session):
    """A normal server whose TLS certificate is `certificate` from the hostile set."""
    certificate = "good"

    def __init__(self, stream, tls_context, password, state=None):
        super().__init__(stream, hostile_context(self.certificate), password, state)


class OldTLSVersion(Session):
    """Speaks nothing newer than TLS 1.1 (a downgrade): a client that requires TLS 1.2 must
    refuse the handshake."""

    def __init__(self, stream, tls_context, password, state=None):
        context = hostile_context("good")
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        super().__init__(stream, context, password, state)


def certificate_scenario(name, description):
    return type("Certificate_" + name.replace("-", "_"), (Certificate,),
                {"certificate": name, "__doc__": description})


TLS_SCENARIOS = {
    "tls-stripped": StartTLSStripped,
    "tls-failure": StartTLSFailure,
    "tls-plaintext-after-proceed": PlaintextAfterProceed,
    "tls-old-version": OldTLSVersion,
    "tls-good": certificate_scenario(
        "good", "A valid certificate for localhost from the hostile CA: the control."),
    "tls-wildcard": certificate_scenario(
        "wildcard", "A valid *.hostile.localhost certificate: the wildcard control."),
    "tls-expired": certificate_scenario(
        "expired", "A certificate for localhost that expired in January 2020."),
    "tls-not-yet-valid": certificate_scenario(
        "not-yet-valid", "A certificate for localhost valid only from 2099 on."),
    "tls-self-signed": certificate_scenario(
        "self-signed", "A self-signed certificate for localhost."),
    "tls-wrong-host": certificate_scenario(
        "wrong-host", "A certificate for other.example only."),
    "tls-partial-wildcard": certificate_scenario(
        "partial-wildcard", "A certificate for x*.hostile.localhost, a partial wildcard."),
    "tls-nul-in-san": certificate_scenario(
        "nul-in-san", "A certificate whose DNS name is localhost, a NUL, then .evil.example."),
}
