package dev.peregrine.rules.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's own {@link Event}: used by tests, the {@code rules eval} command and benchmarks.
 * {@code args} are rendered values in Falco's parameter order; {@code rawArgs} raw values
 * (Long, String or byte[]); a rendered-only argument's raw value is its text.
 */
public record EventRecord(String type, long number, long timestampNanos, Long res, Map<String, String> args,
                          Map<String, Object> rawArgs, ThreadRecord thread, FdRecord fd, ContainerRecord container,
                          String hostname) implements Event {
    public EventRecord {
        args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
        rawArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rawArgs));
    }

    @Override
    public boolean hasResult() {
        return res != null;
    }

    @Override
    public long result() {
        return res == null ? 0 : res;
    }

    @Override
    public List<String> argNames() {
        return List.copyOf(args.keySet());
    }

    @Override
    public String arg(String name) {
        return args.get(name);
    }

    @Override
    public Object rawArg(String name) {
        Object raw = rawArgs.get(name);
        return raw != null ? raw : args.get(name);
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    public static final class Builder {
        private final String type;
        private long number = 1;
        private long timestampNanos;
        private Long res;
        private final Map<String, String> args = new LinkedHashMap<>();
        private final Map<String, Object> rawArgs = new LinkedHashMap<>();
        private ThreadRecord thread;
        private FdRecord fd;
        private ContainerRecord container;
        private String hostname;

        private Builder(String type) {
            this.type = type;
        }

        public Builder number(long n) {
            number = n;
            return this;
        }

        public Builder time(long nanos) {
            timestampNanos = nanos;
            return this;
        }

        public Builder res(Long r) {
            res = r;
            return this;
        }

        public Builder arg(String name, String rendered) {
            args.put(name, rendered);
            return this;
        }

        public Builder rawArg(String name, Object raw) {
            rawArgs.put(name, raw);
            if (!args.containsKey(name)) {
                args.put(name, raw instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(raw));
            }
            return this;
        }

        public Builder thread(ThreadRecord t) {
            thread = t;
            return this;
        }

        public Builder fd(FdRecord f) {
            fd = f;
            return this;
        }

        public Builder container(ContainerRecord c) {
            container = c;
            return this;
        }

        public Builder hostname(String h) {
            hostname = h;
            return this;
        }

        public EventRecord build() {
            return new EventRecord(type, number, timestampNanos, res, args, rawArgs, thread, fd, container, hostname);
        }
    }
}
