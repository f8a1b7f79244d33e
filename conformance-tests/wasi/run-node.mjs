// run-node.mjs -- runs one WASI conformance case under Node's node:wasi (preview1), the reference
// host the Java tests compare Ubiq with. The Java side prepares the case root and writes a spec:
//
//   node run-node.mjs SPEC.json
//   SPEC = {"wasm": PATH, "args": [ARGV0, ...], "env": {K: V}, "preopens": {GUEST: HOST},
//           "stdin": PATH or null}
//
// stdout and stderr pass through; the exit status is the guest's exit code.
import { readFileSync, openSync } from 'node:fs';
import { WASI } from 'node:wasi';
import process from 'node:process';

process.removeAllListeners('warning'); // "WASI is an experimental feature" would pollute stderr

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const wasi = new WASI({
  version: 'preview1',
  args: spec.args,
  env: spec.env,
  preopens: spec.preopens,
  stdin: spec.stdin ? openSync(spec.stdin, 'r') : openSync('/dev/null', 'r'),
  stdout: 1,
  stderr: 2,
  returnOnExit: true,
});
const module = new WebAssembly.Module(readFileSync(spec.wasm));
const instance = new WebAssembly.Instance(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
