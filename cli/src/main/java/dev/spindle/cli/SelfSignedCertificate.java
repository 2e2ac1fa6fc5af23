package dev.spindle.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a self-signed X.509 v3 certificate for an EC P-256 key with the JDK alone: the
 * certificate is DER-encoded here (RFC 5280 §4.1) and signed with {@code SHA256withECDSA}, so
 * the command line needs no certificate library and no {@code keytool} process.
 *
 * <p>The certificate is an end-entity server certificate: basic constraints without CA, key usage
 * digitalSignature, extended key usage serverAuth, and the given DNS names and IP addresses as
 * subject alternative names (which is what TLS clients check; the common name is informative).
 */
final class SelfSignedCertificate {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {
    }

    /**
     * Makes and signs the certificate.
     *
     * @param keys an EC key pair
     * @param commonName the subject's (and issuer's) common name
     * @param dnsNames DNS subject alternative names
     * @param addresses IP-address subject alternative names
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the certificate, parsed back by the JDK
     * @throws GeneralSecurityException if signing or parsing fails
     */
    static X509Certificate create(KeyPair keys, String commonName, List<String> dnsNames, List<InetAddress> addresses,
            Instant notBefore, Instant notAfter) throws GeneralSecurityException {
        byte[] signatureAlgorithm = seq(oid(ECDSA_WITH_SHA256));
        byte[] name = seq(set(seq(oid(COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7F; // positive, as RFC 5280 requires
        serial[0] |= 0x01; // and no leading zero byte to strip

        List<byte[]> sans = new ArrayList<>();
        for (String dns : dnsNames) {
            sans.add(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII)));
        }
        for (InetAddress a : addresses) {
            sans.add(tlv(0x87, a.getAddress()));
        }
        byte[] extensions = seq(
                extension(BASIC_CONSTRAINTS, true, seq()),
                extension(KEY_USAGE, true, tlv(0x03, new byte[] {0x07, (byte) 0x80})),
                extension(EXTENDED_KEY_USAGE, false, seq(oid(SERVER_AUTH))),
                extension(SUBJECT_ALT_NAME, false, seq(sans.toArray(new byte[0][]))));
        byte[] tbs = seq(
                tlv(0xA0, integer(BigInteger.TWO)),
                integer(new BigInteger(serial)),
                signatureAlgorithm,
                name,
                seq(time(notBefore), time(notAfter)),
                name,
                keys.getPublic().getEncoded(),
                tlv(0xA3, extensions));

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = seq(tbs, signatureAlgorithm, tlv(0x03, bits));

        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        cert.verify(keys.getPublic());
        return cert;
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? seq(oid(oid), new byte[] {0x01, 0x01, (byte) 0xFF}, tlv(0x04, value)) : seq(oid(oid), tlv(0x04, value));
    }

    private static byte[] time(Instant t) {
        int year = t.atZone(ZoneOffset.UTC).getYear();
        // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
        return year < 2050 ? tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
                : tlv(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] integer(BigInteger v) {
        return tlv(0x02, v.toByteArray());
    }

    private static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            int groups = 1;
            for (long x = v >>> 7; x != 0; x >>>= 7) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                int b = (int) ((v >>> (7 * g)) & 0x7F);
                out.write(g == 0 ? b : b | 0x80);
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One DER element: tag, definite length (short or long form), content. */
    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
