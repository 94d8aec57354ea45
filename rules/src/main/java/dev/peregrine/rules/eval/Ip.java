package dev.peregrine.rules.eval;

import java.net.InetAddress;
import java.util.Arrays;

/** IP addresses and networks as byte arrays, parsed from literals only (never DNS). */
final class Ip {
    private Ip() {
    }

    /** The address bytes of a literal, null when it is not one. IPv4-mapped IPv6 addresses become IPv4. */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        char c = text.charAt(0);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '[')) {
            return null;
        }
        try {
            String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            return InetAddress.ofLiteral(t).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A network: address plus prefix length. */
    record Net(byte[] address, int prefix) {
        boolean contains(byte[] ip) {
            if (ip == null || ip.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (address[full] & mask);
        }
    }

    /** Parses {@code a.b.c.d/n} or a plain address (a host network); null when invalid. */
    static Net parseNet(String text) {
        int slash = text.indexOf('/');
        byte[] addr = parse(slash < 0 ? text : text.substring(0, slash));
        if (addr == null) {
            return null;
        }
        int prefix = addr.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                return null;
            }
        }
        return new Net(addr, prefix);
    }

    static boolean equal(byte[] a, byte[] b) {
        return a != null && Arrays.equals(a, b);
    }
}
