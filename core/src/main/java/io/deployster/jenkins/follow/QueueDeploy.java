package io.deployster.jenkins.follow;

import io.deployster.client.DeploysterClient;
import io.deployster.jenkins.ConsoleRenderer;
import io.deployster.jenkins.ResultMapper;
import io.deployster.jenkins.Termination;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobState;
import io.deployster.log.LogEntry;
import io.deployster.log.LogMultiplexer;
import io.deployster.protocol.Event;
import io.deployster.redis.RedisUnavailableException;
import io.deployster.redis.StreamId;
import io.deployster.secret.Masker;
import io.deployster.secret.Secrets;
import io.deployster.sign.JobSigner;
import io.deployster.workflow.WorkflowResult;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One queue-mode step, without Jenkins: submits off the caller's thread, follows through the shared
 * {@link LogMultiplexer}, mirrors the project lock, cancels on abort, and ends the step exactly once
 * with a {@link Termination} whose message has passed through the masker. Jenkins' side only
 * supplies the console, the lockable resources, the shutdown signal and what to do with the end.
 */
public final class QueueDeploy implements LogMultiplexer.Listener {
    /** What the step's host (the plugin's StepExecution) provides. */
    public interface Host {
        void println(String line);

        /** Appends text without a line end (the start of an unfinished line); a console that cannot gets it as a line. */
        default void print(String text) {
            println(text);
        }

        /** Called once, never on the pipeline's thread; not called when {@link #halted()} ended the following. */
        void end(Termination end);

        /** True once Jenkins shuts down: print nothing more, the step resumes after the restart. */
        boolean halted();

        /** The session exists (submitted): save it with the step. */
        default void submitted(DeploySession session) {
        }

        /**
         * The build this step belongs to, as Jenkins spells it ({@code Run.getExternalizableId()}), the same
         * after a restart; null for none. With it, the id of each log entry printed is recorded in Redis
         * ({@link io.deployster.redis.Keys#consolePosition}) in the log reader's own round trips, and a
         * step resumed after a crash goes on from there instead of from its last saved state.
         */
        default String build() {
            return null;
        }
    }

    /** How long a cancelled job has to report its end before the step stops waiting. */
    public static final long STOP_GRACE_SECONDS = 30;

    private final SharedRedis redis;
    private final ScheduledExecutorService work;
    private final ResourceLedger locks;
    private final Masker masker;
    private final JenkinsResources resources;
    private final Host host;
    private final Serial serial;
    private volatile DeploySession session;
    private volatile DeploysterClient client;
    private volatile ConsoleRenderer renderer;
    private volatile LogMultiplexer.Subscription subscription;
    private boolean ended;
    private volatile String stoppedBy;
    private long idleSince;

    public QueueDeploy(SharedRedis redis, ScheduledExecutorService work, ResourceLedger locks, Masker masker,
                       JenkinsResources resources, Host host) {
        this.redis = redis;
        this.work = work;
        this.locks = locks;
        this.masker = masker;
        this.resources = resources;
        this.host = host;
        this.serial = new Serial(work);
    }

    /**
     * Submits on the work threads and returns at once: a Redis that accepts connections and never
     * answers costs this step its own socket timeout, never the pipeline's thread.
     */
    public void submit(DeployRequest request, Secrets secrets, JobSigner signer) {
        serial.run(() -> {
            if (stoppedBy != null) {
                return;
            }
            DeploysterClient c = redis.client(request.queueSettings(), signer);
            String jobId;
            try {
                jobId = request.isWorkflow() ? c.submitWorkflow(request.workflow()) : c.submit(request.spec(), secrets);
            } catch (InvalidJobException e) {
                end(Termination.failure("deployster: " + e.getMessage()));
                return;
            } catch (IllegalArgumentException e) {
                end(Termination.failure("deployster: " + e.getMessage() + "; the job was not submitted"));
                return;
            } catch (RuntimeException e) {
                end(Termination.failure(ConsoleRenderer.notSubmitted(request.redisUri(), why(e))));
                return;
            }
            DeploySession s = DeploySession.of(jobId, request);
            if (stoppedBy != null) {
                // aborted while the submit was on its way: the step has ended, the job must not run
                Cancellation.request(c, s, Cancellation.reason(stoppedBy));
                return;
            }
            println(ConsoleRenderer.submitted(jobId, request));
            host.submitted(s);
            follow(s, c);
        });
    }

