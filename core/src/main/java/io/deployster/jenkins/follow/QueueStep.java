package io.deployster.jenkins.follow;

import io.deployster.jenkins.Termination;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Queue mode's start, resume and stop around a {@link QueueDeploy}, without Jenkins: the preparation
 * (credential lookups, connecting) runs on the work threads, never on the pipeline's; whatever it
 * throws ends the step through {@link Termination#fromException}; a stop that comes before the deploy
 * exists ends the step aborted at once, and the deploy prepared after it never begins. The plugin's
 * StepExecution only turns each {@link Termination} into its context's onSuccess/onFailure.
 */
public final class QueueStep {
    /** What a preparation made: how to begin (submit, or follow again) and how to stop the deploy. */
    public record Prepared(Runnable begin, Stop stop) {
        /** The usual case: begin with the deploy's submit or resume, stop with its {@link QueueDeploy#stop}. */
        public static Prepared of(QueueDeploy deploy, Consumer<QueueDeploy> begin) {
            return new Prepared(() -> begin.accept(deploy), deploy::stop);
        }
    }

    /** The deploy's stop: cancels the job and ends the step when the job reports its end (or after the grace time). */
    @FunctionalInterface
    public interface Stop {
        void stop(String buildName, String abortMessage);
    }

    private final Executor work;
    private final Consumer<Termination> end;
    private Prepared prepared;
    private boolean stopped;

    /**
     * @param work the controller's work threads
     * @param end receives how the step ends when this class ends it (the deploy's own end goes to its host)
     */
    public QueueStep(Executor work, Consumer<Termination> end) {
        this.work = work;
        this.end = end;
    }

    /**
     * Prepares on the work threads and returns at once, as StepExecution.start() must.
     *
     * @param doing what the step does, for a failure message: {@code submit}, {@code resume following job …}
     */
    public void start(String doing, Callable<Prepared> preparation) {
        work.execute(() -> {
            Prepared p;
            try {
                p = preparation.call();
            } catch (Exception | LinkageError e) {
                // LinkageError too: a class missing from the plugin would otherwise end this task silently
                // and leave the step waiting forever
                boolean alreadyEnded;
                synchronized (this) {
                    alreadyEnded = stopped;
                    stopped = true;
                }
                if (!alreadyEnded) {
                    end.accept(Termination.fromException(e, doing));
                }
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return; // stopped while preparing: the step has ended aborted, nothing was submitted
                }
                prepared = p;
            }
            p.begin().run();
        });
    }

    /**
     * The build is aborted: the deploy cancels its job, or, when there is no deploy yet, the step ends
     * aborted now and nothing will be submitted.
     *
     * @param buildName for the reason recorded on the job
     */
    public void stop(String buildName, String abortMessage) {
        Prepared p;
        synchronized (this) {
            p = prepared;
            if (p == null) {
                if (stopped) {
                    return;
                }
                stopped = true;
            }
        }
        if (p == null) {
            end.accept(Termination.aborted(abortMessage));
        } else {
            p.stop().stop(buildName, abortMessage);
        }
    }
}
