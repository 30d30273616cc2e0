package io.deployster.cli;

import io.deployster.ops.OpsJson;
import io.deployster.ops.QueueInfo;
import io.deployster.ops.QueuesView;
import io.deployster.ops.WorkersView;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "queues", mixinStandardHelpOptions = true,
        description = "Print every queue: jobs not started yet (depth), how long the oldest has waited, and the alive workers serving it.")
final class QueuesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        try (Redis pool = redis.connect(2)) {
            Keys keys = Keys.defaults();
            List<QueueInfo> queues = new QueuesView(pool, keys, new WorkersView(pool, keys, clock)).list();
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(OpsJson.toJson(queues));
                out.flush();
                return ExitCodes.SUCCEEDED;
            }
            Table table = new Table("QUEUE", "DEPTH", "TAKEN", "OLDEST WAITING", "CONSUMERS");
            for (QueueInfo q : queues) {
                table.row(q.name(), q.depth(), q.pending(), Table.age(q.oldestEntryAt(), clock.instant()),
                        q.consumers().size() + (q.consumers().isEmpty() ? " (none alive)" : " (" + String.join(", ", q.consumers()) + ")"));
            }
            table.print(out);
            return ExitCodes.SUCCEEDED;
        }
    }
}
