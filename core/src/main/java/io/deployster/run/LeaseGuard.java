package io.deployster.run;

/** Tells a job's runner whether the job still holds its lease, so nothing starts under a lost one. */
@FunctionalInterface
public interface LeaseGuard {
    /** Why the job's lease counts as lost now (for its log and reason), or null while it holds. */
    String lapsed();
}
