// Preloaded into the CLI under test with `node --import`: appends every outgoing TCP connection
// the process really attempts ("host port" per line) to $OUTPOST_TEST_CONNECTION_LOG, and every
// module specifier naming node-llama-cpp or the code index it resolves to $OUTPOST_TEST_MODULE_LOG. It wraps
// `net.Socket.prototype.connect` before Outpost starts, so Outpost's offline guard (installed
// later, around it) lets through only what reaches this log.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import net from 'node:net';

const connectionLog = process.env.OUTPOST_TEST_CONNECTION_LOG;
if (connectionLog) {
  appendFileSync(connectionLog, '');
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function recordedConnect(...args) {
    let options = args[0];
    if (Array.isArray(options)) options = options[0];
    if (typeof options === 'object' && options !== null) {
      if (typeof options.path !== 'string') {
        appendFileSync(connectionLog, `${options.host ?? 'localhost'} ${options.port}\n`);
      }
    } else if (options !== undefined && typeof args[0] !== 'string') {
      appendFileSync(connectionLog, `${args[1] ?? 'localhost'} ${options}\n`);
    }
    return connect.apply(this, args);
  };
}

if (process.env.OUTPOST_TEST_MODULE_LOG) {
  register('./record-modules-hooks.mjs', import.meta.url, {
    data: { log: process.env.OUTPOST_TEST_MODULE_LOG },
  });
}
