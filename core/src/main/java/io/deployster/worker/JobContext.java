package io.deployster.worker;

import io.deployster.queue.JobQueue;
import io.deployster.redis.Redis;
import io.deployster.run.Subreaper;
import io.deployster.secret.Masker;
import io.deployster.workflow.OutputFiles;
import java.util.concurrent.ExecutorService;

/**
 * What every job of one worker shares: made once when the worker starts, handed to each
 * {@link JobExecution}.
 *
 * @param threads the worker's pool: a job's run, its log shipping and its output readers take threads from it
 * @param outputs where the jobs' {@code $DEPLOYSTER_OUTPUT} files go
 * @param workerSecrets the worker's own secrets, masked in every job's output (docs/security.md)
 */
record JobContext(JobQueue queue, Redis redis, WorkerOptions options, Subreaper subreaper, LeaseKeeper leases, WorkerEvents events,
                  ExecutorService threads, OutputFiles outputs, Masker workerSecrets) {
}
