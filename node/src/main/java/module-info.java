/** The Ubiq node: {@link dev.ubiq.node.UbiqNode} serves a runtime over HTTP. */
module dev.ubiq.node {
    requires transitive dev.ubiq.runtime;
    requires dev.ubiq.snapshot;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires com.fasterxml.jackson.databind;
    requires org.jctools.core;

    exports dev.ubiq.node;
}
