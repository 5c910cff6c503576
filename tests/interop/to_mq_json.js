// Translates a packet object as mqtt-packet writes and parses it into the
// JSON object mqdump --json writes for the same packet (field names from
// mqdump(1), section JSON OUTPUT). The cross-check compares the two.
'use strict';

const TYPE = {
  connect: 'CONNECT', connack: 'CONNACK', publish: 'PUBLISH', puback: 'PUBACK', pubrec: 'PUBREC',
  pubrel: 'PUBREL', pubcomp: 'PUBCOMP', subscribe: 'SUBSCRIBE', suback: 'SUBACK', unsubscribe: 'UNSUBSCRIBE',
  unsuback: 'UNSUBACK', pingreq: 'PINGREQ', pingresp: 'PINGRESP', disconnect: 'DISCONNECT', auth: 'AUTH',
};
const VERSION = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

// mqtt-packet's property names and mq's property keys (lib/codec/properties.cpp).
const PROPERTY_KEY = {
  payloadFormatIndicator: 'payload-format-indicator',
  messageExpiryInterval: 'message-expiry-interval',
  contentType: 'content-type',
  responseTopic: 'response-topic',
  correlationData: 'correlation-data',
  subscriptionIdentifier: 'subscription-identifier',
  sessionExpiryInterval: 'session-expiry-interval',
  assignedClientIdentifier: 'assigned-client-identifier',
  serverKeepAlive: 'server-keep-alive',
  authenticationMethod: 'authentication-method',
  authenticationData: 'authentication-data',
  requestProblemInformation: 'request-problem-information',
  willDelayInterval: 'will-delay-interval',
  requestResponseInformation: 'request-response-information',
  responseInformation: 'response-information',
  serverReference: 'server-reference',
  reasonString: 'reason-string',
  receiveMaximum: 'receive-maximum',
  topicAliasMaximum: 'topic-alias-maximum',
  topicAlias: 'topic-alias',
  maximumQoS: 'maximum-qos',
  retainAvailable: 'retain-available',
  userProperties: 'user-property',
  maximumPacketSize: 'maximum-packet-size',
  wildcardSubscriptionAvailable: 'wildcard-subscription-available',
  subscriptionIdentifiersAvailable: 'subscription-identifier-available',
  sharedSubscriptionAvailable: 'shared-subscription-available',
};

// mqtt-packet's generator always writes the reason code and the property
// length of a 5.0 PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH, even
// when the specification lets them be omitted (Success, no properties). Both
// forms are valid; mqdump names in "tail" the least the encoder must be told
// to write to reproduce the bytes: "full" when there are no properties, and
// "shortest" when there are (properties force the full form anyway).
const tailOf = (props) => (Object.keys(props).length ? 'shortest' : 'full');

/// A binary value as mqdump writes it: [value, encoding].
function binary(buf) {
  const text = buf.toString('utf8');
  const valid = Buffer.from(text, 'utf8').equals(buf);
  return valid ? [text, 'utf-8'] : [buf.toString('base64'), 'base64'];
}

/// Sets out[name] (and out[name_encoding]) for a Buffer.
function setBinary(out, name, buf) {
  const [value, encoding] = binary(Buffer.isBuffer(buf) ? buf : Buffer.from(buf));
  out[name] = value;
  out[`${name}_encoding`] = encoding;
}

/// mqtt-packet's properties object as mq's: same order, bytes as text or base64,
/// booleans as 0/1, user properties as [key, value] pairs with duplicates in order.
function properties(props) {
  const out = {};
  for (const [name, value] of Object.entries(props || {})) {
    const key = PROPERTY_KEY[name];
    if (!key) throw new Error(`no mq key for mqtt-packet property ${name}`);
    if (name === 'userProperties') {
      out[key] = [];
      for (const [k, v] of Object.entries(value)) {
        for (const one of Array.isArray(value[k]) ? v : [v]) out[key].push([k, String(one)]);
      }
    } else if (name === 'subscriptionIdentifier') {
      out[key] = Array.isArray(value) ? value : [value];
    } else if (Buffer.isBuffer(value)) {
      setBinary(out, key, value);
    } else if (typeof value === 'boolean') {
      out[key] = value ? 1 : 0;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/// The JSON object mqdump --json writes for `p` at level `version` (3, 4, 5),
/// restricted to the fields mqtt-packet knows about.
function toMqJson(p, version) {
  const v5 = version === 5;
  const out = { type: TYPE[p.cmd], version: VERSION[p.cmd === 'connect' ? p.protocolVersion : version] };
  const withProps = () => { if (v5) out.properties = properties(p.properties); };
  switch (p.cmd) {
    case 'connect':
      out.protocol_name = p.protocolId;
      out.protocol_level = p.protocolVersion;
      out.clean_start = p.clean;
      out.keep_alive = p.keepalive;
      withProps();
      out.client_id = p.clientId;
      if (p.will) {
        out.will = { topic: p.will.topic, qos: p.will.qos || 0, retain: !!p.will.retain };
        if (v5) out.will.properties = properties(p.will.properties);
        setBinary(out.will, 'payload', p.will.payload);
      }
      if (p.username !== undefined) out.username = p.username;
      if (p.password !== undefined) setBinary(out, 'password', p.password);
      break;
    case 'connack':
      out.session_present = !!p.sessionPresent;
      out.reason_code = v5 ? p.reasonCode : p.returnCode;
      withProps();
      break;
    case 'publish':
      out.dup = !!p.dup;
      out.qos = p.qos;
      out.retain = !!p.retain;
      out.topic = p.topic;
      if (p.qos > 0) out.packet_id = p.messageId;
      withProps();
      setBinary(out, 'payload', p.payload);
      break;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp':
      out.packet_id = p.messageId;
      if (v5) {
        out.reason_code = p.reasonCode || 0;
        out.properties = properties(p.properties);
        out.tail = tailOf(out.properties);
      }
      break;
    case 'subscribe':
      out.packet_id = p.messageId;
      withProps();
      out.subscriptions = p.subscriptions.map((s) => {
        const sub = { filter: s.topic, qos: s.qos };
        if (v5) Object.assign(sub, { no_local: !!s.nl, retain_as_published: !!s.rap, retain_handling: s.rh || 0 });
        return sub;
      });
      break;
    case 'suback':
      out.packet_id = p.messageId;
      withProps();
      out.reason_codes = p.granted.map((code) => ({ code }));
      break;
    case 'unsubscribe':
      out.packet_id = p.messageId;
      withProps();
      out.filters = p.unsubscriptions;
      break;
    case 'unsuback':
      out.packet_id = p.messageId;
      if (v5) {
        out.properties = properties(p.properties);
        out.reason_codes = (p.granted || []).map((code) => ({ code }));
      }
      break;
    case 'disconnect': case 'auth':
      if (v5) {
        out.reason_code = p.reasonCode || 0;
        out.properties = properties(p.properties);
        out.tail = tailOf(out.properties);
      }
      break;
    default:
      break;
  }
  return out;
}

module.exports = { toMqJson, properties, PROPERTY_KEY };
