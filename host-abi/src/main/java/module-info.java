/** Ubiq's host ABI: function shapes and the names a guest exports. Depends on nothing. */
module dev.ubiq.abi {
    exports dev.ubiq.abi;
}
