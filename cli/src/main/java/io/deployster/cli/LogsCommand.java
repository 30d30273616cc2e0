package io.deployster.cli;

import io.deployster.client.DeploysterClient;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.JobState;
import io.deployster.log.LogEntry;
import io.deployster.log.LogFollower;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a job's log; with --follow, keep printing until the job ends and exit with its result.")
final class LogsCommand extends JobCommand {
    @Option(names = {"-f", "--follow"}, description = "Wait for new lines until the job ends.")
    boolean follow;
    @Option(names = "--after", paramLabel = "ENTRY", defaultValue = LogFollower.START,
            description = "Start after this log entry id (see --show-ids) instead of at the beginning.")
    String after;
    @Option(names = "--show-ids", description = "Prefix each line with its log entry id, to resume from with --after.")
    boolean showIds;
    @Option(names = {"-q", "--quiet"}, description = "Print only the job's output and its result (no notes of Deployster's own).")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        try (DeploysterClient client = redis.client()) {
            Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), quiet);
            Consumer<LogEntry> sink = showIds ? e -> {
                if (e.isPartial()) {
                    return; // an id per line: the finished line follows
                }
                spec.commandLine().getOut().print(e.id() + " ");
                console.accept(e);
            } : console;
            if (follow) {
                try (StopNotice notice = StopNotice.register(id, spec.commandLine().getErr())) {
                    return ExitCodes.of(client.follow(id, after, sink).status());
                }
            }
            JobState state = client.status(id);
            if (state == null) {
                throw new NoSuchJobException(id);
            }
            String from = after;
            List<LogEntry> page;
            do {
                page = client.log(id, from, 10_000);
                page.forEach(sink);
                if (!page.isEmpty()) {
                    from = page.get(page.size() - 1).id();
                }
            } while (page.size() == 10_000);
            return state.status().isTerminal() ? ExitCodes.of(state.status()) : StatusCommand.NOT_ENDED;
        }
    }
}
