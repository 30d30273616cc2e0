package io.deployster.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR form ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code fd00::/8}); a
 * bare address is a block of one. Parsed without any DNS lookup: only address literals are accepted.
 */
public record AddressRange(byte[] network, int prefix, String text) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    public AddressRange {
        network = network.clone();
    }

    /** @throws IllegalArgumentException naming the text and the form expected */
    public static AddressRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        if (!LITERAL.matcher(address).matches() || !(address.contains(".") || address.contains(":"))) {
            throw invalid(text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup is made
        } catch (UnknownHostException e) {
            throw invalid(text);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw invalid(text);
        }
        return new AddressRange(bytes, prefix, t);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not an address block; use CIDR such as 10.0.0.0/8, 127.0.0.1/32 or fd00::/8");
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int bits = prefix;
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
