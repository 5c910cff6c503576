#pragma once
/// Password hashes in the formats of mosquitto_passwd: `$7$ITERATIONS$SALT$HASH`
/// (PBKDF2-HMAC-SHA512, 64-byte hash) and the older `$6$SALT$HASH`
/// (SHA-512 of password then salt); salt and hash are base64.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/types.hpp"

namespace mq::server {

/// One stored password hash.
struct PasswordHash {
  /// Which function made it.
  enum class Kind : std::uint8_t {
    Pbkdf2Sha512,  ///< "$7$": PBKDF2-HMAC-SHA512
    Sha512,        ///< "$6$": SHA-512(password || salt), one round
  };
  Kind kind = Kind::Pbkdf2Sha512;
  std::uint32_t iterations = 0;  ///< PBKDF2 rounds ($7$ only)
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

/// PBKDF2 rounds for hashes mqbroker writes (mosquitto_passwd uses 101).
inline constexpr std::uint32_t kDefaultIterations = 210'000;
/// Salt length for hashes mqbroker writes, in bytes: mosquitto 2.0 refuses
/// $7$ entries whose salt is not 12 bytes, and 96 random bits are enough.
inline constexpr std::size_t kSaltBytes = 12;

/// Parses "$7$101$c2FsdA==$aGFzaA==" or "$6$...$..."; on failure returns
/// nothing and says why in `error`.
std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* error);
/// The text form parse_password_hash reads.
std::string format_password_hash(const PasswordHash& h);
/// A new PBKDF2-HMAC-SHA512 hash of `password` with a random salt.
PasswordHash make_password_hash(std::string_view password, std::uint32_t iterations = kDefaultIterations);
/// True when `password` matches `h` (compared in constant time).
bool verify_password(const PasswordHash& h, ByteView password);

}  // namespace mq::server
