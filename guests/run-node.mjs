// run-node.mjs -- tiny reference host for the guests, using Node 20's node:wasi.
// Only for smoke-testing the modules outside Ubiq (see smoke-node.sh).
//
//   node run-node.mjs cmd     FILE.wasm [--stdin PATH] [--env K=V]... [--dir HOST:GUEST]... [-- ARGS...]
//        runs _start; stdout/stderr pass through; exit status = guest exit code
//   node run-node.mjs reactor FILE.wasm [--times N] [REQUEST]
//        _initialize (if exported), ubiq_init (if exported), then N times:
//        ubiq_alloc + copy REQUEST + ubiq_handle; prints each response on its own line
//   node run-node.mjs call    FILE.wasm EXPORT [I32 ARGS...]
//        instantiates and calls EXPORT directly, prints the result
import { readFileSync, openSync } from 'node:fs';
import { WASI } from 'node:wasi';
import process from 'node:process';

process.removeAllListeners('warning'); // silence "WASI is experimental"

const [mode, file, ...rest] = process.argv.slice(2);
const opts = { env: {}, preopens: {}, args: [], stdin: 0, times: 1, positional: [] };
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (a === '--') { opts.args = rest.slice(i + 1); break; }
  else if (a === '--stdin') opts.stdin = openSync(rest[++i], 'r');
  else if (a === '--env') { const [k, ...v] = rest[++i].split('='); opts.env[k] = v.join('='); }
  else if (a === '--dir') { const [h, g] = rest[++i].split(':'); opts.preopens[g] = h; }
  else if (a === '--times') opts.times = Number(rest[++i]);
  else opts.positional.push(a);
}

const wasi = new WASI({
  version: 'preview1', args: [file, ...opts.args], env: opts.env,
  preopens: opts.preopens, stdin: opts.stdin, stdout: 1, stderr: 2, returnOnExit: true,
});
const module = new WebAssembly.Module(readFileSync(file));
const needsWasi = WebAssembly.Module.imports(module).length > 0;
const instance = new WebAssembly.Instance(module, needsWasi ? wasi.getImportObject() : {});
const ex = instance.exports;

if (mode === 'cmd') {
  const code = wasi.start(instance);
  process.exitCode = code;
} else if (mode === 'reactor') {
  if (ex._initialize) wasi.initialize(instance);
  if (ex.ubiq_init) ex.ubiq_init();
  const req = Buffer.from(opts.positional[0] ?? '');
  for (let t = 0; t < opts.times; t++) {
    const ptr = ex.ubiq_alloc(req.length) >>> 0;
    new Uint8Array(ex.memory.buffer, ptr, req.length).set(req);
    const packed = BigInt.asUintN(64, ex.ubiq_handle(ptr, req.length));
    const rptr = Number(packed >> 32n), rlen = Number(packed & 0xffffffffn);
    console.log(Buffer.from(new Uint8Array(ex.memory.buffer, rptr, rlen)).toString());
  }
} else if (mode === 'call') {
  const [fn, ...args] = opts.positional;
  if (ex._initialize) wasi.initialize(instance);
  console.log(String(ex[fn](...args.map(Number))));
} else {
  console.error('usage: node run-node.mjs cmd|reactor|call FILE.wasm ...');
  process.exitCode = 2;
}
