#pragma once
/// The broker core: every protocol decision of an MQTT 3.1/3.1.1/5.0 server,
/// with no I/O. The network layer feeds it bytes and the time, and it answers
/// with bytes per connection and close requests through Output, flushed once
/// per loop iteration.
///
/// Driving it, from a single thread:
///   open(peer, now)          when a socket is accepted
///   receive(id, bytes, now)  when bytes arrive
///   closed(id, now)          when the socket dropped (not after Output::close)
///   tick(now)                when next_deadline() has passed
///   flush()                  once per loop iteration: hands out pending bytes
/// Output callbacks must not call back into the Broker.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/auth.hpp"
#include "broker/config.hpp"
#include "broker/connection.hpp"
#include "broker/connection_table.hpp"
#include "broker/counters.hpp"
#include "broker/events.hpp"
#include "broker/journal.hpp"
#include "broker/message.hpp"
#include "broker/output.hpp"
#include "broker/publish_encoder.hpp"
#include "broker/retained_store.hpp"
#include "broker/session.hpp"
#include "broker/session_index.hpp"
#include "broker/topic_tree.hpp"
#include "codec/packets.hpp"

namespace mq::broker {

/// The version string published on $SYS/broker/version.
inline constexpr std::string_view kBrokerVersion = "mq broker 0.1.0";

class Broker {
 public:
  /// `output` receives bytes and close requests; `auth` decides who may do
  /// what (nullptr: AllowAll with config.allow_anonymous). Both must outlive
  /// the broker. `now` starts the uptime and the $SYS timer.
  Broker(Config config, Output& output, Authorizer* auth, TimePoint now);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// A socket was accepted; returns its id. It must send CONNECT within
  /// config.connect_timeout seconds.
  ConnectionId open(PeerInfo peer, TimePoint now);
  /// Bytes arrived on `id`. Unknown or closing ids are ignored.
  void receive(ConnectionId id, ByteView bytes, TimePoint now);
  /// The socket of `id` dropped: the will is published (or its delay
  /// starts) and the session kept or ended by its expiry interval.
  void closed(ConnectionId id, TimePoint now);
  /// The network layer's word that `id` cannot take more bytes (its peer
  /// does not read), or can again. While backlogged, QoS 0 messages for it
  /// are dropped (counted in dropped_backlog) and QoS 1/2 ones wait in its
  /// session queue, so one slow subscriber costs bounded memory and never
  /// holds up the others. Unknown ids are ignored.
  void set_backlogged(ConnectionId id, bool backlogged, TimePoint now);
  /// Runs every timer due at `now`: connect timeouts, keep alive (1.5x),
  /// will delays, session expiry, $SYS updates.
  void tick(TimePoint now);
  /// When tick() should next be called; nullopt when nothing is pending.
  std::optional<TimePoint> next_deadline() const;
  /// Hands every connection's pending bytes to Output::send, then performs
  /// the pending Output::close calls.
  void flush();
  /// The answer to an authenticate() that returned kAuthDeferred for the
  /// CONNECT on `id`: 0 admits it (and the packets it sent meanwhile are
  /// handled), anything else refuses it with that reason. Ignored when the
  /// connection is gone or is not waiting (it timed out).
  void authenticated(ConnectionId id, AuthResult result, TimePoint now);
  /// Ends every connection (5.0 clients get DISCONNECT 0x8B Server shutting
  /// down) without publishing wills; flush() afterwards.
  void shutdown(TimePoint now);

