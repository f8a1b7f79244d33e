package dev.ubiq.node.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer tokens of a node, two scopes: {@code admin} (deploy, delete, inspect, logs, metrics, and
 * invoke) and {@code invoke}. Kept in {@code <data-dir>/admin.token} and {@code invoke.token},
 * created on first start with mode 0600. Compared in constant time on their SHA-256 digests, so
 * neither content nor length leaks through timing.
 */
public final class Tokens {
    /** What a presented token may do. */
    public enum Scope {
        NONE,
        INVOKE,
        ADMIN
    }

    private final byte[] adminDigest;
    private final byte[] invokeDigest;
    private final String admin;
    private final String invoke;
    private final boolean created;

    private Tokens(String admin, String invoke, boolean created) {
        this.admin = admin;
        this.invoke = invoke;
        this.adminDigest = sha256(admin);
        this.invokeDigest = sha256(invoke);
        this.created = created;
    }

    /** Reads the token files, creating missing ones (0600). */
    public static Tokens loadOrCreate(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        boolean[] created = new boolean[1];
        String admin = loadOrCreate(dataDir.resolve("admin.token"), "ubq_admin_", created);
        String invoke = loadOrCreate(dataDir.resolve("invoke.token"), "ubq_invoke_", created);
        return new Tokens(admin, invoke, created[0]);
    }

    private static String loadOrCreate(Path file, String prefix, boolean[] created) throws IOException {
        if (!Files.exists(file)) {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String token = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
                created[0] = true;
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (UnsupportedOperationException notPosix) {
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                created[0] = true;
            }
        }
        String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (t.length() < 16) {
            throw new IOException("token file " + file + " holds no usable token (fewer than 16 characters)");
        }
        return t;
    }

    /** Whether this start created a token file (the node then says where it is). */
    public boolean created() {
        return created;
    }

    public String admin() {
        return admin;
    }

    public String invoke() {
        return invoke;
    }

    /** The scope of an {@code Authorization} header value; {@link Scope#NONE} for anything else. */
    public Scope scopeOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Scope.NONE;
        }
        byte[] d = sha256(authorization.substring(7).strip());
        // both comparisons always run: which one matched must not show in the timing
        boolean isAdmin = MessageDigest.isEqual(d, adminDigest);
        boolean isInvoke = MessageDigest.isEqual(d, invokeDigest);
        return isAdmin ? Scope.ADMIN : isInvoke ? Scope.INVOKE : Scope.NONE;
    }

    // one digest per thread: getInstance per request showed up in the node's profile
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static byte[] sha256(String s) {
        return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
