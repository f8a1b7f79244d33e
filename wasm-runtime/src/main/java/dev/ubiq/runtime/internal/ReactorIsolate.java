package dev.ubiq.runtime.internal;

import dev.ubiq.runtime.engine.EngineInstance;
import dev.ubiq.runtime.engine.EngineInstance.EngineFunction;

/** A reactor instance with its handler exports looked up once, and its switchable WASI streams. */
final class ReactorIsolate {
    final EngineInstance instance;
    final EngineFunction alloc;
    final EngineFunction handle;
    final SwitchableOutputStream out;
    /** The instance's ubiq:v1 state. */
    final AbiInstance abi;
    long lastUsedNs;

    ReactorIsolate(EngineInstance instance, EngineFunction alloc, EngineFunction handle, SwitchableOutputStream out,
            AbiInstance abi) {
        this.abi = abi;
        this.instance = instance;
        this.alloc = alloc;
        this.handle = handle;
        this.out = out;
    }

    void close() {
        instance.close();
    }
}