  /// Reports subscriptions and takeovers to `events` from now on (nullptr: none).
  void set_events(Events* events) { events_ = events; }
  /// Tells the core the wall-clock time at steady time `now`, so expiry can
  /// count whole wall-clock seconds (Behaviour::whole_second_expiry); the
  /// core never reads a clock itself. Until told, seconds start at `now`'s
  /// own whole seconds.
  void set_wall_clock(TimePoint now, std::chrono::system_clock::time_point wall) {
    wall_offset_ = std::chrono::duration_cast<Clock::duration>(wall.time_since_epoch()) - now.time_since_epoch();
  }
  /// Reports every change to persistent state to `journal` from now on
  /// (nullptr: none). Set it before restoring and before the first open().
  void set_journal(Journal* journal) { journal_ = journal; }
  /// Applies one record read back from disk, in the order written. Only
  /// before the first open(); records naming unknown sessions or messages
  /// are skipped (they were ended later in the same log).
  void restore(const Record& r, TimePoint now);
  /// Ends a restore: restored sessions are offline from `now` and start
  /// their expiry; counters are brought up to date.
  void restore_done(TimePoint now);
  /// Writes the whole persistent state to `out` as records (a snapshot):
  /// retained messages, then each persistent session with its
  /// subscriptions, QoS 2 receipts, in-flight and queued messages.
  void save(Journal& out) const;

  const Counters& counters() const { return counters_; }
  /// Counts a client the network layer cut off for not reading its
  /// messages; published as $SYS/broker/clients/disconnected/slow.
  void count_slow_disconnect() { ++counters_.slow_disconnects; }
  /// Bytes received on `id` that do not form a whole packet yet (0 for an
  /// unknown id): what a slow or hostile sender makes the broker hold.
  std::size_t buffered_input(ConnectionId id) const {
    const Connection* c = connections_.find(id);
    return c ? c->framer.buffered() : 0;
  }
  /// The client identifier on connection `id` once its CONNECT succeeded;
  /// nullopt before that or for an unknown id.
  std::optional<std::string_view> client_id(ConnectionId id) const;
  const Config& config() const { return config_; }
  /// Seconds since construction at `now`.
  std::uint64_t uptime(TimePoint now) const;

 private:
  /// Timers of sessions and of the broker itself; keep-alive checks are KeepAliveCheck.
  enum class TimerKind : std::uint8_t { WillDelay, SessionExpiry, Sys };
  struct Timer {
    TimePoint at;
    TimerKind kind;
    std::string client_id;
    bool operator>(const Timer& o) const { return at > o.at; }
  };
  /// When to look at a connection's keep alive again: 16 bytes per
  /// connected client with a keep alive, nothing else per client.
  struct KeepAliveCheck {
    TimePoint at;
    ConnectionId connection = 0;
    bool operator>(const KeepAliveCheck& o) const { return at > o.at; }
  };
  /// One copy of a routed message for a session: merged over its matching
  /// non-shared subscriptions, or one shared subscription's.
  struct Delivery {
    Session* session = nullptr;
    QoS qos = 0;
    bool retain = false;
    std::vector<std::uint32_t> ids;
  };
  /// A PUBLISH encoded once during a route and copied to every subscriber
  /// that gets the same bytes.
  struct SharedEncoding {
    bool v5 = false;
    QoS qos = 0;
    bool retain = false;
    std::size_t offset = 0;
    std::size_t size = 0;
  };

  // broker.cpp: connections, framing, output.
  void handle_frame(Connection& c, const Framer::Frame& f, TimePoint now);
  void dispatch(Connection& c, Packet& p, TimePoint now);
  /// Queues `p` for a client: at 5.0, without the Reason String and User
  /// Properties it must not get (see diagnostics.hpp), and not at all when
  /// it is still over the client's Maximum Packet Size [MQTT-3.1.2-24].
  /// Every packet but PUBLISH and the plain acknowledgements goes this way.
  void append(Connection& c, const Packet& p);
  /// Encodes `p` into the connection's output as it is.
  void write(Connection& c, const Packet& p);
  void append_ack(Connection& c, PacketType type, std::uint16_t packet_id, std::uint8_t reason);
  void mark_dirty(Connection& c);
  /// Sends DISCONNECT `reason` to an active 5.0 client, with `why` as its
  /// Reason String when not empty, then closes.
  void disconnect(Connection& c, std::uint8_t reason, bool with_will, TimePoint now, std::string_view why = {});
  /// `text` when the broker may tell `c` why it refuses or ends something
  /// (config.behaviour.reason_strings, and the client did not set Request Problem
  /// Information to 0), else empty. append() still leaves a Reason String
  /// out where it would not fit the client's Maximum Packet Size.
  std::string_view why(const Connection& c, std::string_view text) const {
    return config_.behaviour.reason_strings && c.problem_info ? text : std::string_view();
  }
  /// Closes without a DISCONNECT (3.x, or before CONNACK).
  void close_connection(Connection& c, bool with_will, TimePoint now);
  /// Detaches the session: will, session expiry. Leaves the connection.
  void detach(Connection& c, bool with_will, TimePoint now);
  /// 0x81 or 0x82 for a decode error; the connection is closed.
  void decode_failed(Connection& c, const DecodeError& e, TimePoint now);

