/**
 * Host side of ABI v1 ({@code ubiq:v1}), the part an embedder configures: {@link
 * dev.ubiq.runtime.hostcalls.HostAbiConfig} and the persistent key-value {@link
 * dev.ubiq.runtime.hostcalls.KvBackend} ({@link dev.ubiq.runtime.hostcalls.FileKvBackend}). The
 * hostcalls themselves live in the runtime's internal package; the ABI's names, signatures and
 * error codes in {@link dev.ubiq.abi.HostAbi} and {@link dev.ubiq.abi.AbiError}.
 */
package dev.ubiq.runtime.hostcalls;
