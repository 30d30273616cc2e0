package io.deployster.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a job's process check, as its first act, that the job's lease still counts as held, and exit
 * with {@link #REFUSED} without running anything otherwise. The worker checks the lease just before and
 * just after it starts a process; a worker stopped (SIGSTOP, a long pause) between that first check and
 * the start would otherwise start a command after the lease had run out, and the command could write
 * before the second check killed it. The check needs no process of its own: the shell that runs the
 * command reads /proc/uptime with builtins only: the deadline is on the {@link BootClock}, which closes
 * the gate early, never late.
 */
public final class LeaseGate {
    /** The exit code of a process the gate refused to run: the shell's "command could not run" range. */
    public static final int REFUSED = 125;
    private static final String SHELL = "/bin/sh";

    /** null where /proc/uptime cannot be read: no gate */
    private final BootClock clock;

    private LeaseGate(BootClock clock) {
        this.clock = clock;
    }

    /** A gate on this host's clocks; where /proc/uptime is missing (not Linux) processes start ungated. */
    public static LeaseGate measure() {
        try {
            return new LeaseGate(BootClock.measure());
        } catch (IOException e) {
            return new LeaseGate(null);
        }
    }

    /**
     * The argv that runs {@code argv} only if it starts before {@code heldUntil}. A shell script
     * ({@code /bin/sh -c SCRIPT}) gets the check in front of its first line, so its line numbers and
     * {@code $0} stay; any other program is looked up on PATH here, then {@code exec}ed by the shell.
     *
     * @param heldUntil a System.nanoTime() value: until when the job's lease counts as held
     * @throws IOException when the program is not found on PATH
     */
    public List<String> argv(List<String> argv, long heldUntil) throws IOException {
        if (clock == null) {
            return argv;
        }
        String check = check(clock.centis(heldUntil));
        if (argv.size() == 3 && argv.get(0).equals(SHELL) && argv.get(1).equals("-c")) {
            return List.of(SHELL, "-c", check + argv.get(2));
        }
        List<String> gated = new ArrayList<>(List.of(SHELL, "-c", check + "exec \"$0\" \"$@\"", program(argv.get(0))));
        gated.addAll(argv.subList(1, argv.size()));
        return gated;
    }

    // The program as posix_spawnp(3) would find it, on this process's PATH: a missing one is an error
    // of the start, worded as the JDK words it, not a shell's "not found" and exit code 127.
    private static String program(String name) throws IOException {
        if (name.contains("/")) {
            return name.startsWith("-") ? "./" + name : name; // dash's exec takes no "--"
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":", -1)) {
            if (!dir.startsWith("/")) {
                return name; // relative to the job's directory, where the shell looks: leave the search to it
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("Cannot run program \"" + name + "\": error=2, No such file or directory (not on PATH)");
    }

    // Builtins only: no fork before the command. Its variables are gone before the command runs, and
    // functions the environment may define (bash imports them) cannot stand in for the builtins it uses
    // (unset is a special builtin, which no function overrides). Short, because bash shows the whole
    // first line in a syntax error there, and ps shows the command line.
    private static String check(long deadlineCentis) {
        return "unset -f read [ echo 2>/dev/null;read -r deployster_up deployster_idle </proc/uptime;"
                + "[ \"${deployster_up%.*}${deployster_up#*.}\" -lt " + deadlineCentis + " ]||{ echo \"deployster: lease lost: not started\">&2;"
                + "exit " + REFUSED + ";};unset deployster_up deployster_idle;";
    }
}
