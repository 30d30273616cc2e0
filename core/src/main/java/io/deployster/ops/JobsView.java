package io.deployster.ops;

import io.deployster.job.JobState;
import io.deployster.job.JobStatus;
import io.deployster.protocol.JobField;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The jobs Redis still holds (ended ones until their retention ends), newest first. Reads every job
 * hash with SCAN and one pipeline: meant for operators, not for a request per second.
 */
public final class JobsView {
    private static final System.Logger LOG = System.getLogger(JobsView.class.getName());
    private static final String[] FIELDS = {JobField.STATUS, JobField.PROJECT, JobField.QUEUE, JobField.SUBMITTED_BY,
            JobField.SUBMITTED_AT, JobField.WORKER, JobField.STARTED_AT, JobField.ENDED_AT, JobField.EXIT_CODE, JobField.FAILED_COMMAND,
            JobField.REASON, JobField.WAITING_BEHIND, JobField.FENCING_TOKEN};

    /** What to list: null project or status for all. */
    public record Filter(String project, JobStatus status, int limit) {
        public Filter {
            if (project != null) {
                Names.check("project", project);
            }
            Names.checkLimit(limit);
        }
    }

    private final Redis redis;
    private final Keys keys;

    public JobsView(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public List<JobState> list(Filter filter) {
        List<String> ids = Scans.names(redis, keys.jobPattern(), "hash");
        List<JobState> jobs = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + 1000));
            jobs.addAll(read(batch));
        }
        return jobs.stream()
                .filter(s -> filter.project() == null || filter.project().equals(s.project()))
                .filter(s -> filter.status() == null || filter.status() == s.status())
                .sorted(Comparator.comparing((JobState s) -> s.submittedAt() == null ? Instant.EPOCH : s.submittedAt()).reversed()
                        .thenComparing(JobState::id, Comparator.reverseOrder()))
                .limit(filter.limit())
                .toList();
    }

    private List<JobState> read(List<String> ids) {
        List<List<String>> hashes = redis.batch(b -> {
            List<Supplier<List<String>>> replies = ids.stream().map(id -> b.hmget(keys.job(id), FIELDS)).toList();
            return () -> replies.stream().map(Supplier::get).toList();
        });
        List<JobState> states = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            List<String> values = hashes.get(i);
            Map<String, String> hash = new HashMap<>();
            for (int f = 0; f < FIELDS.length; f++) {
                if (values.get(f) != null) {
                    hash.put(FIELDS[f], values.get(f));
                }
            }
            // expired between SCAN and HMGET, or a hash that is not a job's yet
            if (hash.containsKey(JobField.STATUS)) {
                try {
                    states.add(JobState.fromHash(ids.get(i), hash));
                } catch (IllegalArgumentException e) {
                    // one hash written by something else must not hide every other job from the list
                    LOG.log(Level.WARNING, "job {0} is left out of the list: its hash in Redis cannot be read ({1}); "
                            + "it was not written by Deployster, or by a newer version", ids.get(i), e.getMessage());
                }
            }
        }
        return states;
    }
}
