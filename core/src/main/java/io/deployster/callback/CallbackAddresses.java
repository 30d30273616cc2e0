package io.deployster.callback;

import io.deployster.policy.AddressRange;
import io.deployster.policy.WorkerPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses a callback may reach (the SSRF rule, docs/security.md "Callbacks"): public
 * addresses, and addresses of the special blocks below only when the worker policy's
 * {@code callbacks.P} lists a block holding them. A callback URL is chosen by whoever submits the job,
 * and the worker sits inside the deploy network, so without this rule a submitter could make workers
 * POST to internal services (metadata endpoints, admin ports, Redis itself).
 */
public final class CallbackAddresses {
    /**
     * Blocks that are not public: loopback, private, link-local, shared, documentation, multicast, reserved
     * (RFC 6890 and the IANA special-purpose registries). The IPv6 blocks that embed an IPv4 address
     * are refused whole: IPv4-compatible {@code ::/96} ({@code [::127.0.0.1]}), SIIT {@code ::ffff:0:0:0/96}
     * (RFC 6052/7915), NAT64 {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48}, and {@code 2001::/23} (Teredo
     * among them); IPv4-mapped {@code ::ffff:a.b.c.d} is read by Java as the IPv4 address itself.
     */
    static final List<AddressRange> SPECIAL = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            "::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(AddressRange::parse).toList();
    /** 6to4 (RFC 3056): the IPv4 address in bytes 2-5 is where the packets end up. */
    private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");

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
        if (SIX_TO_FOUR.contains(address)) {
            // allowed only when the IPv4 address inside is: 2002:7f00:1:: is loopback through a relay
            byte[] a = address.getAddress();
            try {
                InetAddress inner = InetAddress.getByAddress(new byte[] {a[2], a[3], a[4], a[5]});
                String why = refusal(project, inner);
                if (why != null) {
                    return "address " + address.getHostAddress() + " is 6to4 (2002::/16) holding IPv4 " + why;
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are an IPv4 address", e);
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
