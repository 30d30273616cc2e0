package io.deployster.cli;

import io.deployster.client.NoSuchJobException;
import io.deployster.job.InvalidJobException;
import io.deployster.redis.NotReplicatedException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import redis.clients.jedis.exceptions.JedisConnectionException;

@Command(name = "deployster", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Deploy jobs through a Redis queue to workers that stream their output back live.",
        subcommands = {SubmitCommand.class, StatusCommand.class, LogsCommand.class, CancelCommand.class,
                WorkerCommand.class, ServeCommand.class, QueuesCommand.class, WorkersCommand.class, ProjectsCommand.class,
                ProjectCommand.class, JobsCommand.class, HistoryCommand.class, DemoCommand.class, io.deployster.bench.BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes (docs/cli.md):",
                "  0 succeeded", "  1 failed", "  2 bad usage or invalid job", "  3 cancelled", "  4 timed out", "  5 lost",
                "  6 rejected", "  7 no such job", "  8 Redis unreachable", "  9 not ended yet (status)"})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given consoles and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // values arrive as typed: no @file expansion by picocli (--extra-var @vars.json is ours to read)
        cli.setExpandAtFiles(false);
        // one line naming the option and a pointer to help; the whole usage would bury the message
        cli.setParameterExceptionHandler((e, given) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("deployster: " + e.getMessage().replace("option option", "option"));
            command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
            command.getErr().flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("deployster: " + message(e));
            if (exitCode(e) == ExitCodes.USAGE) {
                commandLine.getErr().println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the options.");
            }
            commandLine.getErr().flush();
            return exitCode(e);
        });
        return cli.execute(args);
    }

    private static String message(Exception e) {
        if (e instanceof JedisConnectionException) {
            return "cannot reach Redis (" + e.getMessage() + "); check --redis / DEPLOYSTER_REDIS and that the server is up";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static int exitCode(Exception e) {
        if (e instanceof JedisConnectionException || e instanceof NotReplicatedException) {
            return ExitCodes.REDIS_UNREACHABLE;
        }
        if (e instanceof NoSuchJobException) {
            return ExitCodes.NO_SUCH_JOB;
        }
        if (e instanceof InvalidJobException || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deployster " + (v == null ? "development build" : v) + ", protocol 1"};
        }
    }
}
