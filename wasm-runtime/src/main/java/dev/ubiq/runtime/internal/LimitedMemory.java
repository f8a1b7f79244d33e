package dev.ubiq.runtime.internal;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * Linear memory with a hard page limit that remembers when the limit refused a {@code memory.grow},
 * so a later trap or failed exit can be reported as "memory limit" rather than a generic trap.
 *
 * <p>Why a wrapper over {@link ByteArrayMemory}: it is the fastest of Chicory's memories (the
 * default {@code ByteBufferMemory} ran a C matmul about 2x slower), and it is final. The delegate
 * field has the final class's static type, so the JIT binds and inlines every call; and since every
 * instance of every module uses this one class, the compiled code's {@code Memory} call sites stay
 * monomorphic (mixing classes made them 3-6x slower).
 */
public final class LimitedMemory implements Memory {
    private final ByteArrayMemory delegate;
    private final int maxPages;
    private boolean limitHit;

    /**
     * @param declared the module's own limits
     * @param capPages the runtime's page limit for this instance
     * @throws MemoryLimitAtInstantiation when the module's initial size is already above the cap
     */
    public LimitedMemory(MemoryLimits declared, int capPages) {
        if (declared.initialPages() > capPages) {
            throw new MemoryLimitAtInstantiation(declared.initialPages(), capPages);
        }
        this.maxPages = Math.min(declared.maximumPages(), capPages);
        this.delegate = new ByteArrayMemory(
                new MemoryLimits(declared.initialPages(), maxPages, declared.shared()));
    }

    /** Thrown when a module's initial memory exceeds the limit before any code runs. */
    public static final class MemoryLimitAtInstantiation extends RuntimeException {
        public final int initialPages;
        public final int capPages;

        MemoryLimitAtInstantiation(int initialPages, int capPages) {
            super("module needs " + initialPages + " pages (" + ((long) initialPages << 16)
                    + " bytes) of memory at start, above the limit of " + capPages + " pages ("
                    + ((long) capPages << 16) + " bytes)");
            this.initialPages = initialPages;
            this.capPages = capPages;
        }
    }

    public boolean limitHit() {
        return limitHit;
    }

    @Override
    public int grow(int size) {
        int r = delegate.grow(size);
        if (r < 0 && size > 0 && (long) delegate.pages() + size > maxPages) {
            limitHit = true;
        }
        return r;
    }

    @Override
    public int pages() {
        return delegate.pages();
    }

    @Override
    public int initialPages() {
        return delegate.initialPages();
    }

    @Override
    public int maximumPages() {
        return delegate.maximumPages();
    }

    @Override
    public boolean shared() {
        return delegate.shared();
    }

    @Override
    public Object lock(int address) {
        return delegate.lock(address);
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        return delegate.waitOn(address, expected, timeout);
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        return delegate.waitOn(address, expected, timeout);
    }

    @Override
    public int notify(int address, int maxThreads) {
        return delegate.notify(address, maxThreads);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        delegate.initialize(instance, dataSegments);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        delegate.initialize(instance, dataSegments, memoryIndex);
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        delegate.initPassiveSegment(segmentId, dest, offset, size);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        delegate.write(addr, data, offset, size);
    }

    @Override
    public byte read(int addr) {
        return delegate.read(addr);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        return delegate.readBytes(addr, len);
    }

    @Override
    public void writeI32(int addr, int data) {
        delegate.writeI32(addr, data);
    }

    @Override
    public int readInt(int addr) {
        return delegate.readInt(addr);
    }

    @Override
    public void writeLong(int addr, long data) {
        delegate.writeLong(addr, data);
    }

    @Override
    public long readLong(int addr) {
        return delegate.readLong(addr);
    }

    @Override
    public void writeShort(int addr, short data) {
        delegate.writeShort(addr, data);
    }

    @Override
    public short readShort(int addr) {
        return delegate.readShort(addr);
    }

    @Override
    public long readU16(int addr) {
        return delegate.readU16(addr);
    }

    @Override
    public void writeByte(int addr, byte data) {
        delegate.writeByte(addr, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        delegate.writeF32(addr, data);
    }

    @Override
    public long readF32(int addr) {
        return delegate.readF32(addr);
    }

    @Override
    public float readFloat(int addr) {
        return delegate.readFloat(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        delegate.writeF64(addr, data);
    }

    @Override
    public double readDouble(int addr) {
        return delegate.readDouble(addr);
    }

    @Override
    public long readF64(int addr) {
        return delegate.readF64(addr);
    }

    @Override
    public void zero() {
        delegate.zero();
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        delegate.fill(value, fromIndex, toIndex);
    }

    @Override
    public void copy(int dest, int src, int size) {
        delegate.copy(dest, src, size);
    }

    @Override
    public void drop(int segment) {
        delegate.drop(segment);
    }
}
