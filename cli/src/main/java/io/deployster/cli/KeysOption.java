package io.deployster.cli;

import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Signing keys for producers and workers (docs/security.md). */
final class KeysOption {
    @Option(names = "--keys-file", paramLabel = "FILE",
            description = "Signing keys, one 'id:base64-secret' per line; the first signs. Default: $DEPLOYSTER_KEYS_FILE, else the keys in $DEPLOYSTER_KEYS.")
    Path file;

    @Option(names = "--max-age", defaultValue = "24h", converter = DurationConverter.class, paramLabel = "TIME",
            description = "A signed job must start within this time of being signed (default: 24h).")
    Duration maxAge;

    /** @return a signer, or null when no key is configured */
    JobSigner signer() throws IOException {
        KeyRing keys = KeyRing.load(file, System.getenv());
        return keys.isEmpty() ? null : new JobSigner(keys, Clock.systemUTC(), maxAge);
    }
}
