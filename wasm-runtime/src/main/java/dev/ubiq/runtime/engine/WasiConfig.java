package dev.ubiq.runtime.engine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A WASI preview1 context, engine-neutral. The engine owns nothing here: the caller closes the
 * streams.
 *
 * @param args argv, program name first
 * @param env environment variables
 * @param stdin request body
 * @param stdout response body
 * @param stderr the function's log
 * @param preopens guest path to host directory
 */
public record WasiConfig(
        List<String> args,
        Map<String, String> env,
        InputStream stdin,
        OutputStream stdout,
        OutputStream stderr,
        Map<String, Path> preopens) {
    public WasiConfig {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        preopens = Map.copyOf(preopens);
    }
}