  // broker_connect.cpp
  void on_connect_bytes(Connection& c, const Framer::Frame& f, TimePoint now);
  void on_connect(Connection& c, Connect& k, TimePoint now);
  /// Whether a CONNECT with `username` and `cert_identity` comes from the
  /// identity that owns `s`; a session is resumed only by its owner.
  bool same_owner(const Session& s, std::optional<std::string_view> username, std::string_view cert_identity) const;
  /// Whether the client of `s` may still receive `o` as it leaves the queue
  /// or the in-flight list: asked again every time, since the session may
  /// have been resumed elsewhere or the rules reloaded since it was queued.
  bool may_leave(const Session& s, const Outgoing& o);
  /// The keep alive the broker imposes instead of `keep_alive` (outside
  /// config.min_keepalive..max_keepalive), or nullopt when it is accepted.
  std::optional<std::uint16_t> imposed_keep_alive(std::uint16_t keep_alive) const;
  /// The session expiry granted for `asked` seconds: capped by
  /// max_session_expiry, and "never" by persistent_client_expiration.
  std::uint32_t granted_expiry(std::uint32_t asked) const;
  /// Answers CONNECT with config.server_reference and closes.
  void redirect(Connection& c);
  /// Starts the session of an authenticated client and sends CONNACK 0,
  /// carrying `auth` (Authentication Method and Data) when enhanced
  /// authentication was used.
  void admit(Connection& c, Connect& k, const std::optional<std::string>& assigned, const Properties& auth,
             TimePoint now);
  /// Keeps the CONNECT `k` (encoded) until authenticated() answers.
  void defer_connect(Connection& c, const Connect& k, std::optional<std::string> assigned);
  /// Keeps a packet sent while the CONNECT waits; closes past a bound.
  void hold_frame(Connection& c, const Framer::Frame& f, TimePoint now);
  /// Sends CONNACK `reason_v5` (mapped before 5.0), with `reason_string` at
  /// 5.0 when not empty, and closes.
  void refuse(Connection& c, std::uint8_t reason_v5, std::string_view reason_string = {});
  std::string assign_client_id();
  void send_connack(Connection& c, bool session_present, const Connect& k, std::optional<std::string_view> assigned,
                    std::optional<std::uint16_t> server_keep_alive, std::optional<std::uint32_t> granted_expiry,
                    const Properties& auth);

  // broker_auth.cpp: enhanced authentication (MQTT 5.0 section 4.12).
  /// CONNECT named `method`: asks the authorizer for an exchange and runs
  /// its first step on the CONNECT's Authentication Data.
  void start_connect_exchange(Connection& c, Connect& k, std::string_view method, std::optional<std::string> assigned,
                              const Credentials& creds, TimePoint now);
  /// Applies one answer of the exchange before CONNACK; `k` is the CONNECT
  /// when it is at hand, else the stored one is decoded.
  void connect_exchange_step(Connection& c, const AuthStep& step, Connect* k, TimePoint now);
  /// A packet while the exchange before CONNACK is pending: AUTH 0x18 or DISCONNECT.
  void on_exchange_frame(Connection& c, const Framer::Frame& f, TimePoint now);
  /// AUTH from a connected client: re-authentication [MQTT-4.12.1-1].
  void on_auth(Connection& c, const Auth& a, TimePoint now);
  /// Queues AUTH `reason` with the connection's method, `data` and `reason_string`.
  void send_auth(Connection& c, std::uint8_t reason, std::string_view data, std::string_view reason_string);

