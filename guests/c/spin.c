/*
 * spin.c -- WASI command (_start) that never terminates and prints nothing.
 * `stop` is volatile, so clang -O2 must reload it on every iteration and the
 * loop survives as a wasm `loop ... br_if`. The host must interrupt it
 * (timeout / epoch / fuel).
 */
volatile int stop = 0;
volatile unsigned long long counter = 0;

int main(void) {
    while (!stop) {
        counter++;
    }
    return 0;
}
