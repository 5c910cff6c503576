// Packets of every type at protocol levels 3, 4 and 5, written by
// mqtt-packet's generator (an implementation independent of mq's codec).
// Run as a program it prints one JSON object per line:
//   {"name": ..., "version": 3|4|5, "hex": "<wire bytes>", "packet": <the object given to mqtt-packet>}
// Buffers in "packet" are written as {"hex": "..."}.
'use strict';
const path = require('path');

/// mqtt-packet from tests/interop/node_modules, or a clear error.
function loadMqttPacket() {
  try {
    return require(path.join(__dirname, 'node_modules', 'mqtt-packet'));
  } catch (e) {
    throw new Error(`mqtt-packet is not installed in ${path.join(__dirname, 'node_modules')}: ` +
                    `run "npm ci" in tests/interop (${e.code})`);
  }
}

const buf = (s) => Buffer.from(s);

// User properties with a repeated key: mqtt-packet writes an array value as
// one property per element, in order.
const userProps = { region: 'eu', dup: ['first', 'second'], 'ünï': 'cödé' };

/// Every case: [name, version, packet object].
function cases() {
  const out = [];
  const add = (name, version, packet) => out.push({ name, version, packet });

  for (const v of [3, 4, 5]) {
    const v5 = v === 5;
    const protocolId = v === 3 ? 'MQIsdp' : 'MQTT';
    const props = (p) => (v5 ? { properties: p } : {});

    add('connect-minimal', v, { cmd: 'connect', protocolId, protocolVersion: v, clean: true, clientId: 'c1', keepalive: 0 });
    add('connect-full', v, {
      cmd: 'connect', protocolId, protocolVersion: v, clean: false, clientId: 'sensor-17', keepalive: 65535,
      username: 'alice', password: buf('s3cr\u0000t'),
      will: {
        topic: 'status/sensor-17', payload: buf('gone'), qos: 2, retain: true,
        ...props({
          willDelayInterval: 30, payloadFormatIndicator: true, messageExpiryInterval: 600,
          contentType: 'text/plain', responseTopic: 'replies/17', correlationData: buf([0, 1, 2, 255]),
          userProperties: userProps,
        }),
      },
      ...props({
        sessionExpiryInterval: 3600, receiveMaximum: 20, maximumPacketSize: 1048576, topicAliasMaximum: 10,
        requestResponseInformation: true, requestProblemInformation: false, userProperties: userProps,
        authenticationMethod: 'SCRAM-SHA-1', authenticationData: buf([9, 8, 7]),
      }),
    });
    add('connect-will-qos1', v, {
      cmd: 'connect', protocolId, protocolVersion: v, clean: true, clientId: 'w', keepalive: 10,
      will: { topic: 'w/t', payload: buf(''), qos: 1, retain: false },
    });
    if (v !== 3) {
      add('connect-empty-client-id', v, { cmd: 'connect', protocolId, protocolVersion: v, clean: true, clientId: '', keepalive: 60, username: 'u' });
    }

    if (v5) {
      add('connack-props', v, {
        cmd: 'connack', sessionPresent: true, reasonCode: 0,
        properties: {
          sessionExpiryInterval: 120, receiveMaximum: 100, maximumQoS: 1, retainAvailable: false,
          maximumPacketSize: 65536, assignedClientIdentifier: 'auto-7f3a', topicAliasMaximum: 5,
          reasonString: 'welcome', userProperties: userProps, wildcardSubscriptionAvailable: false,
          subscriptionIdentifiersAvailable: true, sharedSubscriptionAvailable: false, serverKeepAlive: 30,
          responseInformation: 'resp/', serverReference: 'other:1883', authenticationMethod: 'SCRAM-SHA-1',
          authenticationData: buf([1, 2]),
        },
      });
      add('connack-refused', v, { cmd: 'connack', sessionPresent: false, reasonCode: 0x87 });
    } else {
      add('connack-accepted', v, { cmd: 'connack', sessionPresent: v === 4, returnCode: 0 });
      add('connack-refused', v, { cmd: 'connack', sessionPresent: false, returnCode: 5 });
    }

    add('publish-qos0', v, { cmd: 'publish', topic: 'a/b', payload: buf('hello'), qos: 0, dup: false, retain: false });
    add('publish-qos0-retain-empty', v, { cmd: 'publish', topic: 'a/b', payload: buf(''), qos: 0, dup: false, retain: true });
    add('publish-qos1-dup', v, { cmd: 'publish', topic: 'x/y/z', payload: buf([0, 255, 10]), qos: 1, dup: true, retain: false, messageId: 1 });
    add('publish-qos2', v, {
      cmd: 'publish', topic: 'sensors/t', payload: buf('{"t":21.5}'), qos: 2, dup: false, retain: true, messageId: 65535,
      ...props({
        payloadFormatIndicator: true, messageExpiryInterval: 86400, topicAlias: 3, responseTopic: 'r/t',
        correlationData: buf('corr'), userProperties: userProps, subscriptionIdentifier: 268435455,
        contentType: 'application/json',
      }),
    });
    if (v5) {
      add('publish-subids', v, {
        cmd: 'publish', topic: 't', payload: buf('p'), qos: 1, dup: false, retain: false, messageId: 2,
        properties: { subscriptionIdentifier: [1, 128, 16384] },
      });
    }

    for (const cmd of ['puback', 'pubrec', 'pubrel', 'pubcomp']) {
      add(cmd, v, { cmd, messageId: 42 });
      if (v5) {
        const code = cmd === 'pubrel' || cmd === 'pubcomp' ? 0x92 : 0x10;
        add(`${cmd}-reason`, v, { cmd, messageId: 7, reasonCode: code });
        add(`${cmd}-props`, v, { cmd, messageId: 8, reasonCode: 0, properties: { reasonString: 'why', userProperties: userProps } });
      }
    }

    add('subscribe', v, {
      cmd: 'subscribe', messageId: 5,
      subscriptions: v5
        ? [
            { topic: 'a/+/c', qos: 0, nl: false, rap: false, rh: 0 },
            { topic: 'b/#', qos: 1, nl: true, rap: false, rh: 1 },
            { topic: '$share/g/d', qos: 2, nl: false, rap: true, rh: 2 },
          ]
        : [{ topic: 'a/+/c', qos: 0 }, { topic: 'b/#', qos: 1 }, { topic: '#', qos: 2 }],
      ...props({ subscriptionIdentifier: 77, userProperties: userProps }),
    });
    add('suback', v, {
      cmd: 'suback', messageId: 5,
      granted: v5 ? [0, 1, 2, 0x80, 0x87, 0x9e] : v === 4 ? [0, 1, 2, 128] : [0, 1, 2],
      ...props({ reasonString: 'partly', userProperties: userProps }),
    });
    add('unsubscribe', v, {
      cmd: 'unsubscribe', messageId: 6, unsubscriptions: ['a/+/c', 'b/#'],
      ...props({ userProperties: userProps }),
    });
    if (v5) {
      add('unsuback', v, { cmd: 'unsuback', messageId: 6, granted: [0, 0x11, 0x87], properties: { reasonString: 'r' } });
    } else {
      add('unsuback', v, { cmd: 'unsuback', messageId: 6 });
    }
    add('pingreq', v, { cmd: 'pingreq' });
    add('pingresp', v, { cmd: 'pingresp' });
    add('disconnect', v, { cmd: 'disconnect' });
    if (v5) {
      add('disconnect-props', v, {
        cmd: 'disconnect', reasonCode: 0x04,
        properties: { sessionExpiryInterval: 0, reasonString: 'bye', userProperties: userProps, serverReference: 's2' },
      });
      add('auth', v, {
        cmd: 'auth', reasonCode: 0x18,
        properties: { authenticationMethod: 'SCRAM-SHA-1', authenticationData: buf([0, 1]), reasonString: 'more', userProperties: userProps },
      });
    }
  }
  return out;
}

/// JSON with Buffers as {"hex": "..."}.
function toJson(value) {
  return JSON.stringify(value, function (key, v) {
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { hex: raw.toString('hex') } : v;
  });
}

/// Generates every case's bytes; throws if mqtt-packet refuses one.
function generateAll() {
  const mqtt = loadMqttPacket();
  return cases().map((c) => ({ ...c, hex: mqtt.generate(c.packet, { protocolVersion: c.version }).toString('hex') }));
}

module.exports = { cases, generateAll, loadMqttPacket, toJson };

if (require.main === module) {
  for (const c of generateAll()) {
    process.stdout.write(toJson({ name: c.name, version: c.version, hex: c.hex, packet: c.packet }) + '\n');
  }
}
