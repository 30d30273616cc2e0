package io.deployster.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The {@code .env} file of a deploy: {@code NAME=VALUE} lines in the order given, each value quoted
 * so that a POSIX shell ({@code set -a; . ./.env}), python-dotenv and the example apps' reader all
 * read back exactly the value, newlines included, and none of them executes anything.
 *
 * <p>Single quotes when the value has no {@code '} and no {@code \\\\} (which a dotenv reader would
 * decode); else double quotes, with {@code \\} and {@code "} escaped, when it has no {@code $} or backtick
 * (which a shell expands there). Refused, naming the variable: a value needing both forms, and values
 * with NUL, a carriage return or a final backslash, which dotenv readers cannot read back. The
 * deploy role's templates/env.j2 writes the same format; a test compares the two byte for byte.
 */
public final class DotEnv {
    private DotEnv() {
    }

    /** @return null when the value can be written, else why not (never quoting the value: it may be secret) */
    public static String problem(String value) {
        if (value.indexOf('\0') >= 0) {
            return "a .env value cannot hold NUL";
        }
        if (value.indexOf('\r') >= 0) {
            return "a .env value cannot hold a carriage return (dotenv readers turn \\r\\n into \\n)";
        }
        if (value.endsWith("\\")) {
            return "a .env value cannot end with \\ (dotenv readers take \\ and the closing quote as an escaped quote)";
        }
        if (singleQuotable(value) || doubleQuotable(value)) {
            return null;
        }
        return "a .env value cannot hold both a ' or \\\\ and a $ or ` (no quoting reads the same in a shell and in dotenv readers)";
    }

    /** The file's text. @throws IllegalArgumentException naming the first variable whose value cannot be written */
    public static String format(Map<String, String> env) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> e : env.entrySet()) {
            text.append(e.getKey()).append('=').append(quote(e.getKey(), e.getValue())).append('\n');
        }
        return text.toString();
    }

    /** Writes the file with mode 0600, replacing it atomically. */
    public static void write(Path file, Map<String, String> env) throws IOException {
        String text = format(env);
        // a name of its own: two jobs writing into one directory at once must not share a temporary file
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".env.deployster-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String quote(String name, String value) {
        if (problem(value) != null) {
            throw new IllegalArgumentException("variable " + name + ": " + problem(value));
        }
        if (singleQuotable(value)) {
            return "'" + value + "'";
        }
        if (doubleQuotable(value)) {
            return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        throw new IllegalArgumentException("variable " + name + ": " + problem(value));
    }

    private static boolean singleQuotable(String value) {
        return value.indexOf('\'') < 0 && !value.contains("\\\\");
    }

    private static boolean doubleQuotable(String value) {
        return value.indexOf('$') < 0 && value.indexOf('`') < 0;
    }
}
