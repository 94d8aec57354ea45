package dev.peregrine.backend.http;

import dev.peregrine.backend.store.AccessKeyStore.AccessKey;

/** The authenticated caller of a request. */
sealed interface Principal {
    record Admin() implements Principal {
    }

    record Orchestrator(AccessKey key) implements Principal {
    }
}
