// Measures mqtt-packet's parser on a stream file written by mq_codec_bench:
// the file is fed in 64 KiB chunks, 'packet' events are counted, and the best
// of N timed passes (after one warm-up pass) is printed as one JSON line.
// Usage: node mqtt_packet_bench.js FILE LEVEL [REPS]
'use strict';
const fs = require('fs');
const path = require('path');

const modules = path.join(__dirname, '..', 'interop', 'node_modules');
let mqttPacket;
try {
  mqttPacket = require(path.join(modules, 'mqtt-packet'));
} catch (e) {
  console.error(`mqtt-packet is not installed: run npm ci in tests/interop (${e.code})`);
  process.exit(2);
}
const version = require(path.join(modules, 'mqtt-packet', 'package.json')).version;

const [file, levelArg, repsArg] = process.argv.slice(2);
if (!file || !levelArg) {
  console.error('usage: node mqtt_packet_bench.js FILE LEVEL [REPS]');
  process.exit(2);
}
const level = Number(levelArg);
const reps = Number(repsArg || 5);
const stream = fs.readFileSync(file);
const CHUNK = 64 * 1024;

// One pass over the stream; returns [seconds, packets, errors].
function pass() {
  const parser = mqttPacket.parser({ protocolVersion: level });
  let packets = 0;
  let errors = 0;
  let sum = 0;
  parser.on('packet', (p) => { packets++; sum += p.messageId; });
  parser.on('error', () => { errors++; });
  const t0 = process.hrtime.bigint();
  for (let at = 0; at < stream.length; at += CHUNK) {
    parser.parse(stream.subarray(at, Math.min(at + CHUNK, stream.length)));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return [seconds, packets, errors, sum];
}

pass();  // warm-up
let best = Infinity;
let packets = 0;
let errors = 0;
for (let i = 0; i < reps; i++) {
  const [s, n, e] = pass();
  best = Math.min(best, s);
  packets = n;
  errors += e;
}
if (errors) {
  console.error(`mqtt-packet reported ${errors} parse errors`);
  process.exit(1);
}
console.log(JSON.stringify({ version, level, bytes: stream.length, packets, seconds: best }));
