// Runs mqbroker on port 0 and drives it with MQTT.js (npm mqtt, pinned in
// package.json), an independent client, at MQTT 3.1, 3.1.1 and 5.0: QoS
// 0/1/2, retained messages, wills, persistent sessions, shared subscriptions,
// the WebSocket listener, passwords and ACLs. Every wait has a deadline;
// nothing sleeps.
// Usage: node broker_mqttjs_test.js /path/to/mqbroker
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

let mqtt;
try {
  mqtt = require('mqtt');
} catch (e) {
  const why = `mqtt is not installed: run 'npm ci' in ${__dirname}`;
  if (process.env.CI === 'true') { console.error(`FAILED: ${why} (CI=true, and CI installs it)`); process.exit(1); }
  console.error(`SKIPPED: ${why}`);
  process.exit(77);
}

const MQBROKER = process.argv[2];
const TIMEOUT = 20000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqbroker_mqttjs_'));

function deadline(promise, what) {
  let t;
  return Promise.race([promise, new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT);
  })]).finally(() => clearTimeout(t));
}

function startBroker(config) {
  const conf = path.join(dir, 'broker.conf');
  fs.writeFileSync(conf, config);
  const expected = config.split('\n').filter((l) => l.startsWith('listener ')).length;
  const proc = spawn(MQBROKER, ['-c', conf], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => proc.kill('SIGKILL'), 240000);  // the whole run's limit
  return deadline(new Promise((resolve, reject) => {
    const listeners = [];
    let buf = '';
    proc.on('exit', (code) => reject(new Error(`mqbroker exited with ${code}`)));
    proc.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [word, kind, addr] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (word !== 'listening') return reject(new Error(`unexpected line ${word}`));
        listeners.push({ kind, port: Number(addr.slice(addr.lastIndexOf(':') + 1)) });
        if (listeners.length === expected) {
          proc.removeAllListeners('exit');
          resolve({ proc, killer, listeners, port: (k) => listeners.find((l) => l.kind === k).port });
        }
      }
    });
  }), 'mqbroker to print its listeners');
}

function stopBroker(b) {
  return deadline(new Promise((resolve) => {
    b.proc.on('exit', (code) => { clearTimeout(b.killer); resolve(code); });
    b.proc.kill('SIGTERM');
  }), 'mqbroker to stop');
}

/** Connects; resolves with the client once CONNACK accepted it, rejects with the error otherwise. */
function connect(url, opts) {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: TIMEOUT, ...opts });
  c.inbox = [];
  c.waiters = [];
  c.on('message', (topic, payload, packet) => {
    c.inbox.push({ topic, payload: payload.toString(), packet });
    while (c.waiters.length && c.inbox.length) c.waiters.shift()(c.inbox.shift());
  });
  c.next = () => deadline(new Promise((resolve) => {
    if (c.inbox.length) resolve(c.inbox.shift()); else c.waiters.push(resolve);
  }), 'a message');
  return deadline(new Promise((resolve, reject) => {
    c.once('connect', (connack) => { c.connack = connack; resolve(c); });
    c.once('error', (e) => { c.end(true); reject(e); });
  }), `CONNECT to ${url}`);
}

const sub = (c, topic, qos) => deadline(c.subscribeAsync(topic, { qos }), `SUBACK for ${topic}`);
const pub = (c, topic, msg, opts) => deadline(c.publishAsync(topic, msg, opts), `ack for ${topic}`);
const end = (c, force = false) => deadline(c.endAsync(force), 'client end');

