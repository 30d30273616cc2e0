package io.deployster.cli;

import io.deployster.ops.DeployHistory;
import io.deployster.ops.DeployRecord;
import io.deployster.ops.OpsJson;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print a project's last deploys that ended, newest first (kept longer than the jobs: the last 1,000 by default).")
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Parameters(paramLabel = "PROJECT", description = "Project name.")
    String project;
    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N deploys (default: 20).")
    int limit;
    @Option(names = "--json", description = "A JSON array, for scripts, with every field whole.")
    boolean json;

    @Override
    public Integer call() {
        try (Redis pool = redis.connect(2)) {
            List<DeployRecord> deploys = new DeployHistory(pool, Keys.defaults()).last(project, limit);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(OpsJson.toJson(deploys));
                out.flush();
                return ExitCodes.SUCCEEDED;
            }
            Table table = new Table("ENDED", "JOB", "STATUS", "REF", "COMMIT", "DURATION", "WORKER", "SUBMITTED BY", "REASON");
            for (DeployRecord d : deploys) {
                table.row(Table.time(d.endedAt()), d.id(), d.status().wireName(), d.ref(),
                        d.commit() == null ? null : d.commit().substring(0, Math.min(12, d.commit().length())),
                        Table.millis(d.durationMillis()), d.worker(), d.submittedBy(), d.reason());
            }
            if (table.isEmpty()) {
                out.println("no deploys of project " + project + " have ended yet (or none is kept)");
                out.flush();
            } else {
                table.print(out);
            }
            return ExitCodes.SUCCEEDED;
        }
    }
}
