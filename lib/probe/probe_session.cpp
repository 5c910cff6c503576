// Time-bound behaviour: sessions kept and expired, messages expired, the
// will delayed, idle clients closed. Session and message expiry share one
// pause of kExpiryPause, so the whole family costs about three seconds
// plus the answer waits.

#include <fmt/format.h>

#include "probe/prober.hpp"

namespace mq::probe {

namespace {

using std::chrono::milliseconds;

/// Long enough for a 1-second expiry to have passed, whatever the broker's
/// clock granularity (whole seconds).
constexpr milliseconds kExpiryPause{2200};

ByteView bytes(std::string_view s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Connects `id` with clean start `clean` and Session Expiry `expiry` (5.0).
Opened connect_as(Prober& p, const std::string& id, bool clean, std::uint32_t expiry) {
  ConnectSpec spec;
  spec.version = p.version;
  spec.client_id = id;
  spec.clean_start = clean;
  if (expiry) spec.properties.push_back(Property{PropertyId::SessionExpiryInterval, expiry, {}, {}});
  return p.open(spec);
}

void publish_expiring(Prober& p, Link& link, const std::string& topic, std::string_view body, std::uint32_t expiry) {
  Publish m;
  m.topic = topic;
  m.qos = 1;
  m.packet_id = p.packet_id();
  m.payload = bytes(body);
  if (p.v5()) m.properties.push_back(Property{PropertyId::MessageExpiryInterval, expiry, {}, {}});
  p.publish(link, m);
}

void probe_expiry(Prober& p) {
  const bool v5 = p.v5();
  const std::string short_id = p.client_id("expire"), long_id = p.client_id("keep");
  const std::string topic = p.topic("expiry");
  // The kept session subscribes, then goes away.
  // Before 5.0 only clean session 0 makes a session outlive its connection.
  Opened keep = connect_as(p, long_id, v5, 60);
  const Answer subscribed = keep.accepted() ? p.subscribe(*keep.link, topic, 1) : Answer{};
  if (subscribed.kind != Answer::Ok) {
    const std::string why = keep.accepted() ? "the subscriber's SUBSCRIBE: " + subscribed.text() : "the subscriber: " + keep.text();
    p.report.add("persistent_sessions", "Sessions kept", Status::Unknown, {}, why);
    p.report.add("session_expiry", "Session expiry honoured", v5 ? Status::Unknown : Status::NotApplicable, {}, why);
    p.report.add("message_expiry", "Message expiry honoured", v5 ? Status::Unknown : Status::NotApplicable, {}, why);
    return;
  }
  std::string override_note;
  if (const auto* c = keep.connack())
    if (const auto* e = find(c->properties, PropertyId::SessionExpiryInterval))
      override_note = fmt::format(" (CONNACK Session Expiry Interval {})", e->number);
  keep.link->disconnect(p.config().wait);
  Opened brief = v5 ? connect_as(p, short_id, true, 1) : Opened{};
  if (brief.link) brief.link->disconnect(p.config().wait);
  if (auto pub = p.client("expiry-pub")) {
    publish_expiring(p, *pub, topic, "expires", 1);
    publish_expiring(p, *pub, topic, "stays", 60);
    p.close(pub);
  }
  p.pause(kExpiryPause);
  const double paused = std::chrono::duration<double>(kExpiryPause).count();

  Opened back = connect_as(p, long_id, false, 60);
  const bool present = back.accepted() && back.connack()->session_present;
  bool got_expiring = false, got_staying = false;
  std::string remaining;
  if (present) {
    for (int k = 0; k < 2; ++k) {
      Received r;
      if (!p.receive(*back.link, topic, r)) break;
      const auto& m = std::get<Publish>(r.packet);
      const std::string body(m.payload.begin(), m.payload.end());
      got_expiring = got_expiring || body == "expires";
      if (body == "stays") {
        got_staying = true;
        if (const auto* e = find(m.properties, PropertyId::MessageExpiryInterval))
          remaining = fmt::format(", Message Expiry Interval {} left of 60", e->number);
      }
    }
  }
  // Leave no session behind.
  if (back.link) back.link->disconnect(p.config().wait);
  Opened clear = connect_as(p, long_id, true, 0);
  if (clear.link) clear.link->disconnect(p.config().wait);

  const std::string kept = fmt::format("{} 60 s: session present {} after {:.1f} s{}", v5 ? "expiry" : "clean session 0,",
                                       present ? 1 : 0, paused, override_note);
  if (!back.accepted())
    p.report.add("persistent_sessions", "Sessions kept", Status::Unknown, {}, "reconnecting: " + back.text());
  else
    p.report.measured("persistent_sessions", "Sessions kept", present, kept);
  if (v5) {
    Opened again = connect_as(p, short_id, false, 0);
    if (!again.accepted()) {
      p.report.add("session_expiry", "Session expiry honoured", Status::Unknown, {}, "reconnecting: " + again.text());
    } else {
      const bool expired = !again.connack()->session_present;
      p.report.measured("session_expiry", "Session expiry honoured", present && expired,
                        fmt::format("{}; expiry 1 s: session present {} after {:.1f} s", kept, expired ? 0 : 1, paused));
    }
    if (again.link) again.link->disconnect(p.config().wait);
    const std::string mdetail =
        fmt::format("queued for the kept session: expiry 1 s {}, expiry 60 s {}{} after {:.1f} s",
                    got_expiring ? "delivered" : "dropped", got_staying ? "delivered" : "not delivered", remaining, paused);
    if (!got_staying) p.report.add("message_expiry", "Message expiry honoured", Status::Unknown, {}, mdetail);
    else p.report.measured("message_expiry", "Message expiry honoured", !got_expiring, mdetail);
  } else {
    p.report.add("session_expiry", "Session expiry honoured", Status::NotApplicable, {}, "MQTT 5.0 only");
    p.report.add("message_expiry", "Message expiry honoured", Status::NotApplicable, {}, "MQTT 5.0 only");
  }
}

void probe_will(Prober& p) {
  const bool v5 = p.v5();
  const std::string topic = p.topic("will");
  auto sub = p.client("will-sub");
  auto unknown = [&](const std::string& why) {
    p.report.add("will_messages", "Will messages", Status::Unknown, {}, why);
    if (v5) p.report.add("will_delay", "Will delay honoured", Status::Unknown, {}, why);
    else p.report.add("will_delay", "Will delay honoured", Status::NotApplicable, {}, "MQTT 5.0 only");
  };
  if (!sub) return unknown("the subscriber was refused");
  if (const Answer a = p.subscribe(*sub, topic, 0); a.kind != Answer::Ok) return unknown("the subscriber's SUBSCRIBE: " + a.text());
  const std::uint32_t delay = v5 ? 1 : 0;
  ConnectSpec spec;
  spec.version = p.version;
  spec.client_id = p.client_id("will");
  Will w;
  w.topic = topic;
  w.payload = bytes("gone");
  if (v5) {
    w.properties.push_back(Property{PropertyId::WillDelayInterval, delay, {}, {}});
    spec.properties.push_back(Property{PropertyId::SessionExpiryInterval, 10, {}, {}});
  }
  spec.will = w;
  Opened o = p.open(spec);
  if (!o.accepted()) return unknown("the client with a will was refused: " + o.text());
  o.link->abort();  // a lost connection, not a DISCONNECT: the will is due
  const auto lost = std::chrono::steady_clock::now();
  Received r;
  // Brokers that count the delay in whole seconds and run wills from a
  // once-a-second timer (mosquitto) publish up to two seconds late, more on
  // a loaded machine: allow for that beyond the answer wait.
  const bool got = p.receive(*sub, topic, r, milliseconds(delay * 1000) + std::max(p.config().wait, milliseconds(4000)));
  const double after = seconds_since(lost);
  p.close(sub);
  // Clear the session the will's client left (its expiry is 10 s).
  Opened clear = connect_as(p, spec.client_id, true, 0);
  if (clear.link) clear.link->disconnect(p.config().wait);
  p.report.measured("will_messages", "Will messages", got,
                    got ? fmt::format("published {:.2f} s after the connection was lost", after) : "not published");
  if (!v5)
    p.report.add("will_delay", "Will delay honoured", Status::NotApplicable, {}, "MQTT 5.0 only");
  else if (!got)
    p.report.add("will_delay", "Will delay honoured", Status::Unknown, {},
                 fmt::format("Will Delay Interval 1 s: not published within {:.1f} s", after));
  else
    p.report.measured("will_delay", "Will delay honoured", after >= 0.9,
                      fmt::format("Will Delay Interval 1 s: published after {:.2f} s", after));
}

/// A fresh connection at the probe level asking for keep alive `seconds`.
Opened connect_keep_alive(Prober& p, std::string_view tag, std::uint16_t seconds) {
  ConnectSpec spec;
  spec.version = p.version;
  spec.client_id = p.client_id(tag);
  spec.keep_alive = seconds;
  return p.open(spec);
}

void probe_keep_alive_impl(Prober& p) {
  if (p.v5()) {
    Opened o = connect_keep_alive(p, "ka", 65535);
    if (!o.accepted()) {
      p.report.add("server_keep_alive", "Server Keep Alive", Status::Unknown, {}, o.text());
    } else if (const auto* k = find(o.connack()->properties, PropertyId::ServerKeepAlive)) {
      p.report.measured("server_keep_alive", "Server Keep Alive", std::int64_t{k->number},
                        fmt::format("asked 65535 s, CONNACK Server Keep Alive {}", k->number));
    } else {
      p.report.measured("server_keep_alive", "Server Keep Alive", std::int64_t{65535}, "asked 65535 s, no Server Keep Alive: as asked");
    }
    if (o.link) o.link->disconnect(p.config().wait);
  } else {
    p.report.add("server_keep_alive", "Server Keep Alive", Status::NotApplicable, {}, "MQTT 5.0 only");
  }
  // A silent client with keep alive 1 s must be closed within 1.5 s [MQTT-3.1.2-24].
  Opened o = connect_keep_alive(p, "idle", 1);
  if (!o.accepted()) {
    p.report.add("keep_alive_enforced", "Keep alive enforced", Status::Unknown, {}, o.text());
    return;
  }
  std::uint16_t effective = 1;
  if (const auto* k = find(o.connack()->properties, PropertyId::ServerKeepAlive)) effective = static_cast<std::uint16_t>(k->number);
  if (effective > 5) {
    o.link->disconnect(p.config().wait);
    p.report.add("keep_alive_enforced", "Keep alive enforced", Status::Unknown, {},
                 fmt::format("not tested: asked 1 s, the broker set {} s", effective));
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  // Brokers that sweep idle clients on a coarse timer close late; wait
  // long enough to see that and report the time.
  const milliseconds bound = milliseconds(effective * 1500) + std::max(p.config().wait, milliseconds(2000));
  o.link->idle(bound);
  const double after = seconds_since(start);
  const bool closed = !o.link->open();
  o.link->abort();
  p.report.measured("keep_alive_enforced", "Keep alive enforced", closed,
                    closed ? fmt::format("keep alive {} s, silent: closed after {:.2f} s{}", effective, after,
                                         after > effective * 1.5 + 0.25 ? fmt::format(" (later than {:.1f} s [MQTT-3.1.2-24])", effective * 1.5) : "")
                           : fmt::format("keep alive {} s, silent: still open after {:.2f} s", effective, after));
}

}  // namespace

void probe_session(Prober& p) {
  probe_expiry(p);
  probe_will(p);
}

void probe_keep_alive(Prober& p) { probe_keep_alive_impl(p); }

}  // namespace mq::probe
