package io.deployster.cli;

import io.deployster.bench.BenchCommand;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.InvalidJobException;
import io.deployster.protocol.ProtocolVersion;
import io.deployster.redis.NotReplicatedException;
import io.deployster.redis.RedisUnavailableException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

@Command(name = "deployster", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Deploy jobs through a Redis queue to workers that stream their output back live.",
        footer = {"", "Exit codes (docs/cli.md):",
                "  0 succeeded", "  1 failed", "  2 bad usage or invalid job", "  3 cancelled", "  4 timed out", "  5 lost",
                "  6 rejected", "  7 no such job", "  8 Redis unreachable", "  9 not ended yet (status)"})
public final class Main {
    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    public static void main(String[] args) {
        // Read once, when the JVM starts its first process. Java 17's default on Linux (POSIX_SPAWN)
        // execs jspawnhelper, which then execs the command: two execs per process. VFORK execs the command
        // directly; spawns/s of `setsid sh -c true` at 16 threads were 1.2-1.3x higher with it in the
        // same runs (docs/benchmarks.md). FORK copies the JVM's page tables and was 10x slower than both.
        // A value set with -D wins; newer JDKs deprecate VFORK, so it is chosen on Java 17 to 20 only.
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() < 21) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given consoles and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        addSubcommands(cli, args);
        cli.setOut(out);
        cli.setErr(err);
        // values arrive as typed: no @file expansion by picocli (--extra-var @vars.json is ours to read)
        cli.setExpandAtFiles(false);
        // picocli's own words are "'x' is not an int": say what a number option takes (its own range,
        // when narrower, is checked once the value is read)
        cli.registerConverter(Integer.class, text -> (int) wholeNumber(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(Integer.TYPE, text -> (int) wholeNumber(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
        cli.registerConverter(Long.class, text -> wholeNumber(text, Long.MIN_VALUE, Long.MAX_VALUE));
        cli.registerConverter(Long.TYPE, text -> wholeNumber(text, Long.MIN_VALUE, Long.MAX_VALUE));
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

    private static long wholeNumber(String text, long min, long max) {
        String digits = text.strip();
        if (!digits.matches("-?[0-9]+")) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number (digits only, e.g. 30)");
        }
        try {
            long value = Long.parseLong(digits);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException tooLong) {
            // as out of range
        }
        throw new CommandLine.TypeConversionException("'" + text + "' is out of range: this option takes a whole number from " + min
                + " to " + max + " at the very most, and its --help gives its own range");
    }

    /** In the order the usage lists them. */
    private static final String[] SUBCOMMANDS = {"submit", "status", "logs", "cancel", "worker", "serve", "queues", "workers",
        "projects", "project", "jobs", "history", "callback-keys", "demo", "bench", "help"};

    // picocli builds a model of every subcommand it is given (reflection over each class's options):
    // a command named first on the line gets only its own, and --version none; the usage, `help` and
    // an unknown name get them all (issue 13: a `status` in a loop pays the start-up each time).
    private static void addSubcommands(CommandLine cli, String[] args) {
        String first = args.length == 0 ? "" : args[0];
        if (first.equals("--version") || first.equals("-V")) {
            return;
        }
        boolean named = !first.equals("help") && Arrays.asList(SUBCOMMANDS).contains(first);
        for (String name : SUBCOMMANDS) {
            if (!named || name.equals(first)) {
                cli.addSubcommand(name, subcommand(name));
            }
        }
    }

    private static Object subcommand(String name) {
        return switch (name) {
            case "submit" -> new SubmitCommand();
            case "status" -> new StatusCommand();
            case "logs" -> new LogsCommand();
            case "cancel" -> new CancelCommand();
            case "worker" -> new WorkerCommand();
            case "serve" -> new ServeCommand();
            case "queues" -> new QueuesCommand();
            case "workers" -> new WorkersCommand();
            case "projects" -> new ProjectsCommand();
            case "project" -> new ProjectCommand();
            case "jobs" -> new JobsCommand();
            case "history" -> new HistoryCommand();
            case "callback-keys" -> new CallbackKeysCommand();
            case "demo" -> new DemoCommand();
            case "bench" -> new BenchCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String message(Exception e) {
        if (e instanceof RedisUnavailableException unavailable) {
            return "cannot reach Redis at " + unavailable.server() + " (" + unavailable.reason()
                    + "); check --redis / DEPLOYSTER_REDIS and that the server is up";
        }
        if (e instanceof NoSuchFileException missing) {
            return "no such file: " + missing.getFile() + "; check the path given (an option's file, or --help)";
        }
        if (e instanceof FileSystemException file) {
            // the JDK's own message is the bare path, or the path and a reason: say what was tried
            return "cannot read " + file.getFile() + (file.getReason() == null ? "" : ": " + file.getReason())
                    + (e instanceof AccessDeniedException ? " (permission denied: the file must be readable by this user)" : "");
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static int exitCode(Exception e) {
        if (e instanceof RedisUnavailableException || e instanceof NotReplicatedException) {
            return ExitCodes.REDIS_UNREACHABLE;
        }
        if (e instanceof NoSuchJobException) {
            return ExitCodes.NO_SUCH_JOB;
        }
        if (e instanceof InvalidJobException || e instanceof IllegalArgumentException || e instanceof NoSuchFileException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deployster " + (v == null ? "development build" : v) + ", protocol " + ProtocolVersion.CURRENT};
        }
    }
}
