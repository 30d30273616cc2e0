package io.deployster.jenkins;

import io.deployster.client.DeploysterClient;
import io.deployster.client.NoSuchJobException;
import io.deployster.job.JobState;
import io.deployster.log.LogEntry;
import io.deployster.protocol.Event;
import io.deployster.secret.Masker;
import java.util.List;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Follows a submitted job for the step: prints each log entry as it arrives, remembers the last one
 * printed in the {@link DeploySession}, asks for the session to be saved now and then, mirrors the
 * project lock, and finally says how the step ends. Runs on a thread of its own, never the
 * pipeline's. Started again after a Jenkins restart, it continues right after the last entry printed.
 */
public final class SessionFollower {
    /** Where the lines go: the build console. */
    public interface Console {
        void println(String line);

        /** Appends text without a line end (the start of an unfinished line); a console that cannot gets it as a line. */
        default void print(String text) {
            println(text);
        }
    }

    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final DeploySession session;
    private final DeploysterClient client;
    private final Console console;
    private final JenkinsResources resources;
    private final Runnable checkpoint;
    private final ConsoleRenderer renderer;
    private final Masker masker;
    private final BooleanSupplier halted;
    private final long saveEveryMillis;
    private long lastSave;

    /**
     * @param checkpoint asks for the session to be saved (Jenkins: {@code StepContext.saveState()})
     * @param halted true once Jenkins is shutting down: nothing more is printed, the step resumes later
     * @param saveEveryMillis at most this long between checkpoints while entries arrive
     */
    public SessionFollower(DeploySession session, DeploysterClient client, Console console, JenkinsResources resources,
                           Runnable checkpoint, Masker masker, BooleanSupplier halted, long saveEveryMillis) {
        this.session = session;
        this.client = client;
        this.console = console;
        this.resources = resources;
        this.checkpoint = checkpoint;
        this.renderer = new ConsoleRenderer(session.quiet(), masker);
        this.masker = masker;
        this.halted = halted;
        this.saveEveryMillis = saveEveryMillis;
    }

    /** Follows until the job ends (or Jenkins shuts down) and says how the step ends. */
    public Termination run() throws InterruptedException {
        long backoff = 500;
        boolean outage = false;
        Termination end = null;
        try {
            while (true) {
                try {
                    if (outage) {
                        client.status(session.jobId());
                        outage = false;
                        print(ConsoleRenderer.redisBack(session.redisUri()));
                    }
                    JobState state = session.finishedSeen() ? client.status(session.jobId())
                            : client.follow(session.jobId(), session.lastEntryId(), this::deliver);
                    if (state == null) {
                        throw new NoSuchJobException(session.jobId());
                    }
                    checkpoint.run();
                    print(ConsoleRenderer.summary(state));
                    end = ResultMapper.fromState(state, session.stopRequested()).masked(masker);
                    return end;
                } catch (Halted h) {
                    end = Termination.halted();
                    return end;
                } catch (NoSuchJobException e) {
                    end = Termination.failure("deployster job " + session.jobId() + ": " + e.getMessage()).masked(masker);
                    return end;
                } catch (JedisConnectionException e) {
                    if (halted.getAsBoolean()) {
                        end = Termination.halted();
                        return end;
                    }
                    if (!outage) {
                        print(ConsoleRenderer.redisUnreachable(session.redisUri(), e.getMessage()));
                        outage = true;
                    }
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                }
            }
        } finally {
            if (end == null || end.kind() != Termination.Kind.HALTED) {
                notes(session.mirror().release(resources));
            }
        }
    }

    private void deliver(LogEntry entry) {
        synchronized (session) {
            if (halted.getAsBoolean()) {
                throw new Halted();
            }
            String part = renderer.partial(entry);
            String line = renderer.render(entry);
            if (part != null) {
                console.print(part);
            } else if (line != null) {
                console.println(line);
            }
            session.advance(entry);
        }
        notes(session.mirror().onEntry(entry, resources));
        long now = System.currentTimeMillis();
        boolean milestone = Event.STARTED.equals(entry.event()) || Event.WAITING.equals(entry.event());
        if (milestone || now - lastSave >= saveEveryMillis) {
            lastSave = now;
            checkpoint.run();
        }
    }

    private void notes(List<String> notes) {
        for (String note : notes) {
            String line = renderer.note(note);
            if (line != null) {
                print(line);
            }
        }
    }

    // Summaries and errors quote the job's reason and Redis's messages, which may hold a secret.
    private void print(String line) {
        synchronized (session) {
            console.println(masker.mask(line));
        }
    }

    /** Thrown out of the log reader when Jenkins is shutting down, to stop without ending the step. */
    private static final class Halted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Halted() {
            super(null, null, false, false);
        }
    }
}
