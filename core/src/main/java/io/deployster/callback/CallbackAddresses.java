package io.deployster.callback;

import io.deployster.policy.AddressRange;
import io.deployster.policy.WorkerPolicy;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a callback may reach (the SSRF rule, docs/security.md "Callbacks"): public
 * addresses, and addresses of the special blocks below only when the worker policy's
 * {@code callbacks.P} lists a block holding them. A callback URL is chosen by whoever submits the job,
 * and the worker sits inside the deploy network, so without this rule a submitter could make workers
 * POST to internal services (metadata endpoints, admin ports, Redis itself).
 */
public final class CallbackAddresses {
    /** Blocks that are not public: loopback, private, link-local, shared, documentation, multicast, reserved (RFC 6890). */
    static final List<AddressRange> SPECIAL = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(AddressRange::parse).toList();

    private final WorkerPolicy policy;

    /** @param policy the worker's policy, whose {@code callbacks.P} blocks are allowed too; null for none */
    public CallbackAddresses(WorkerPolicy policy) {
        this.policy = policy;
    }

    /** @return why a callback of {@code project}'s job may not reach {@code address}, or null when it may */
    public String refusal(String project, InetAddress address) {
        List<AddressRange> allowed = policy == null ? List.of() : policy.callbackRanges(project);
        for (AddressRange r : allowed) {
            if (r.contains(address)) {
                return null;
            }
        }
        for (AddressRange r : SPECIAL) {
            if (r.contains(address)) {
                return "address " + address.getHostAddress() + " is in the non-public block " + r + ", which callbacks may not reach "
                        + (policy == null ? "(this worker has no policy file)" : "(not allowed by callbacks." + project + " or callbacks.* in "
                        + policy.source() + ")") + "; allow it with callbacks." + project + " = " + r + " in the worker policy, or use a public address";
            }
        }
        return null;
    }
}
