package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.JobState;
import io.deployster.ops.WorkerInfo;
import io.deployster.queue.JobQueue.CancelOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: a queued or waiting job ends at once; a running one is stopped by its worker.")
final class CancelCommand extends JobCommand {
    @Option(names = "--reason", defaultValue = "cancelled from the command line", description = "Recorded on the job and shown to its followers.")
    String reason;
    @Option(names = "--wait", description = "For a running job, wait until its worker has stopped it.")
    boolean await;

    @Override
    public Integer call() throws InterruptedException {
        try (DeploysterClient client = redis.client()) {
            CancelOutcome outcome = client.cancel(id, reason);
            var out = spec.commandLine().getOut();
            switch (outcome) {
                case UNKNOWN -> throw new NoSuchJobException(id);
                case CANCELLED -> out.println("job " + id + " cancelled before it started");
                case FINISHED -> {
                    JobState state = client.status(id);
                    out.println("job " + id + " had already ended (" + state.status().wireName() + "); nothing to cancel");
                }
                case REQUESTED -> {
                    JobState running = client.status(id);
                    WorkerInfo worker = running == null || running.worker() == null ? null : client.worker(running.worker());
                    if (worker != null && !worker.alive()) {
                        // nobody is there to act on the request: say what ends the job instead
                        out.println("job " + id + " is running on worker " + worker.name() + ", which sends no heartbeat (it crashed, "
                                + "was stopped or cannot reach Redis), so nothing can stop it now: the cancel is recorded and "
                                + worker.name() + " stops the job if it comes back; otherwise the job ends lost once its lease runs "
                                + "out and a live worker marks it ('deployster workers' lists them)");
                    } else {
                        out.println("job " + id + " is running; its worker is stopping it");
                    }
                    if (await) {
                        JobState state = client.await(id);
                        out.println(Console.summary(state));
                    }
                }
            }
            return ExitCodes.SUCCEEDED;
        }
    }
}