  // broker_publish.cpp
  void on_publish(Connection& c, Publish& p, TimePoint now);
  void on_puback(Connection& c, const Puback& a, TimePoint now);
  void on_pubrec(Connection& c, const Pubrec& a, TimePoint now);
  void on_pubrel(Connection& c, const Pubrel& a, TimePoint now);
  /// Stores a retained message and routes `m`; returns the sessions reached.
  std::size_t accept_message(Session& s, const MessageView& m, MessagePtr owned, TimePoint now);
  void on_pubcomp(Connection& c, const Pubcomp& a, TimePoint now);
  /// Delivers `m` to every matching subscription; returns the number of
  /// copies sent or queued (a session gets one for its non-shared matches
  /// and one per shared subscription). `owned` is a copy of `m` when the
  /// caller has one.
  std::size_t route(const MessageView& m, const Session* origin, MessagePtr owned, TimePoint now);
  /// The delivery of `s` in this route that its non-shared subscriptions merge into.
  Delivery& slot_for(Session* s);
  /// A delivery to `s` of its own (a shared subscription's copy).
  Delivery& new_slot(Session* s);
  /// Whether the member `sub` of a shared subscription could be given `m`:
  /// not its own message under No Local, readable under the Authorizer,
  /// within its connection's Maximum Packet Size.
  bool can_take(const Subscriber& sub, const MessageView& m, const Session* origin);
  /// One delivery: sent now, put in flight, or queued.
  void deliver(Session& s, const MessageView& m, MessagePtr& owned, QoS qos, bool retain,
               std::span<const std::uint32_t> ids, bool shareable, TimePoint now);
  /// Writes a PUBLISH to the connection; false (and counted) when it is over
  /// the client's Maximum Packet Size.
  bool transmit(Connection& c, const MessageView& m, DeliveryFields& f, bool shareable, TimePoint now);
  void enqueue(Session& s, Outgoing&& o);
  /// Moves queued messages into the in-flight window while there is room.
  void pump(Session& s, TimePoint now);
  /// Sends an in-flight message (again, with DUP, on reconnection).
  bool send_inflight(Session& s, Outgoing& o, bool dup, TimePoint now);
  std::uint16_t next_packet_id(Session& s);
  /// Gives `o` the next packet identifier of `s`, in sequence.
  void take_packet_id(Session& s, Outgoing& o);
  /// `o`, numbered first if identifiers are taken on queueing
  /// (Behaviour::packet_id_when_queued).
  Outgoing&& queued(Session& s, Outgoing&& o);
  std::size_t window(const Session& s) const;
  ClientInfo client_info(const Session& s) const;

  // broker_subscribe.cpp
  void on_subscribe(Connection& c, const Subscribe& sub, TimePoint now);
  void on_unsubscribe(Connection& c, const Unsubscribe& u);
  /// Removes every subscription of `s` from the tree.
  void drop_subscriptions(Session& s);

  // broker_session.cpp
  void publish_will(Session& s, TimePoint now);
  /// Ends a session: its delayed will is published, its subscriptions and
  /// queue are dropped, and it is erased.
  void end_session(Session& s, TimePoint now);
  void resume(Session& s, Connection& c, TimePoint now);
  void schedule(TimerKind kind, TimePoint at, std::string client_id = {});
  void on_timer(const Timer& t, TimePoint now);
  /// Checks the keep alive of `c` (1.5 times it without a packet closes the
  /// connection [MQTT-3.1.2-24]) at `at` or, if a packet came since, later.
  void schedule_keep_alive(const Connection& c, TimePoint at) { keep_alive_checks_.push({at, c.id}); }
  void on_keep_alive_check(const KeepAliveCheck& k, TimePoint now);

