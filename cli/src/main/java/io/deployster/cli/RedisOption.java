package io.deployster.cli;

import io.deployster.redis.RedisUri;
import picocli.CommandLine.Option;

/** The --redis option every command that talks to Redis shares. */
final class RedisOption {
    @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:DEPLOYSTER_REDIS}",
            description = "Redis to use: redis://[user:password@]host[:port][/db], rediss:// for TLS. Default: $DEPLOYSTER_REDIS.")
    String uri;

    String require() {
        return RedisUri.parse(uri).uri().toString();
    }
}