    /**
     * After a Jenkins restart or crash: follows again right after the last entry printed, which is the
     * later of the position saved with the step and the one recorded in Redis (a crash loses the entries
     * printed since the last save from the former, not from the latter).
     */
    public void resume(DeploySession saved) {
        serial.run(() -> {
            catchUp(saved);
            println(ConsoleRenderer.resumed(saved.jobId(), saved.lastEntryId()));
            follow(saved, redis.client(saved.queueSettings(), null));
        });
    }

    /**
     * Moves the saved session, without printing, over the entries the console showed after it was saved
     * (up to the position recorded in Redis), so its phase and lock mirror match what ran meanwhile.
     */
    private void catchUp(DeploySession s) {
        String build = host.build();
        if (build == null || s.finishedSeen()) {
            return;
        }
        try {
            String recorded = redis.recordedPosition(redis.consolePosition(s.jobId(), build, s.queueSettings().retention()));
            if (recorded != null) {
                skipTo(s, StreamId.parse(recorded));
            }
        } catch (RedisUnavailableException e) {
            note("could not read the console position of job " + s.jobId() + " from Redis (" + e.reason()
                    + "); following on from the step's saved state, so lines printed since it was saved may show twice");
        }
    }

    private void skipTo(DeploySession s, StreamId target) {
        boolean startedMeanwhile = false;
        String after = s.lastEntryId();
        while (StreamId.parse(after).compareTo(target) < 0) {
            List<LogEntry> batch = redis.entriesAfter(s.jobId(), after, 1000);
            if (batch.isEmpty()) {
                break;
            }
            for (LogEntry e : batch) {
                if (StreamId.parse(e.id()).compareTo(target) > 0) {
                    break;
                }
                s.advance(e);
                startedMeanwhile |= "started".equals(e.event());
                after = e.id();
            }
            if (!after.equals(batch.get(batch.size() - 1).id())) {
                break;
            }
        }
        if (startedMeanwhile) {
            locks.resumed(s.jobId(), s.mirror(), resources, this::note);
        }
    }

