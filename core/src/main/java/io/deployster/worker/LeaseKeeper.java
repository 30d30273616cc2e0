package io.deployster.worker;

import io.deployster.job.JobStatus;
import io.deployster.queue.JobQueue;
import io.deployster.queue.JobQueue.Lease;
import io.deployster.queue.JobQueue.Renewal;
import io.deployster.run.LeaseGate;
import io.deployster.run.LeaseGuard;
import io.deployster.run.LeaseWatchdog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the leases of this worker's running jobs (docs/design.md, "Lease and fencing"). Every tenth
 * of a lease it renews all of them in one round trip. A lease counts as held until a margin (a fifth
 * of the lease, at least half a lease or 1 s) before it would end at Redis, measured from when the
 * last successful renewal was sent; past that,
 * or when Redis says another job has the lock or the job was ended elsewhere, the job is fenced:
 * killed at once. The {@link LeaseWatchdog} gets the same deadline, so the job is killed in time even
 * while this JVM cannot run.
 */
final class LeaseKeeper {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    /**
     * How much earlier than a job's deadline its lease watchdog may kill it: deadlines reach it in 1/100 s
     * steps of a clock whose offset is read to 1/100 s, both rounded down, and it sweeps deadlines due
     * within 0.1 s together (lease-watchdog.sh).
     */
    private static final long WATCHDOG_EARLY = TimeUnit.MILLISECONDS.toNanos(150);

    private final JobQueue queue;
    private final LeaseWatchdog watchdog;
    private final LeaseGate gate;
    private final Executor fencing;
    private final long leaseNanos;
    private final long holdNanos;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    private static final class Held {
        final JobExecution execution;
        volatile long validUntil;
        volatile long lastRenewed;
        volatile boolean fenced;

        Held(JobExecution execution, long sentAt, long holdNanos) {
            this.execution = execution;
            this.lastRenewed = sentAt;
            this.validUntil = sentAt + holdNanos;
        }
    }

    /**
     * @param lease the lock TTL the queue grants and renews
     * @param gate makes each process of a job check the lease as it starts
     * @param fencing runs the kills, so a slow kill never delays other jobs' renewals
     */
    LeaseKeeper(JobQueue queue, Duration lease, LeaseWatchdog watchdog, LeaseGate gate, Executor fencing) {
        this.queue = queue;
        this.watchdog = watchdog;
        this.gate = gate;
        this.fencing = fencing;
        this.leaseNanos = lease.toNanos();
        // the margin covers the kill itself and the gap between sending a renewal and Redis applying it
        this.holdNanos = leaseNanos - Math.max(leaseNanos / 5, Math.min(leaseNanos / 2, TimeUnit.SECONDS.toNanos(1)));
    }

