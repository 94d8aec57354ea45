package dev.peregrine.cli.run;

import dev.peregrine.agent.Agent;
import dev.peregrine.agent.SignalForwarding;

/** Signals the agent receives go to the workload (see {@link SignalForwarding}). */
final class Signals {
    private Signals() {
    }

    static void forwardTo(Agent agent) {
        SignalForwarding.install(agent);
    }
}
