package io.deployster.cli;

import io.deployster.ops.OpsJson;
import io.deployster.ops.WorkerInfo;
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

@Command(name = "workers", mixinStandardHelpOptions = true,
        description = "Print every worker: alive or dead (dead ones for a day), its queues, the jobs it runs, its last heartbeat.")
final class WorkersCommand implements Callable<Integer> {
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
            List<WorkerInfo> workers = new WorkersView(pool, Keys.defaults(), clock).list();
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(OpsJson.toJson(workers));
                out.flush();
                return ExitCodes.SUCCEEDED;
            }
            Table table = new Table("WORKER", "STATE", "QUEUES", "SLOTS BUSY", "LAST HEARTBEAT", "RUNNING JOBS");
            for (WorkerInfo w : workers) {
                table.row(w.name(), w.alive() ? "alive" : "dead", String.join(",", w.queues()), w.busy() + "/" + w.slots(),
                        w.lastHeartbeat() == null ? null : Table.age(w.lastHeartbeat(), clock.instant()) + " ago",
                        String.join(" ", w.running()));
            }
            table.print(out);
            return ExitCodes.SUCCEEDED;
        }
    }
}
