package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.JobState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a job's state; the exit code is the job's (0 succeeded, 1 failed, ...) or 9 while it has not ended.")
final class StatusCommand implements Callable<Integer> {
    static final int NOT_ENDED = ExitCodes.NOT_ENDED;

    @Spec
    CommandSpec spec;
    @Mixin
    RedisOption redis;
    @Parameters(paramLabel = "ID", description = "Job id, as printed by submit.")
    String id;

    @Override
    public Integer call() {
        try (DeploysterClient client = redis.client()) {
            JobState state = client.status(id);
            if (state == null) {
                throw new NoSuchJobException(id);
            }
            var out = spec.commandLine().getOut();
            out.println(Console.summary(state));
            out.println("  project: " + state.project() + ", queue: " + state.queue());
            if (state.submittedBy() != null && !state.submittedBy().isBlank()) {
                out.println("  submitted by: " + state.submittedBy());
            }
            if (state.waitingBehind() != null && state.status() == io.deployster.job.JobStatus.WAITING) {
                out.println("  waiting behind job: " + state.waitingBehind());
            }
            if (state.fencingToken() != null) {
                out.println("  fencing token: " + state.fencingToken() + " (grant of project " + state.project() + "'s lock it ran under)");
            }
            if (state.failedCommand() != null) {
                out.println("  failed command: " + (state.failedCommand() + 1));
            }
            return state.status().isTerminal() ? ExitCodes.of(state.status()) : NOT_ENDED;
        }
    }
}
