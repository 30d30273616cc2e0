package io.deployster.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Await;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the worker reads of other processes in /proc, against real processes. */
class ProcessTableTest {
    private static final String MARK = "DEPLOYSTER_JOB_ID=table-test";

    @Test
    void aProcessIsKnownByItsEnvironmentEvenInTheMiddleOfAnExec() throws Exception {
        // how a deploy leaves a daemon behind: a chain of execs (setsid, nohup, sh). Read while one is under
        // way, /proc/PID/environ is empty, unreadable or cut short for a moment; the job's end took that for
        // "not the job's" and let the process outlive the job.
        List<String> missed = new ArrayList<>();
        int looks = 0;
        for (int i = 0; i < 150; i++) {
            Process p = ProcessGroup.start(List.of("/bin/sh", "-c", "exec /usr/bin/env /bin/sh -c 'exec /usr/bin/env /bin/sh -c \"exit 0\"'"),
                    new File("/tmp"), Map.of("DEPLOYSTER_JOB_ID", "table-test")).process();
            // until its first exec the child shares this JVM's memory, and so shows this JVM's environment
            boolean execed = false;
            while (p.isAlive()) {
                boolean has = ProcessTable.environmentHas(p.pid(), MARK);
                if (has) {
                    execed = true;
                    looks++;
                } else if (execed && stillRunning(p.pid())) {
                    missed.add("pid " + p.pid() + " after " + looks + " looks, " + ProcessTable.read(List.of(p.pid())));
                }
            }
            p.waitFor();
        }
        assertTrue(looks > 150, "looked at the processes while they ran: " + looks);
        assertEquals(List.of(), missed, "a running process of the job was taken for another's");
    }

    @Test
    void aProcessWithoutTheVariableOrGoneIsNotTheJobs() throws Exception {
        Process other = ProcessGroup.start(List.of("sleep", "30"), new File("/tmp"), Map.of("DEPLOYSTER_JOB_ID", "another")).process();
        Process none = ProcessGroup.start(List.of("env", "-i", "sleep", "30"), new File("/tmp"), Map.of("DEPLOYSTER_JOB_ID", "table-test")).process();
        try {
            assertFalse(ProcessTable.environmentHas(other.pid(), MARK));
            Await.until("env -i to have run sleep", Duration.ofSeconds(10), 
                    () -> ProcessHandle.of(none.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep"));
            assertFalse(ProcessTable.environmentHas(none.pid(), MARK), "a process that dropped its environment (env -i) escapes, as documented");
        } finally {
            other.destroyForcibly().waitFor();
            none.destroyForcibly().waitFor();
        }
        assertFalse(ProcessTable.environmentHas(other.pid(), MARK), "an ended process");
    }

    private static boolean stillRunning(long pid) {
        ProcessTable.Proc p = ProcessTable.read(List.of(pid)).stream().findFirst().orElse(null);
        return p != null && !p.zombie();
    }
}
