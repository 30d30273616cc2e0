package io.deployster.workflow;

import io.deployster.job.JobCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A job's outputs: the {@code key=value} lines it wrote to the file named by {@code $DEPLOYSTER_OUTPUT}.
 * Keys are 1 to 100 of {@code A-Z a-z 0-9 _ . -}; a later line wins; other lines are ignored. At most
 * {@value #MAX_BYTES} bytes of the file are read, so a runaway job cannot fill Redis.
 */
public final class Outputs {
    public static final int MAX_BYTES = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private Outputs() {
    }

    /** Reads and deletes the file; an absent file has no outputs. */
    public static Map<String, String> readAndDelete(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Map.of();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && KEY.matcher(line.substring(0, eq).trim()).matches()) {
                String value = line.substring(eq + 1);
                out.put(line.substring(0, eq).trim(), value.endsWith("\r") ? value.substring(0, value.length() - 1) : value);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public static String toJson(Map<String, String> outputs) {
        return outputs.isEmpty() ? null : JobCodec.toJson(outputs);
    }

    /** @return the outputs recorded on a job's hash (field {@code outputs}), empty when none */
    @SuppressWarnings("unchecked")
    public static Map<String, String> fromJson(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<String, Object>) JobCodec.parseValue(json)).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
