package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Durability;
import io.deployster.redis.Redis;
import io.deployster.redis.RedisUri;
import io.deployster.sign.JobSigner;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The Redis options every command that talks to Redis shares. */
final class RedisOption {
    @Option(names = "--redis", paramLabel = "URI", defaultValue = "${env:DEPLOYSTER_REDIS}",
            description = "Redis to use: redis://[user:password@]host[:port][/db], rediss:// for TLS, or through Sentinel: "
                    + "redis-sentinel://[user:password@]s1:26379,s2:26379,s3:26379/MASTERNAME[?db=N] (rediss-sentinel:// for TLS). "
                    + "Default: $DEPLOYSTER_REDIS.")
    String uri;

    @Option(names = "--min-replicas-acked", paramLabel = "N", defaultValue = "${env:DEPLOYSTER_MIN_REPLICAS_ACKED}",
            description = "Replicas that must confirm (Redis WAIT) each submit, start, finish, lock hand-off and cancel, so a "
                    + "failover keeps it. A submit or cancel they do not confirm in time fails with exit code 8; a worker logs a "
                    + "warning and goes on. Default: $DEPLOYSTER_MIN_REPLICAS_ACKED, else the URI's min-replicas-acked, else 0.")
    String minReplicasAcked;

    @Option(names = "--replica-ack-timeout", paramLabel = "TIME", defaultValue = "${env:DEPLOYSTER_REPLICA_ACK_TIMEOUT}",
            description = "How long a write waits for --min-replicas-acked replicas, e.g. 500ms or 2s. Default: "
                    + "$DEPLOYSTER_REPLICA_ACK_TIMEOUT, else the URI's replica-ack-timeout, else 500ms.")
    String replicaAckTimeout;

    @Option(names = "--redis-ca", paramLabel = "PEM", defaultValue = "${env:DEPLOYSTER_REDIS_CA}",
            description = "CA certificate that signed the Redis server's TLS certificate (rediss://). Default: $DEPLOYSTER_REDIS_CA.")
    Path ca;

    Redis connect(int maxConnections) {
        RedisUri parsed = RedisUri.parse(uri);
        return new Redis(parsed, maxConnections, ca, durability(parsed));
    }

    // the options override the URI's parameters one by one
    private Durability durability(RedisUri parsed) {
        if (minReplicasAcked == null && replicaAckTimeout == null) {
            return parsed.durability();
        }
        Durability fromUri = parsed.durability();
        String n = minReplicasAcked != null ? minReplicasAcked : Integer.toString(fromUri.minReplicas());
        String wait = replicaAckTimeout != null ? replicaAckTimeout
                : fromUri.waits() ? fromUri.timeout().toMillis() + "ms" : null;
        return Durability.of(n, wait, "the options --min-replicas-acked/--replica-ack-timeout");
    }

    DeploysterClient client(JobSigner signer) {
        return DeploysterClient.open(connect(8), QueueSettings.DEFAULT, signer);
    }

    DeploysterClient client() {
        return client(null);
    }
}
