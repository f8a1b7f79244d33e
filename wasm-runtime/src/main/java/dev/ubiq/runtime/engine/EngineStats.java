package dev.ubiq.runtime.engine;

/**
 * An engine's counters since it was created.
 *
 * @param compilations modules compiled by the compiler
 * @param cacheHits modules whose compiled code came from the on-disk cache
 * @param interpreterFallbacks modules with at least one function the compiler could not handle
 *     (those functions run in the interpreter)
 */
public record EngineStats(long compilations, long cacheHits, long interpreterFallbacks) {}