let failures = 0;
async function test(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}
function equal(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Capability keys: what a 5.0 CONNACK advertises and how the broker enforces it. */
async function capabilities() {
  const b = await startBroker(`listener 0 127.0.0.1
allow_anonymous true
receive_maximum 5
maximum_qos 1
retain_available false
wildcard_subscription_available false
shared_subscription_available false
subscription_identifier_available false
max_topic_alias 3
max_packet_size 2000
min_keepalive 30
max_client_id_length 12
persistent_client_expiration 2h
auto_id_prefix js-
`);
  const url = `mqtt://127.0.0.1:${b.listeners[0].port}`;
  await test('capabilities advertised in CONNACK (MQTT.js)', async () => {
    const c = await connect(url, { protocolVersion: 5, clientId: '', keepalive: 10,
      properties: { sessionExpiryInterval: 0xFFFFFFFF } });
    const p = c.connack.properties;
    equal([p.receiveMaximum, p.maximumQoS, p.retainAvailable, p.wildcardSubscriptionAvailable,
      p.sharedSubscriptionAvailable, p.subscriptionIdentifiersAvailable, p.topicAliasMaximum,
      p.maximumPacketSize, p.serverKeepAlive, p.sessionExpiryInterval],
    [5, 1, false, false, false, false, 3, 2000, 30, 7200], 'CONNACK properties');
    if (!p.assignedClientIdentifier.startsWith('js-')) throw new Error(`assigned ${p.assignedClientIdentifier}`);
    await end(c);
  });
  await test('capabilities enforced (MQTT.js)', async () => {
    const c = await connect(url, { protocolVersion: 5, clientId: 'js-enforce' });  // 12 bytes: the limit
    for (const [filter, code] of [['a/+', 0xA2], ['$share/g/a', 0x9E]]) {
      let refused;
      try { await sub(c, filter, 0); } catch (e) { refused = e; }
      equal(refused && refused.packet && refused.packet.granted, [code], `SUBACK ${filter}`);
    }
    equal((await sub(c, 'a/b', 2)).map((g) => g.qos), [1], 'granted QoS capped at maximum_qos');
    const gone = new Promise((resolve) => c.once('disconnect', (packet) => resolve(packet.reasonCode)));
    c.publish('a/b', 'x', { qos: 0, retain: true });
    equal(await deadline(gone, 'DISCONNECT'), 0x9A, 'DISCONNECT reason for a retained PUBLISH');
    c.end(true);
    let err;
    try { await connect(url, { protocolVersion: 5, clientId: 'thirteen-char' }); } catch (e) { err = e; }
    equal(err && err.code, 0x85, 'CONNACK for a 13-byte client id');
  });
  equal(await stopBroker(b), 0, 'exit status after SIGTERM');
  const r = await startBroker('listener 0 127.0.0.1\nallow_anonymous true\nserver_reference other.example:8883 moved\n');
  await test('server_reference redirects with 0x9D and Server Reference (MQTT.js)', async () => {
    let err;
    try { await connect(`mqtt://127.0.0.1:${r.listeners[0].port}`, { protocolVersion: 5 }); } catch (e) { err = e; }
    equal(err && err.code, 0x9D, 'CONNACK reason');
  });
  equal(await stopBroker(r), 0, 'exit status after SIGTERM');
}

async function main() {
  const pw = path.join(dir, 'passwords');
  const acl = path.join(dir, 'acl');
  for (const [u, p] of [['alice', 'alice-pw'], ['bob', 'bob-pw']]) {
    const r = spawnSync(MQBROKER, ['passwd', pw, 'add', u, p], { timeout: TIMEOUT });
    if (r.status !== 0) throw new Error(`passwd failed: ${r.stderr}`);
  }
  fs.writeFileSync(acl, 'topic readwrite #\nuser alice\ntopic read allowed/#\ntopic write data/#\nuser bob\ntopic readwrite #\n');
  const b = await startBroker(`per_listener_settings true
listener 0 127.0.0.1
allow_anonymous true
listener 0 127.0.0.1
protocol websockets
allow_anonymous true
listener 0 127.0.0.1
password_file ${pw}
acl_file ${acl}
`);
  const tcp = `mqtt://127.0.0.1:${b.listeners[0].port}`;
  const ws = `ws://127.0.0.1:${b.port('ws')}/mqtt`;
  const secure = `mqtt://127.0.0.1:${b.listeners[2].port}`;

  for (const protocolVersion of [3, 4, 5]) {
    const v = { protocolVersion, ...(protocolVersion === 3 ? { protocolId: 'MQIsdp' } : {}) };
    await test(`QoS 0, 1, 2 at protocol level ${protocolVersion}`, async () => {
      const s = await connect(tcp, v);
      const p = await connect(ws, v);
      await sub(s, `q/${protocolVersion}/#`, 2);
      for (const qos of [0, 1, 2]) await pub(p, `q/${protocolVersion}/${qos}`, `m${qos}`, { qos });
      const got = [await s.next(), await s.next(), await s.next()];
      equal(got.map((m) => [m.topic, m.payload, m.packet.qos]),
        [0, 1, 2].map((q) => [`q/${protocolVersion}/${q}`, `m${q}`, q]), 'messages');
      await end(s); await end(p);
    });
    await test(`retained message replaced and deleted at level ${protocolVersion}`, async () => {
      const p = await connect(tcp, v);
      await pub(p, `r/${protocolVersion}`, 'one', { qos: 1, retain: true });
      await pub(p, `r/${protocolVersion}`, 'two', { qos: 1, retain: true });
      const s = await connect(tcp, v);
      await sub(s, `r/${protocolVersion}`, 1);
      const m = await s.next();
      equal([m.payload, m.packet.retain], ['two', true], 'retained');
      await pub(p, `r/${protocolVersion}`, '', { qos: 1, retain: true });
      await pub(p, `r/${protocolVersion}/marker`, 'x', { qos: 1, retain: true });
      const s2 = await connect(tcp, v);
      await sub(s2, `r/${protocolVersion}/#`, 1);
      await sub(s2, `r/${protocolVersion}`, 1);
      equal((await s2.next()).topic, `r/${protocolVersion}/marker`, 'only the marker is retained');
      await pub(p, `r/${protocolVersion}/marker`, '', { qos: 1, retain: true });
      await end(s2); await end(s); await end(p);
    });
    await test(`will on a dropped connection at level ${protocolVersion}`, async () => {
      const w = await connect(tcp, v);
      await sub(w, `w/${protocolVersion}`, 1);
      const d = await connect(tcp, { ...v, will: { topic: `w/${protocolVersion}`, payload: 'gone', qos: 1 } });
      d.stream.destroy();  // no DISCONNECT
      equal((await w.next()).payload, 'gone', 'will');
      d.end(true);
      await end(w);
    });
    await test(`persistent session across client restarts at level ${protocolVersion}`, async () => {
      const id = `mqttjs-persist-${protocolVersion}`;
      const keep = protocolVersion === 5 ? { clean: false, properties: { sessionExpiryInterval: 300 } } : { clean: false };
      const s = await connect(tcp, { ...v, clientId: id, ...keep });
      await sub(s, `p/${protocolVersion}`, 1);
      await end(s);
      const p = await connect(tcp, v);
      await pub(p, `p/${protocolVersion}`, 'a', { qos: 1 });
      await pub(p, `p/${protocolVersion}`, 'b', { qos: 1 });
      const back = await connect(tcp, { ...v, clientId: id, ...keep });
      // MQTT 3.1 has no Session Present flag (the byte is reserved there).
      if (protocolVersion >= 4) equal(back.connack.sessionPresent, true, 'session present');
      equal([(await back.next()).payload, (await back.next()).payload], ['a', 'b'], 'queued messages');
      await end(back); await end(p);
    });
  }

  await test('shared subscription: each message to one member', async () => {
    const a = await connect(tcp, { protocolVersion: 5 });
    const c = await connect(ws, { protocolVersion: 4 });
    await sub(a, '$share/g/sh', 1);
    await sub(c, '$share/g/sh', 1);
    const p = await connect(tcp, { protocolVersion: 5 });
    for (let i = 0; i < 10; i++) await pub(p, 'sh', String(i), { qos: 1 });
    // Both members' messages are counted as they arrive.
    await deadline(new Promise((resolve) => {
      const check = () => { if (a.inbox.length + c.inbox.length >= 10) resolve(); };
      a.on('message', check); c.on('message', check); check();
    }), 'ten shared deliveries');
    const got = [...a.inbox, ...c.inbox].map((m) => Number(m.payload)).sort((x, y) => x - y);
    equal(got, [...Array(10).keys()], 'each message once');
    if (!a.inbox.length || !c.inbox.length) throw new Error('one member got every message');
    await end(a); await end(c); await end(p);
  });

  await test('wrong password refused, anonymous refused on the secured listener', async () => {
    for (const [opts, code] of [[{ username: 'alice', password: 'nope' }, 134], [{}, 135]]) {
      let err;
      try { await connect(secure, { protocolVersion: 5, ...opts }); } catch (e) { err = e; }
      if (!err || err.code !== code) throw new Error(`expected CONNACK ${code}, got ${err && (err.code || err.message)}`);
    }
    let err;
    try { await connect(secure, { protocolVersion: 4, username: 'alice', password: 'nope' }); } catch (e) { err = e; }
    if (!err || err.code !== 4) throw new Error(`expected return code 4, got ${err && err.code}`);
    await end(await connect(secure, { protocolVersion: 4, username: 'alice', password: 'alice-pw' }));
  });

  await test('a forbidden topic is never delivered', async () => {
    const alice = await connect(secure, { protocolVersion: 5, username: 'alice', password: 'alice-pw' });
    equal((await sub(alice, 'allowed/#', 1)).map((g) => g.qos), [1], 'SUBACK allowed/#');
    let refused;
    try { await sub(alice, 'secret/#', 1); } catch (e) { refused = e; }
    equal(refused && refused.packet && refused.packet.granted, [135], 'SUBACK secret/#');
    const bob = await connect(secure, { protocolVersion: 4, username: 'bob', password: 'bob-pw' });
    await pub(bob, 'secret/x', 'hidden', { qos: 1 });
    await pub(bob, 'allowed/x', 'visible', { qos: 1 });
    equal((await alice.next()).payload, 'visible', 'first delivery');
    await end(alice); await end(bob);
  });

  equal(await stopBroker(b), 0, 'exit status after SIGTERM');
  await capabilities();
}

main().catch((e) => { failures++; console.log(`FAIL ${e.stack || e}`); })
  .finally(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(failures ? `${failures} failed` : 'all passed');
    process.exit(failures ? 1 : 0);
  });
