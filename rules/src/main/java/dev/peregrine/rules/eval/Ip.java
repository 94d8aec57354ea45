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
        byte[] v4 = parseIpv4(text);
        if (v4 != null) {
            return v4;
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

    /** Dotted-quad IPv4 without allocation beyond the result (events carry many of them); null otherwise. */
    private static byte[] parseIpv4(String text) {
        int n = text.length();
        if (n < 7 || n > 15) {
            return null;
        }
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && part < 3) {
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0) {
            return null;
        }
        out[3] = (byte) value;
        return out;
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
