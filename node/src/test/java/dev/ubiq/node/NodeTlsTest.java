package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a PEM certificate and PKCS#8 key made by the openssl CLI. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(60)
class NodeTlsTest {
    @TempDir
    Path dir;
    Path cert;
    Path key;

    @BeforeEach
    void makeCertificate() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("skipped: the openssl CLI is not installed (" + e.getMessage() + ")");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Assumptions.assumeTrue(p.exitValue() == 0, "skipped: openssl could not make a certificate: " + out);
        assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"), "OpenSSL 3 writes PKCS#8");
    }

    SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            ks.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void servesTheApiOverHttps() throws Exception {
        SSLContext ssl = trusting(cert);
        try (TestNode t = TestNode.start(dir.resolve("data"), b -> b.withTls(cert, key), ssl.getSocketFactory())) {
            assertEquals(200, t.get("/healthz", null).status());
            assertEquals(201, t.deploy("hello", Guests.bytes("hello.wasm")).status());
            RawHttp.Response r = t.invoke("hello", "secure");
            assertEquals(200, r.status(), r.body());
            assertEquals("hello from wasm\necho: secure", r.body());
            // a client that does not trust the certificate fails the handshake
            SSLContext untrusting = SSLContext.getInstance("TLS");
            untrusting.init(null, null, null);
            assertThrows(SSLException.class, () -> {
                try (RawHttp c = new RawHttp(untrusting.getSocketFactory(), t.port(), 5_000)) {
                    c.send("GET", "/healthz", new byte[0]);
                    c.read();
                }
            });
            // plain HTTP on the TLS port gets no HTTP answer
            try (RawHttp c = new RawHttp(t.port(), 5_000)) {
                c.send("GET", "/healthz", new byte[0]);
                assertThrows(IOException.class, c::read);
            }
            // and the node still serves afterwards
            assertEquals(200, t.invoke("hello", "").status());
        }
    }

    @Test
    void aCertificateWithoutAKeyIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> UbiqNode.builder().withPort(0).withDataDir(dir.resolve("d")).withTls(cert, null).start());
        assertTrue(e.getMessage().contains("both a certificate and a key"));
    }

    @Test
    void anUnreadableKeyStopsTheStartWithAClearError() throws Exception {
        Path bad = dir.resolve("bad-key.pem");
        Files.writeString(bad, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        var e = assertThrows(RuntimeException.class, () -> UbiqNode.builder().withPort(0).withDataDir(dir.resolve("d"))
                .withLog(l -> { }).withTls(cert, bad).start().close());
        assertTrue(e.getMessage().contains("cannot listen"), e.getMessage());
    }
}
