package dev.ubiq.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.SocketFactory;

/**
 * A small HTTP/1.1 client on a plain (or TLS) socket to 127.0.0.1. The tests use it for every
 * request, so they can also send what an HTTP client will not (malformed, slow, partial) and see
 * when the server closes the connection. (The node module does not read {@code java.net.http}.)
 */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One parsed response: status, headers (lower-case names) and body (Content-Length framed). */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    RawHttp(int port, int readTimeoutMs) throws IOException {
        this(SocketFactory.getDefault(), port, readTimeoutMs);
    }

    RawHttp(SocketFactory factory, int port, int readTimeoutMs) throws IOException {
        socket = factory.createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(readTimeoutMs);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void write(String s) throws IOException {
        write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Writes a complete request with Host and Content-Length; {@code extraHeaders} are "Name: value" lines. */
    void send(String method, String target, byte[] body, String... extraHeaders) throws IOException {
        StringBuilder h = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        h.append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        for (String x : extraHeaders) {
            if (x != null) {
                h.append(x).append("\r\n");
            }
        }
        h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(body);
        write(all.toByteArray());
    }

    /** Reads one response; throws SocketTimeoutException when none arrives in the read timeout. */
    Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed before a complete response head: '" + head + "'");
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(len);
        if (body.length < len) {
            throw new IOException("connection closed after " + body.length + " of " + len + " body bytes");
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server closed the connection (end of stream within the read timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