  // broker_sys.cpp
  void publish_sys(TimePoint now);

  // broker_persist.cpp
  /// Hands `r` to the journal, if any.
  void journal(const Record& r) {
    if (journal_) journal_->write(r);
  }
  /// Journals a change to the retained message of `topic` (`m` null: deleted).
  void journal_retained(std::string_view topic, const MessagePtr& m, RetainedStore::Change change);
  /// Starts or stops journaling `s` after its expiry interval was set.
  void journal_session(Session& s);
  /// Journals `o`, just appended to the outgoing messages of `s` (to its
  /// queue when `queued`, else in flight).
  void journal_added(Session& s, Outgoing& o, bool queued);
  /// Journals the end of outgoing message `o` of `s`.
  void journal_done(const Session& s, const Outgoing& o) {
    if (s.persisted) journal(OutgoingDone{s.client_id, o.seq});
  }
  Session* restored_session(std::string_view client_id);
  /// Writes the QoS 2 receipts of `s` (IncomingReceived, or IncomingHeld
  /// with the message held for the identifier) to `out`.
  void save_incoming(const Session& s, Journal& out) const;
  /// Forgets the QoS 2 messages held for `s` (its session ends).
  void drop_held(const Session& s) {
    held_qos2_.erase(held_qos2_.lower_bound({&s, 0}), held_qos2_.upper_bound({&s, 0xFFFF}));
  }

  Config config_;
  /// Wall-clock time minus steady time (set_wall_clock).
  Clock::duration wall_offset_{};
  /// When a Message Expiry Interval of `seconds` given at `now` runs out.
  TimePoint expiry_at(TimePoint now, std::uint32_t seconds) const;
  Output& output_;
  Journal* journal_ = nullptr;
  Events* events_ = nullptr;
  std::unique_ptr<Authorizer> default_auth_;
  Authorizer& auth_;
  TimePoint started_;
  Counters counters_;

  ConnectionTable connections_;
  SessionIndex sessions_;
  /// QoS 2 messages held until their PUBREL (Behaviour::qos2_forward_on_publish
  /// false), by session and packet identifier; bounded by receive_maximum.
  /// Journaled with their receipts (IncomingHeld), so a persistent session's
  /// survive a restart.
  std::map<std::pair<const Session*, std::uint16_t>, MessagePtr> held_qos2_;
  /// Each listener name once; Session::listener views into it (node-based,
  /// so views stay valid as names are added). As many entries as listeners.
  std::set<std::string, std::less<>> listener_names_;
  TopicTree tree_;
  RetainedStore retained_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  /// One entry per connected client with a keep alive; entries of ended
  /// connections are dropped when they come due.
  std::priority_queue<KeepAliveCheck, std::vector<KeepAliveCheck>, std::greater<>> keep_alive_checks_;
  /// A connection waiting for its CONNECT and when it times out. The timeout
  /// is the same for all, so they queue in opening order rather than in
  /// timers_; entries of connections that moved on are dropped from the
  /// front as soon as they reach it.
  struct AwaitingConnect {
    TimePoint deadline;
    ConnectionId id = 0;
  };
  Fifo<AwaitingConnect> awaiting_connect_;
  /// Drops entries of awaiting_connect_ at the front whose connection is no
  /// longer waiting, and closes those whose deadline has passed by `now` (if given).
  void check_connect_timeouts(std::optional<TimePoint> now);
  std::vector<ConnectionId> dirty_;
  std::vector<ConnectionId> closing_;
  std::uint64_t id_salt_ = 0;
  std::uint64_t assigned_ids_ = 0;

  // Routing scratch, reused across messages so routing does not allocate.
  std::uint64_t route_stamp_ = 0;
  std::vector<Delivery> deliveries_;
  std::size_t delivery_count_ = 0;
  std::vector<std::uint8_t> shared_bytes_;
  std::vector<SharedEncoding> shared_encodings_;
  bool in_route_ = false;
};

}  // namespace mq::broker
