package dev.spindle.reactor.internal;

import dev.spindle.reactor.TlsHandshakeException;
import dev.spindle.reactor.TlsHandshakeException.Reason;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns the engine's {@link SSLException} into a {@link TlsHandshakeException} with a reason.
 * The JDK reports certificate problems through typed causes (checked first) and alerts and
 * negotiation problems only in messages, whose wording has been stable since JDK 11.
 */
final class TlsFailures {
    private static final String ALERT = "Received fatal alert: ";

    private TlsFailures() {
    }

    static TlsHandshakeException classify(SSLException e, String target) {
        Reason reason = reasonOf(e);
        return new TlsHandshakeException(reason, "TLS handshake with " + target + " failed: " + reason.description()
                + " (" + e.getMessage() + ")", e);
    }

    static Reason reasonOf(SSLException e) {
        String top = String.valueOf(e.getMessage());
        int alertAt = top.indexOf(ALERT);
        if (alertAt >= 0) {
            return alertReason(top.substring(alertAt + ALERT.length()).trim());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return Reason.CERTIFICATE_EXPIRED;
            }
            if (t instanceof CertPathValidatorException) {
                CertPathValidatorException.Reason r = ((CertPathValidatorException) t).getReason();
                if (r == CertPathValidatorException.BasicReason.EXPIRED || r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return Reason.CERTIFICATE_EXPIRED;
                }
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no subject alternative") || m.contains("no name matching")) {
                return Reason.HOST_NAME_MISMATCH;
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || m.contains("pkix path") || m.contains("unable to find valid certification path")) {
                return Reason.UNTRUSTED_CERTIFICATE;
            }
            if (m.contains("empty client certificate chain")) {
                return Reason.CERTIFICATE_REQUIRED;
            }
        }
        String m = top.toLowerCase(Locale.ROOT);
        if (m.contains("no appropriate protocol") || m.contains("no cipher suites in common")
                || m.contains("no available authentication scheme") || m.contains("no negotiable")
                || m.contains("application protocol") || m.contains("unsupported protocol")
                || m.contains("not supported")) {
            return Reason.NEGOTIATION_FAILED;
        }
        if (m.contains("terminated the handshake") || m.contains("closed") && m.contains("handshake")) {
            return Reason.CLOSED;
        }
        return Reason.PROTOCOL_ERROR;
    }

    private static Reason alertReason(String alert) {
        String a = alert.toLowerCase(Locale.ROOT);
        if (a.startsWith("certificate_required")) {
            return Reason.CERTIFICATE_REQUIRED;
        }
        // handshake_failure is not here: TLS 1.2 servers also send it for a missing client
        // certificate, so it says only that the peer rejected the handshake.
        if (a.startsWith("protocol_version") || a.startsWith("insufficient_security") || a.startsWith("no_application_protocol")) {
            return Reason.NEGOTIATION_FAILED;
        }
        return Reason.PEER_ALERT;
    }
}