    /** How often {@link #renewAll} should run. */
    Duration renewEvery() {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(20), leaseNanos / 10));
    }

    /**
     * Starts keeping the lease of a job that just got its lock.
     *
     * @param sentAt System.nanoTime() when the start request that granted the lock was sent
     */
    void add(JobExecution execution, long sentAt) {
        Held h = new Held(execution, sentAt, holdNanos);
        held.put(execution.id(), h);
        watchdog.lease(execution.id(), execution.sessions(), h.validUntil);
    }

    /** The job started a command: the watchdog must know its session at once, not at the next renewal. */
    void sessionsChanged(JobExecution execution) {
        Held h = held.get(execution.id());
        if (h != null && !h.fenced) {
            watchdog.lease(execution.id(), execution.sessions(), h.validUntil);
        }
    }

    /** The lease of job {@code id} as its runner asks about it before and while it starts each process. */
    LeaseGuard guard(String id) {
        return new LeaseGuard() {
            @Override
            public String lapsed() {
                return lapsedReason(id);
            }

            @Override
            public List<String> gate(List<String> argv) throws IOException {
                Held h = held.get(id);
                return h == null ? argv : gate.argv(argv, h.validUntil);
            }
        };
    }

    /** The job ended and its end is recorded: nothing left to guard. */
    void remove(JobExecution execution) {
        if (held.remove(execution.id()) != null) {
            watchdog.end(execution.id());
        }
    }

    /**
     * Why the job's lease counts as lost now, or null while it holds. Asked when the job ended: a lost
     * lease means its processes may have been killed by the watchdog, whatever their exit code says.
     * The watchdog may kill up to {@link #WATCHDOG_EARLY} before the deadline, so from then on it counts
     * as lost here too.
     */
    String lapsedReason(String id) {
        Held h = held.get(id);
        if (h == null || System.nanoTime() < h.validUntil - WATCHDOG_EARLY) {
            return null;
        }
        return notRenewed(h, System.nanoTime());
    }

    /** The watchdog killed a job's processes: record why on the job. */
    void watchdogFenced(String id) {
        Held h = held.get(id);
        if (h != null) {
            fence(h, "the lease watchdog killed whatever of the job was still running: " + notRenewed(h, System.nanoTime()));
        }
    }

    /** One round: fences what is past its lease, then renews the rest. */
    void renewAll() {
        long now = System.nanoTime();
        List<Held> renewing = new ArrayList<>();
        for (Held h : held.values()) {
            if (h.fenced || h.execution.recorded()) {
                continue;
            }
            if (now >= h.validUntil && !h.execution.processesGone()) {
                fence(h, notRenewed(h, now));
            } else {
                renewing.add(h);
            }
        }
        if (renewing.isEmpty()) {
            return;
        }
        List<Lease> leases = renewing.stream().map(h -> new Lease(h.execution.project(), h.execution.id(),
                h.execution.fencingToken())).toList();
        long sentAt = System.nanoTime();
        List<Renewal> renewals;
        try {
            renewals = queue.renew(leases);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot renew the leases of {0} running job(s) ({1}); a job whose lease cannot be renewed within "
                    + "{2} ms is stopped", renewing.size(), e.getMessage(), TimeUnit.NANOSECONDS.toMillis(holdNanos));
            return;
        }
        for (int i = 0; i < renewing.size(); i++) {
            Held h = renewing.get(i);
            Renewal r = renewals.get(i);
            if (h.execution.processesGone() && r.lease() != JobQueue.LeaseState.HELD && r.lease() != JobQueue.LeaseState.RETAKEN) {
                continue; // its own finish raced this renewal: nothing runs any more
            }
            switch (r.lease()) {
                case HELD, RETAKEN -> {
                    h.lastRenewed = sentAt;
                    h.validUntil = sentAt + holdNanos;
                    watchdog.lease(h.execution.id(), h.execution.sessions(), h.validUntil);
                    if (r.lease() == JobQueue.LeaseState.RETAKEN) {
                        LOG.log(Level.WARNING, "job {0} of project {1}: its lock had lapsed at Redis (a restart or failover that lost it?) "
                                + "and no other job was granted it since: taken again", h.execution.id(), h.execution.project());
                    }
                }
                case LOST -> fence(h, "another job of project " + h.execution.project() + " was granted its lock: this job's lease is "
                        + "lost, so it was stopped at once to keep two deploys of the project from overlapping");
                case ENDED -> fence(h, "the job was ended elsewhere while it ran here (its lease had run out and it was marked lost): "
                        + "it was stopped at once");
            }
            if (r.cancelReason() != null && !h.fenced) {
                JobExecution e = h.execution;
                fencing.execute(() -> e.stop(JobStatus.CANCELLED, r.cancelReason()));
            }
        }
    }

    private String notRenewed(Held h, long now) {
        return "worker could not renew the job's lease for " + TimeUnit.NANOSECONDS.toMillis(now - h.lastRenewed)
                + " ms (it was stopped, overloaded, or could not reach Redis; a lease lasts "
                + TimeUnit.NANOSECONDS.toMillis(leaseNanos) + " ms), so the job was stopped before another deploy of project "
                + h.execution.project() + " could start";
    }

    private void fence(Held h, String reason) {
        if (h.fenced) {
            return;
        }
        h.fenced = true;
        fencing.execute(() -> h.execution.fence(reason));
    }
}
