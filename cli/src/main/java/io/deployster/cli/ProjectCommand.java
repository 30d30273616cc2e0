package io.deployster.cli;

import io.deployster.job.JobState;
import io.deployster.ops.DeployHistory;
import io.deployster.ops.DeployRecord;
import io.deployster.ops.ProjectInfo;
import io.deployster.ops.ProjectsView;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Print one project: who holds its deploy lock (fencing token, lease left), its waiting jobs in the order "
                + "they will start, and its last deploys.")
final class ProjectCommand extends ViewCommand {
    @Parameters(paramLabel = "PROJECT", description = "Project name.")
    String project;
    @Option(names = "--json", description = "A JSON object, for scripts: project, holder, waiting (jobs), recent (deploys).")
    boolean json;

    /** What the command prints; its components, in this order, are the --json object's fields. */
    private record Detail(ProjectInfo project, JobState holder, List<JobState> waiting, List<DeployRecord> recent) {
    }

    @Override
    public Integer call() {
        return show(json, this::read, ProjectCommand::print);
    }

    private Detail read(Redis pool, Keys keys) {
        ProjectInfo info = new ProjectsView(pool, keys).get(project);
        JobQueue jobs = JobQueue.create(pool, keys, QueueSettings.DEFAULT, null);
        JobState holder = info.lockHolder() == null ? null : jobs.status(info.lockHolder());
        List<JobState> waiting = new ArrayList<>();
        for (String id : info.waiting()) {
            JobState s = jobs.status(id);
            if (s != null) {
                waiting.add(s);
            }
        }
        return new Detail(info, holder, waiting, new DeployHistory(pool, keys).last(project, 5));
    }

    private static void print(Detail detail, PrintWriter out) {
        ProjectInfo info = detail.project();
        JobState holder = detail.holder();
        out.println("project " + info.name());
        if (info.lockHolder() == null) {
            out.println("  lock: free");
        } else {
            out.println("  lock: held by job " + info.lockHolder() + (holder == null ? "" : " (" + holder.status().wireName()
                    + (holder.worker() == null ? "" : " on " + holder.worker()) + ")")
                    + (info.lockExpiresInMillis() == null ? "" : ", lease " + Table.millis(info.lockExpiresInMillis()) + " left"));
        }
        out.println("  fencing token: " + info.fencingToken() + " (grants of the lock so far)");
        out.println("  waiting: " + info.waitingCount() + (info.waitingCount() == 0 ? "" : ", in the order they will start:"));
        if (!detail.waiting().isEmpty()) {
            Table table = new Table("#", "JOB", "STATUS", "QUEUE", "SUBMITTED", "SUBMITTED BY");
            int n = 1;
            for (JobState s : detail.waiting()) {
                table.row(n++, s.id(), s.status().wireName(), s.queue(), Table.time(s.submittedAt()), s.submittedBy());
            }
            table.print(out);
        }
        out.println("  last deploys (deployster history " + info.name() + " for more):");
        Table table = new Table("ENDED", "JOB", "STATUS", "REF", "DURATION", "WORKER");
        for (DeployRecord d : detail.recent()) {
            table.row(Table.time(d.endedAt()), d.id(), d.status().wireName(), d.ref(), Table.millis(d.durationMillis()), d.worker());
        }
        if (table.isEmpty()) {
            out.println("  none");
        } else {
            table.print(out);
        }
    }
}
