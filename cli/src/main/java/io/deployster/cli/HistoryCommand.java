package io.deployster.cli;

import io.deployster.ops.DeployHistory;
import io.deployster.ops.DeployRecord;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print a project's last deploys that ended, newest first (kept longer than the jobs: the last 1,000 by default).")
final class HistoryCommand extends ViewCommand {
    @Parameters(paramLabel = "PROJECT", description = "Project name.")
    String project;
    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N deploys (default: 20).")
    int limit;
    @Option(names = "--json", description = "A JSON array, for scripts, with every field whole.")
    boolean json;

    @Override
    public Integer call() {
        return show(json, (pool, keys) -> new DeployHistory(pool, keys).last(project, limit), this::print);
    }

    private void print(List<DeployRecord> deploys, PrintWriter out) {
        Table table = new Table("ENDED", "JOB", "STATUS", "REF", "COMMIT", "DURATION", "WORKER", "SUBMITTED BY", "REASON");
        for (DeployRecord d : deploys) {
            table.row(Table.time(d.endedAt()), d.id(), d.status().wireName(), d.ref(),
                    d.commit() == null ? null : d.commit().substring(0, Math.min(12, d.commit().length())),
                    Table.millis(d.durationMillis()), d.worker(), d.submittedBy(), d.reason());
        }
        if (table.isEmpty()) {
            out.println("no deploys of project " + project + " have ended yet (or none is kept)");
        } else {
            table.print(out);
        }
    }
}
