package io.deployster.run;

import java.io.IOException;
import java.util.List;

/** Tells a job's runner whether the job still holds its lease, so nothing starts under a lost one. */
public interface LeaseGuard {
    /** Why the job's lease counts as lost now (for its log and reason), or null while it holds. */
    String lapsed();

    /**
     * {@code argv} as it must be started: a process that begins only after the lease counts as lost
     * runs nothing and exits with {@link LeaseGate#REFUSED} ({@link LeaseGate} says why).
     *
     * @throws IOException when the program cannot be started (not found)
     */
    List<String> gate(List<String> argv) throws IOException;
}
