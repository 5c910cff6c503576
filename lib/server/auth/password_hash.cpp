#include "server/auth/password_hash.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/base64.hpp"

namespace mq::server {
namespace {

std::vector<std::uint8_t> derive(const PasswordHash& h, ByteView password) {
  std::vector<std::uint8_t> out(h.kind == PasswordHash::Kind::Pbkdf2Sha512 ? h.hash.size() : 64);
  if (h.kind == PasswordHash::Kind::Pbkdf2Sha512) {
    if (out.empty()) return out;
    PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()), static_cast<int>(password.size()),
                      h.salt.data(), static_cast<int>(h.salt.size()), static_cast<int>(h.iterations), EVP_sha512(),
                      static_cast<int>(out.size()), out.data());
  } else {
    std::vector<std::uint8_t> input(password.begin(), password.end());
    input.insert(input.end(), h.salt.begin(), h.salt.end());
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), out.data(), &len, EVP_sha512(), nullptr);
    out.resize(len);
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decode_b64(std::string_view text, const char* what, std::string* error) {
  Base64Error e;
  auto bytes = base64_decode(text, &e);
  if (!bytes || bytes->empty()) {
    if (error) *error = fmt::format("the {} is not base64{}", what, bytes ? " (empty)" : ": " + e.message);
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

std::optional<PasswordHash> parse_password_hash(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<PasswordHash> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t d = text.find('$', start);
    parts.push_back(text.substr(start, d == std::string_view::npos ? std::string_view::npos : d - start));
    if (d == std::string_view::npos) break;
    start = d + 1;
  }
  if (parts.size() < 2 || !parts[0].empty())
    return fail("not a password hash (expected $7$ITERATIONS$SALT$HASH or $6$SALT$HASH; plain text passwords are not accepted)");
  PasswordHash h;
  std::size_t salt_at = 2;
  if (parts[1] == "7") {
    if (parts.size() != 5) return fail("a $7$ hash has the form $7$ITERATIONS$SALT$HASH");
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), n);
    if (ec != std::errc() || end != parts[2].data() + parts[2].size() || n == 0)
      return fail(fmt::format("the iteration count \"{}\" is not a positive number", parts[2]));
    h.iterations = n;
    salt_at = 3;
  } else if (parts[1] == "6") {
    if (parts.size() != 4) return fail("a $6$ hash has the form $6$SALT$HASH");
    h.kind = PasswordHash::Kind::Sha512;
  } else {
    return fail(fmt::format("unknown hash type ${}$ (known: $7$ PBKDF2-SHA512, $6$ SHA-512)", parts[1]));
  }
  auto salt = decode_b64(parts[salt_at], "salt", error);
  if (!salt) return std::nullopt;
  auto hash = decode_b64(parts[salt_at + 1], "hash", error);
  if (!hash) return std::nullopt;
  if (h.kind == PasswordHash::Kind::Sha512 && hash->size() != 64)
    return fail(fmt::format("a $6$ hash is 64 bytes, this one is {}", hash->size()));
  h.salt = std::move(*salt);
  h.hash = std::move(*hash);
  return h;
}

std::string format_password_hash(const PasswordHash& h) {
  if (h.kind == PasswordHash::Kind::Sha512)
    return fmt::format("$6${}${}", base64_encode(h.salt), base64_encode(h.hash));
  return fmt::format("$7${}${}${}", h.iterations, base64_encode(h.salt), base64_encode(h.hash));
}

PasswordHash make_password_hash(std::string_view password, std::uint32_t iterations) {
  PasswordHash h;
  h.iterations = iterations;
  h.salt.resize(kSaltBytes);
  if (RAND_bytes(h.salt.data(), static_cast<int>(h.salt.size())) != 1)
    throw std::runtime_error("OpenSSL could not produce random bytes for a salt");
  h.hash.resize(64);
  h.hash = derive(h, ByteView(reinterpret_cast<const std::uint8_t*>(password.data()), password.size()));
  return h;
}

bool verify_password(const PasswordHash& h, ByteView password) {
  auto computed = derive(h, password);
  return computed.size() == h.hash.size() && !h.hash.empty() &&
         CRYPTO_memcmp(computed.data(), h.hash.data(), computed.size()) == 0;
}

}  // namespace mq::server
