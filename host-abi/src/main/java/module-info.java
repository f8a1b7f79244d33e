/** Ubiq's host ABI: function shapes, the names a guest exports, and ABI v1's hostcalls and error codes ({@link dev.ubiq.abi.HostAbi}). Depends on nothing. */
module dev.ubiq.abi {
    exports dev.ubiq.abi;
}
