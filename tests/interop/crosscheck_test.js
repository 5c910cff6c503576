// Cross-check of mq's codec with mqtt-packet, an independent implementation.
//
// For every packet mqtt-packet's generator writes (generate_cases.js: every
// type at levels 3, 4 and 5, every property it supports, duplicate user
// property keys, will, credentials, all QoS and flags):
//   1. decode: `mqdump --json` of those bytes holds the fields mqtt-packet
//      was given (to_mq_json.js translates the names);
//   2. encode: the same fields written as mqdump JSON and turned into bytes
//      by `mqdump --encode` are the bytes mqtt-packet wrote, and mqtt-packet's
//      parser reads them back to the same object.
// Then packets mqtt-packet cannot generate (spec-valid forms it does not
// write) are encoded by mqdump and given to mqtt-packet's parser; where that
// parser deviates from the specification the case is listed in
// PARSER_EXCEPTIONS with the reason, and the test checks it still deviates
// in exactly that way (so the list cannot go stale silently).
//
// Usage: node crosscheck_test.js MQDUMP
'use strict';
const { spawnSync } = require('child_process');
const { generateAll, loadMqttPacket } = require('./generate_cases');
const { toMqJson } = require('./to_mq_json');

const mqdump = process.argv[2];
if (!mqdump) {
  console.error('usage: node crosscheck_test.js MQDUMP');
  process.exit(2);
}
const mqtt = loadMqttPacket();

/// Runs mqdump; returns stdout, or throws with its stderr.
function run(args, input) {
  const r = spawnSync(mqdump, args, { input, encoding: 'utf8', timeout: 10000 });
  if (r.error) throw new Error(`mqdump ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`mqdump ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/// Parses bytes with mqtt-packet at `version`: the packet, or throws its error.
function parseWithMqttPacket(bytes, version) {
  const parser = mqtt.parser({ protocolVersion: version });
  const packets = [];
  let error = null;
  parser.on('packet', (p) => packets.push(p));
  parser.on('error', (e) => { error = e; });
  parser.parse(bytes);
  if (error) throw new Error(`mqtt-packet parser: ${error.message}`);
  if (packets.length !== 1) throw new Error(`mqtt-packet parser emitted ${packets.length} packets, expected 1`);
  return packets[0];
}

/// Paths where `actual` differs from `expected`; objects in `expected` are
/// compared on their own keys only (mqdump adds names, offsets and so on).
function differences(expected, actual, path = '') {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => differences(e, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    }
    return Object.keys(expected).flatMap((k) => differences(expected[k], actual[k], path ? `${path}.${k}` : k));
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/// mqtt-packet's parsed object without what depends on the input buffer.
function comparable(p) {
  const out = JSON.parse(JSON.stringify(p));
  delete out.length;
  return out;
}

const LEVEL_OPTION = { 3: '31', 4: '311', 5: '5' };
let passed = 0;
let failed = 0;

/// Runs one named check; a thrown error or a returned list of problems fails it.
function check(name, fn) {
  let problems;
  try {
    problems = fn() || [];
  } catch (e) {
    problems = [e.message];
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${name}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
  }
}

for (const c of generateAll()) {
  const label = `${c.name} (level ${c.version})`;
  const expected = toMqJson(c.packet, c.version);
  const bytes = Buffer.from(c.hex, 'hex');

  check(`decode ${label}`, () => {
    const out = run(['--json', '--show-secrets', '-V', LEVEL_OPTION[c.version], c.hex]).trim().split('\n');
    if (out.length !== 1) return [`mqdump wrote ${out.length} lines, expected 1`];
    const got = JSON.parse(out[0]);
    return differences({ ...expected, length: bytes.length }, got);
  });

  check(`encode ${label}`, () => {
    const hex = run(['--encode', '--hex', '-V', LEVEL_OPTION[c.version]], JSON.stringify(expected) + '\n').trim();
    const problems = [];
    if (hex !== c.hex) problems.push(`mqdump --encode wrote ${hex}\n  mqtt-packet wrote  ${c.hex}`);
    const ours = comparable(parseWithMqttPacket(Buffer.from(hex, 'hex'), c.version));
    const theirs = comparable(parseWithMqttPacket(bytes, c.version));
    problems.push(...differences(theirs, ours).map((d) => `parsed back: ${d}`));
    return problems;
  });
}

// Spec-valid packets mqtt-packet's generator does not write, as mqdump JSON,
// each with what mqtt-packet's parser must read from mqdump's bytes.
const BEYOND_GENERATOR = [
  {
    name: 'PUBACK at 5.0, shortest form (reason code and properties omitted) [MQTT-3.4.2.1]',
    json: { type: 'PUBACK', version: '5.0', packet_id: 3, reason_code: 0, tail: 'shortest' },
    hex: '40020003', expect: { cmd: 'puback', messageId: 3 },
  },
  {
    name: 'DISCONNECT at 5.0 with reason code only',
    json: { type: 'DISCONNECT', version: '5.0', reason_code: 0x8e, tail: 'reason-only' },
    hex: 'e0018e', expect: { cmd: 'disconnect', reasonCode: 0x8e },
  },
  {
    name: 'AUTH at 5.0 with remaining length 0 (Success, no properties) [MQTT-3.15.2.1]',
    json: { type: 'AUTH', version: '5.0', reason_code: 0, tail: 'shortest' },
    hex: 'f000', expect: { cmd: 'auth', reasonCode: 0 },
  },
];

// Where mqtt-packet's parser (the pinned version) departs from the
// specification, by case name: the error it gives and why it is wrong.
const PARSER_EXCEPTIONS = {
  'AUTH at 5.0 with remaining length 0 (Success, no properties) [MQTT-3.15.2.1]': {
    error: 'Invalid auth reason code',
    why: 'MQTT 5.0 section 3.15.2.1: "The Reason Code and Property Length can be omitted if the Reason Code ' +
         'is 0x00 (Success) and there are no Properties. In this case the AUTH has a Remaining Length of 0." ' +
         'mqtt-packet reads a reason code byte that is not there.',
  },
};

for (const b of BEYOND_GENERATOR) {
  check(`beyond the generator: ${b.name}`, () => {
    const hex = run(['--encode', '--hex'], JSON.stringify(b.json) + '\n').trim();
    if (hex !== b.hex) return [`mqdump --encode wrote ${hex}, the specification's layout is ${b.hex}`];
    const exception = PARSER_EXCEPTIONS[b.name];
    let parsed;
    try {
      parsed = parseWithMqttPacket(Buffer.from(hex, 'hex'), 5);
    } catch (e) {
      if (exception && e.message.includes(exception.error)) return [];
      return [e.message];
    }
    if (exception) return [`mqtt-packet now accepts it: remove the exception (${exception.why})`];
    return differences(b.expect, parsed);
  });
}

console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