    /**
     * The build is aborted: the cancel request goes to Redis in order with the deploy's other calls, and
     * "cancelling" is printed before anything the cancel causes. If the job does not report its end
     * within {@link #STOP_GRACE_SECONDS}, the step ends aborted anyway.
     *
     * @param buildName for the reason recorded on the job
     */
    public void stop(String buildName, String abortMessage) {
        stoppedBy = buildName == null ? "" : buildName;
        DeploySession s = session;
        if (s == null) {
            // not submitted yet: the submit task sees stoppedBy and cancels what it submits
            end(Termination.aborted(abortMessage));
            return;
        }
        s.requestStop();
        println(ConsoleRenderer.cancelling(s.jobId()));
        serial.run(() -> Cancellation.request(client, s, Cancellation.reason(buildName)).forEach(this::println));
        work.schedule(() -> {
            LogMultiplexer.Subscription sub = subscription;
            if (sub != null) {
                sub.cancel();
            }
            serial.run(() -> finish(Termination.aborted("deployster job " + s.jobId() + " did not report its end within "
                    + STOP_GRACE_SECONDS + " s of the cancel")));
        }, STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    public DeploySession session() {
        return session;
    }

    private void follow(DeploySession s, DeploysterClient c) {
        session = s;
        client = c;
        renderer = new ConsoleRenderer(s.quiet(), masker);
        idleSince = System.nanoTime();
        if (s.finishedSeen()) {
            // saved after the 'finished' entry was printed: nothing more will arrive, only the end is left
            finishFromState();
            return;
        }
        String build = host.build();
        LogMultiplexer.Position position = build == null ? null
                : redis.consolePosition(s.jobId(), build, s.queueSettings().retention());
        subscription = redis.logs().follow(s.jobId(), s.lastEntryId(), position, this);
    }

    @Override
    public void onEntry(LogEntry entry) {
        DeploySession s = session;
        synchronized (s) {
            if (host.halted()) {
                subscription.cancel();
                return;
            }
            String part = renderer.partial(entry);
            String line = renderer.render(entry);
            if (part != null) {
                host.print(part);
            } else if (line != null) {
                host.println(line);
            }
            s.advance(entry);
        }
        idleSince = System.nanoTime();
        if (Event.STARTED.equals(entry.event())) {
            serial.run(() -> locks.started(s.jobId(), s.mirror(), resources, this::note));
        } else if (entry.isFinished()) {
            serial.run(() -> locks.ended(s.jobId(), s.mirror(), resources, this::note));
        }
        if (entry.isFinished()) {
            serial.run(this::finishFromState);
        }
    }

    /** A silent log: check now and then (off the reader thread) that the job still exists. */
    @Override
    public void onIdle() {
        if (host.halted()) {
            subscription.cancel();
            return;
        }
        if (System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(5)) {
            idleSince = System.nanoTime();
            serial.run(() -> {
                try {
                    if (client.status(session.jobId()) == null) {
                        subscription.cancel();
                        finish(Termination.failure("deployster job " + session.jobId() + ": no such job (expired or never submitted)"));
                    }
                } catch (RedisUnavailableException e) {
                    // the multiplexer reports the outage
                }
            });
        }
    }

    @Override
    public void onOutage(String why) {
        if (!host.halted()) {
            println(ConsoleRenderer.redisUnreachable(session.redisUri(), why));
        }
    }

    @Override
    public void onBack() {
        if (!host.halted()) {
            println(ConsoleRenderer.redisBack(session.redisUri()));
        }
    }

    private void finishFromState() {
        DeploySession s = session;
        JobState state = null;
        for (int attempt = 0; state == null && attempt < 5; attempt++) {
            try {
                state = client.status(s.jobId());
                if (state == null) {
                    finish(Termination.failure("deployster job " + s.jobId() + ": no such job (expired)"));
                    return;
                }
            } catch (RedisUnavailableException e) {
                sleepQuietly(200L << attempt);
            }
        }
        if (state == null) {
            finish(Termination.failure("deployster job " + s.jobId() + " finished, but Redis did not answer when asked how"));
            return;
        }
        if (s.workflow()) {
            // the workflow's result (each task's) is read once it ended; gone meanwhile, the step ends as a job's would
            WorkflowResult result;
            try {
                result = client.workflow(s.jobId());
            } catch (RedisUnavailableException e) {
                result = null;
            }
            ConsoleRenderer.summary(state, result).forEach(this::println);
            finish(ResultMapper.fromWorkflow(state, result, s.stopRequested()));
            return;
        }
        println(ConsoleRenderer.summary(state));
        finish(ResultMapper.fromState(state, s.stopRequested()));
    }

    /** Frees the mirrored resource and ends the step (once). */
    private void finish(Termination end) {
        DeploySession s = session;
        if (s != null) {
            locks.ended(s.jobId(), s.mirror(), resources, this::note);
        }
        end(end);
    }

    private void end(Termination end) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        host.end(end.masked(masker));
    }

    private void note(String note) {
        ConsoleRenderer r = renderer;
        String line = r == null ? ConsoleRenderer.PREFIX + note : r.note(note);
        if (line != null) {
            println(line);
        }
    }

    /** Every line this class prints passes the masker, under the session's lock so a saved session matches the console. */
    private void println(String line) {
        DeploySession s = session;
        if (s == null) {
            host.println(masker.mask(line));
            return;
        }
        synchronized (s) {
            host.println(masker.mask(line));
        }
    }

    private static String why(RuntimeException e) {
        if (e instanceof RedisUnavailableException unavailable) {
            return unavailable.reason(); // the console line names the server itself
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
