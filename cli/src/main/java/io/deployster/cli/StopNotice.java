package io.deployster.cli;

import java.io.PrintWriter;

/**
 * While a command follows a deploy: stopping the command (Ctrl-C, {@code timeout(1)}'s TERM, a CI's
 * abort) stops only the following, and the deploy goes on holding its project. Registered, this says so
 * on the way out, with the commands that follow the deploy again or stop it; closed, it says nothing.
 */
final class StopNotice implements AutoCloseable {
    private final Thread hook;

    private StopNotice(Thread hook) {
        this.hook = hook;
    }

    /** Says the notice for job or workflow {@code id} on {@code err} if the JVM shuts down before {@link #close}. */
    static StopNotice register(String id, PrintWriter err) {
        Thread hook = new Thread(() -> {
            err.println("deployster: stopped following " + id + "; the deploy goes on (it was not cancelled). Follow it again: "
                    + "deployster logs -f " + id + "; stop it: deployster cancel " + id);
            err.flush();
        }, "stop-notice");
        Runtime.getRuntime().addShutdownHook(hook);
        return new StopNotice(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, or ran: the notice is said
        }
    }
}
