package io.deployster.cli;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.ops.JobsView;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Print the jobs Redis holds (ended ones until their retention ends), newest first.")
final class JobsCommand extends ViewCommand {
    @Option(names = "--project", paramLabel = "P", description = "Only jobs of this project.")
    String project;
    @Option(names = "--status", paramLabel = "S", description = "Only jobs in this state: queued, waiting, running, succeeded, "
            + "failed, cancelled, timed_out, lost, rejected.")
    String status;
    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N jobs (default: 50).")
    int limit;
    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        JobsView.Filter filter = new JobsView.Filter(project, status == null ? null : status(status), limit);
        return show(json, (pool, keys) -> new JobsView(pool, keys).list(filter), JobsCommand::print);
    }

    private static void print(List<JobState> jobs, PrintWriter out) {
        Table table = new Table("JOB", "PROJECT", "QUEUE", "STATUS", "SUBMITTED", "WORKER", "DURATION", "SUBMITTED BY");
        for (JobState s : jobs) {
            table.row(s.id(), s.project(), s.queue(), s.status().wireName(), Table.time(s.submittedAt()), s.worker(),
                    Table.millis(s.durationMillis()), s.submittedBy());
        }
        table.print(out);
    }

    private static JobStatus status(String name) {
        for (JobStatus s : JobStatus.values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--status '" + name + "' is not allowed; use one of "
                + Arrays.stream(JobStatus.values()).map(JobStatus::wireName).collect(Collectors.joining(", ")));
    }
}
