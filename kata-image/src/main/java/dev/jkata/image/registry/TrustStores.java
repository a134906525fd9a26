package dev.jkata.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** An SSL context trusting the JDK's CAs plus the PEM certificates a user gives. */
final class TrustStores {
    private TrustStores() {}

    static SSLContext context(Set<Path> extraCas) {
        try {
            if (extraCas.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (X509Certificate c : defaultTrustManager().getAcceptedIssuers()) {
                ks.setCertificateEntry("jdk-" + n++, c);
            }
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Path pem : extraCas) {
                try (InputStream in = Files.newInputStream(pem)) {
                    int before = n;
                    for (Certificate c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry("user-" + n++, c);
                    }
                    if (n == before) {
                        throw new IllegalArgumentException(pem + " holds no certificate; pass a PEM file of the CA");
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the CA certificates " + extraCas + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
