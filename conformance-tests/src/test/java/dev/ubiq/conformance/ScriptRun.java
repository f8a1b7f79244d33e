package dev.ubiq.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqException.InstantiationException;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.UbiqException.MalformedModuleException;
import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.Engine;
import dev.ubiq.runtime.engine.EngineInstance;
import dev.ubiq.runtime.engine.GuestTrapException;
import dev.ubiq.runtime.engine.InstanceSpec;
import dev.ubiq.runtime.engine.Linker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One .wast script's commands run in order against one engine: the store of named instances, the
 * linker with {@code spectest} and every {@code register}ed instance. Each {@link #run} checks one
 * command and throws {@link AssertionError} when the engine's behaviour differs from the script's.
 */
final class ScriptRun implements AutoCloseable {
    /** Spec tests may grow memory to the wasm32 ceiling. */
    static final long MAX_MEMORY_BYTES = 65536L * 65536L;

    private final Engine engine;
    private final Path dir;
    private final String script;
    private final List<EngineInstance> all = new ArrayList<>();
    private final Map<String, EngineInstance> named = new HashMap<>();
    private final List<String> kindMismatches;
    private EngineInstance current;
    private Linker linker = Spectest.linker();

    ScriptRun(Engine engine, Path dir, String script, List<String> kindMismatches) {
        this.engine = engine;
        this.dir = dir;
        this.script = script;
        this.kindMismatches = kindMismatches;
    }

    /** Why a command cannot be judged here at all, as an exclusion category, or {@code null}. */
    static String category(JsonNode cmd) {
        JsonNode file = cmd.get("filename");
        if (file != null && file.asText().endsWith(".wat")) {
            return "text-module";
        }
        return null;
    }

    /** "line 104: assert_return invoke 8u_good1(0)" */
    static String name(JsonNode cmd) {
        String type = cmd.get("type").asText();
        StringBuilder s = new StringBuilder("line ").append(cmd.get("line").asInt()).append(": ").append(type);
        JsonNode action = cmd.get("action");
        if (action != null) {
            s.append(' ').append(action.get("type").asText()).append(' ');
            if (action.has("module")) {
                s.append(action.get("module").asText()).append('.');
            }
            s.append(action.get("field").asText());
            if (action.has("args")) {
                s.append('(').append(SpecValues.describeArgs(action.get("args"))).append(')');
            }
        } else if (type.equals("register")) {
            s.append(' ').append(cmd.has("name") ? cmd.get("name").asText() : "current").append(" as ")
                    .append(cmd.get("as").asText());
        } else if (cmd.has("filename")) {
            s.append(' ').append(cmd.has("name") ? cmd.get("name").asText() + " " : "").append(cmd.get("filename").asText());
        }
        return s.toString().replace('\n', ' ');
    }

    void run(JsonNode cmd) {
        int line = cmd.get("line").asInt();
        switch (cmd.get("type").asText()) {
            case "module" -> {
                EngineInstance i = instantiate(compile(cmd), line);
                current = i;
                if (cmd.has("name")) {
                    named.put(cmd.get("name").asText(), i);
                }
            }
            case "register" -> {
                EngineInstance i = cmd.has("name") ? instance(cmd.get("name").asText()) : current;
                if (i == null) {
                    throw new AssertionError("register: no module " + (cmd.has("name") ? cmd.get("name").asText() : "instantiated yet"));
                }
                linker = linker.toBuilder().instance(cmd.get("as").asText(), i).build();
            }
            case "action" -> act(cmd.get("action"));
            case "assert_return" -> {
                long[] r = act(cmd.get("action"));
                String why = SpecValues.mismatch(cmd.get("expected"), r);
                if (why != null) {
                    throw new AssertionError(why);
                }
            }
            case "assert_trap", "assert_exhaustion" -> {
                long[] r;
                try {
                    r = act(cmd.get("action"));
                } catch (GuestTrapException e) {
                    return;
                }
                throw new AssertionError("expected a trap (" + cmd.get("text").asText() + "), got " + java.util.Arrays.toString(r));
            }
            case "assert_malformed", "assert_invalid" -> expectRejected(cmd);
            case "assert_unlinkable" -> expectFailedInstantiation(cmd, UnlinkableModuleException.class);
            case "assert_uninstantiable" -> expectFailedInstantiation(cmd, InstantiationException.class);
            default -> throw new AssertionError("unknown command type " + cmd.get("type").asText());
        }
    }

    private EngineInstance instance(String name) {
        EngineInstance i = named.get(name);
        if (i == null) {
            throw new AssertionError("no module named " + name + " (it failed to instantiate earlier?)");
        }
        return i;
    }

    private CompiledModule compile(JsonNode cmd) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(cmd.get("filename").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return engine.compile(bytes, script + ":" + cmd.get("line").asInt());
    }

    private EngineInstance instantiate(CompiledModule module, int line) {
        EngineInstance i = module.instantiate(new InstanceSpec(MAX_MEMORY_BYTES, null, linker));
        all.add(i);
        return i;
    }

    private long[] act(JsonNode action) {
        EngineInstance target = action.has("module") ? instance(action.get("module").asText()) : current;
        if (target == null) {
            throw new AssertionError("no module instantiated yet");
        }
        String field = action.get("field").asText();
        return switch (action.get("type").asText()) {
            case "invoke" -> {
                var f = target.function(field);
                if (f == null) {
                    throw new AssertionError("no exported function " + field);
                }
                yield f.call(SpecValues.args(action.get("args")));
            }
            case "get" -> {
                long[] v = target.global(field);
                if (v == null) {
                    throw new AssertionError("no exported global " + field);
                }
                yield v;
            }
            default -> throw new AssertionError("unknown action " + action.get("type").asText());
        };
    }

    /** assert_malformed / assert_invalid: the engine must refuse the module before running any of it. */
    private void expectRejected(JsonNode cmd) {
        boolean malformed = cmd.get("type").asText().equals("assert_malformed");
        Class<?> wanted = malformed ? MalformedModuleException.class : InvalidModuleException.class;
        CompiledModule m;
        try {
            m = compile(cmd);
        } catch (MalformedModuleException | InvalidModuleException e) {
            if (!wanted.isInstance(e)) {
                kindMismatches.add(script + ":" + cmd.get("line").asInt() + " " + cmd.get("type").asText()
                        + " (" + cmd.get("text").asText() + "): rejected as " + e.getClass().getSimpleName()
                        + ": " + e.getMessage());
            }
            return;
        }
        try {
            instantiate(m, cmd.get("line").asInt());
        } catch (UbiqException e) {
            throw new AssertionError("expected " + wanted.getSimpleName() + " (" + cmd.get("text").asText()
                    + ") at compile time; it compiled and only instantiation failed: " + e, e);
        }
        throw new AssertionError("expected " + wanted.getSimpleName() + " (" + cmd.get("text").asText()
                + "); the module compiled and instantiated");
    }

    private void expectFailedInstantiation(JsonNode cmd, Class<? extends UbiqException> wanted) {
        CompiledModule m;
        try {
            m = compile(cmd);
        } catch (MalformedModuleException | InvalidModuleException e) {
            throw new AssertionError("expected " + wanted.getSimpleName() + " (" + cmd.get("text").asText()
                    + "), but the module was rejected at compile time: " + e, e);
        }
        try {
            instantiate(m, cmd.get("line").asInt());
        } catch (UbiqException e) {
            if (wanted.isInstance(e)) {
                return;
            }
            throw new AssertionError("expected " + wanted.getSimpleName() + " (" + cmd.get("text").asText()
                    + "), got " + e, e);
        }
        throw new AssertionError("expected " + wanted.getSimpleName() + " (" + cmd.get("text").asText()
                + "); the module instantiated");
    }

    @Override
    public void close() {
        all.forEach(EngineInstance::close);
    }
}
