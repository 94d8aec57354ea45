package dev.peregrine.agent;

import dev.peregrine.capture.CaptureException;
import dev.peregrine.capture.SignalCatcher;

import java.util.Map;

/**
 * What the agent does with the signals it receives as the container's entrypoint: SIGTERM,
 * SIGINT, SIGHUP, SIGUSR1, SIGUSR2 and SIGQUIT go to the workload's main process, which decides
 * how to end; the agent follows it out. The first five through {@code sun.misc.Signal}; SIGQUIT,
 * which the JVM keeps for its thread dump, through capture's {@link SignalCatcher} (the agent's
 * JVM then makes no thread dumps; a jcmd/jstack attach request is recognised and not forwarded).
 */
public final class SignalForwarding {
    private static final System.Logger LOG = System.getLogger(SignalForwarding.class.getName());
    /** The forwarded signals by name, as {@code sun.misc.Signal} spells them. */
    public static final Map<String, Integer> FORWARDED = Map.of("TERM", 15, "INT", 2, "HUP", 1, "USR1", 10, "USR2", 12,
            "QUIT", 3);

    private SignalForwarding() {
    }

    private static void forward(Agent agent, String name, int number) {
        boolean done = agent.forward(number);
        LOG.log(System.Logger.Level.INFO, "SIG{0} received: {1}", name,
                done ? "forwarded to the workload" : "the workload is not running");
    }

    /** Installs the handlers: from now on these signals go to {@code agent}'s workload. */
    public static void install(Agent agent) {
        FORWARDED.forEach((name, number) -> {
            if (number == 3) {
                return;
            }
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> forward(agent, name, number));
            } catch (IllegalArgumentException e) {
                // e.g. SIGHUP ignored by nohup: the JVM leaves it ignored
                LOG.log(System.Logger.Level.DEBUG, "SIG{0} is not forwarded: {1}", name, e.getMessage());
            }
        });
        try {
            SignalCatcher.handle(3, s -> {
                if (SignalCatcher.attachRequested()) {
                    LOG.log(System.Logger.Level.INFO, "SIGQUIT with an attach request (jcmd/jstack): not forwarded; "
                            + "the agent's JVM does not answer attach requests");
                    return;
                }
                forward(agent, "QUIT", 3);
            });
        } catch (CaptureException e) {
            LOG.log(System.Logger.Level.WARNING, "SIGQUIT cannot be taken over from the JVM and is not forwarded: {0}",
                    e.getMessage());
        }
    }
}
