package io.deployster.cli;

import io.deployster.ops.WorkerInfo;
import io.deployster.ops.WorkersView;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "workers", mixinStandardHelpOptions = true,
        description = "Print every worker: alive or dead (dead ones for a day), its queues, the jobs it runs, its last heartbeat.")
final class WorkersCommand extends ViewCommand {
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        return show(json, (pool, keys) -> new WorkersView(pool, keys, clock).list(), (workers, out) -> print(workers, clock, out));
    }

    private static void print(List<WorkerInfo> workers, Clock clock, PrintWriter out) {
        Table table = new Table("WORKER", "STATE", "QUEUES", "SLOTS BUSY", "LAST HEARTBEAT", "RUNNING JOBS");
        for (WorkerInfo w : workers) {
            table.row(w.name(), w.alive() ? "alive" : "dead", String.join(",", w.queues()), w.busy() + "/" + w.slots(),
                    w.lastHeartbeat() == null ? null : Table.age(w.lastHeartbeat(), clock.instant()) + " ago",
                    String.join(" ", w.running()));
        }
        table.print(out);
    }
}
