package dev.peregrine.cli.run;

import dev.peregrine.agent.Agent;

/**
 * Signals the agent receives go to the workload, which decides how to end; the agent follows
 * it out. SIGQUIT cannot be taken over from the JVM (it prints a thread dump) and is not
 * forwarded.
 */
final class Signals {
    private static final String[] NAMES = {"TERM", "INT", "HUP", "USR1", "USR2", "QUIT"};
    private static final int[] NUMBERS = {15, 2, 1, 10, 12, 3};

    private Signals() {
    }

    static void forwardTo(Agent agent) {
        for (int i = 0; i < NAMES.length; i++) {
            int number = NUMBERS[i];
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(NAMES[i]), s -> agent.forward(number));
            } catch (IllegalArgumentException e) {
                System.getLogger(Signals.class.getName()).log(System.Logger.Level.DEBUG,
                        "SIG{0} is reserved by the JVM and is not forwarded", NAMES[i]);
            }
        }
    }
}
