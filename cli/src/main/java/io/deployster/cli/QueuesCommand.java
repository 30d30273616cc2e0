package io.deployster.cli;

import io.deployster.ops.QueueInfo;
import io.deployster.ops.QueuesView;
import io.deployster.ops.WorkersView;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "queues", mixinStandardHelpOptions = true,
        description = "Print every queue: jobs not started yet (depth), how long the oldest has waited, and the alive workers serving it.")
final class QueuesCommand extends ViewCommand {
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        return show(json, (pool, keys) -> new QueuesView(pool, keys, new WorkersView(pool, keys, clock)).list(),
                (queues, out) -> print(queues, clock, out));
    }

    private static void print(List<QueueInfo> queues, Clock clock, PrintWriter out) {
        Table table = new Table("QUEUE", "DEPTH", "TAKEN", "OLDEST WAITING", "CONSUMERS");
        for (QueueInfo q : queues) {
            table.row(q.name(), q.depth(), q.pending(), Table.age(q.oldestEntryAt(), clock.instant()),
                    q.consumers().size() + (q.consumers().isEmpty() ? " (none alive)" : " (" + String.join(", ", q.consumers()) + ")"));
        }
        table.print(out);
    }
}
