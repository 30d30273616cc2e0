package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.sign.JobSigner;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The Redis options every command that talks to Redis shares. */
final class RedisOption {
    @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:DEPLOYSTER_REDIS}",
            description = "Redis to use: redis://[user:password@]host[:port][/db], rediss:// for TLS. Default: $DEPLOYSTER_REDIS.")
    String uri;

    @Option(names = "--redis-ca", paramLabel = "PEM", defaultValue = "${env:DEPLOYSTER_REDIS_CA}",
            description = "CA certificate that signed the Redis server's TLS certificate (rediss://). Default: $DEPLOYSTER_REDIS_CA.")
    Path ca;

    Redis connect(int maxConnections) {
        return new Redis(RedisUri.parse(uri), maxConnections, ca);
    }

    DeploysterClient client(JobSigner signer) {
        return DeploysterClient.open(connect(8), QueueSettings.DEFAULT, signer);
    }

    DeploysterClient client() {
        return client(null);
    }
}
