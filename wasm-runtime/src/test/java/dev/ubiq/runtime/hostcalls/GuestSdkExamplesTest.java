package dev.ubiq.runtime.hostcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.Guests;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example functions of the three guest SDKs (C, Rust, AssemblyScript), built by
 * {@code host-abi/guest/build.sh}, run through the runtime: handler, call, kv, config, denial.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuestSdkExamplesTest {

    static byte[] example(String name) throws IOException {
        return Files.readAllBytes(Guests.dir().resolve("../../host-abi/guest/out").normalize().resolve(name + ".wasm"));
    }

    private static UbiqRuntime runtimeWithUpper() throws IOException {
        UbiqRuntime rt = UbiqRuntime.builder().build();
        rt.deploy("upper", example("upper"));
        return rt;
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeter_c", "greeter_rust", "greeter_as"})
    void greeterCallsUpperAndCountsVisitsInKv(String example) throws IOException {
        try (UbiqRuntime rt = runtimeWithUpper()) {
            rt.deploy(example(example), Manifest.builder("greeter")
                    .withCapability("kv:greeter").withCapability("call:upper").build());
            InvocationResult first = rt.invoke("greeter", Request.of("alice"));
            assertEquals(Outcome.OK, first.outcome(), first.message());
            assertEquals("Hello, ALICE! (visit 1)", first.outputAsString());
            assertEquals("[INFO] greeted\n", first.logAsString());
            assertEquals("Hello, ALICE! (visit 2)", rt.invoke("greeter", Request.of("alice")).outputAsString());
            assertEquals("Hello, BOB! (visit 1)", rt.invoke("greeter", Request.of("bob")).outputAsString());
            assertEquals(3, rt.stats("upper").invocations());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeter_c", "greeter_rust", "greeter_as"})
    void greeterReadsItsConfig(String example) throws IOException {
        try (UbiqRuntime rt = runtimeWithUpper()) {
            rt.deploy(example(example), Manifest.builder("greeter").withConfig("greeting", "Moin")
                    .withCapability("kv:greeter").withCapability("call:upper").build());
            assertEquals("Moin, EVE! (visit 1)", rt.invoke("greeter", Request.of("eve")).outputAsString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeter_c", "greeter_rust", "greeter_as"})
    void greeterWithoutCapabilitiesIsDeniedAndSaysSo(String example) throws IOException {
        try (UbiqRuntime rt = runtimeWithUpper()) {
            rt.deploy(example(example), Manifest.builder("greeter").withCapability("kv:greeter").build());
            InvocationResult r = rt.invoke("greeter", Request.of("alice"));
            assertEquals(Outcome.OK, r.outcome(), r.message());
            assertTrue(r.outputAsString().startsWith("call upper failed: "), r.outputAsString());
            assertTrue(r.outputAsString().toUpperCase().contains("DENIED"), r.outputAsString());
            assertTrue(r.logAsString().contains("ubiq:v1.call denied: calling function 'upper' needs capability 'call:upper'"),
                    r.logAsString());
            assertEquals(0, rt.stats("upper").invocations());
        }
    }
}
