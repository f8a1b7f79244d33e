/**
 * The Ubiq runtime core: {@link dev.ubiq.runtime.UbiqRuntime} (embedding API), the engine SPI in
 * {@code dev.ubiq.runtime.engine}, and the Chicory engine in an internal package.
 */
module dev.ubiq.runtime {
    requires transitive dev.ubiq.abi;
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasm;
    requires com.dylibso.chicory.wasi;
    requires com.dylibso.chicory.compiler;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;
    requires HdrHistogram; // no module name of its own: the jar file name is it
    requires org.jctools.core;
    requires java.management;

    exports dev.ubiq.runtime;
    exports dev.ubiq.runtime.engine;
    exports dev.ubiq.runtime.hostcalls;
    exports dev.ubiq.runtime.internal to dev.ubiq.tools, dev.ubiq.node, dev.ubiq.snapshot;
}
