/**
 * Result callbacks (docs/workflows.md, "Callbacks"): when a job or workflow with a {@code callbackUrl}
 * ends, the worker that ended it POSTs the collected results as JSON, signed with an HMAC header, to an
 * address the worker policy allows, retrying with backoff for a bounded time, off the job's critical
 * path, and records each delivery's outcome on the job's hash (field {@code callback}).
 */
package io.deployster.callback;
