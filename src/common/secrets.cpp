// AES-256-GCM sealing of payment secrets (secrets.hpp), through OpenSSL's EVP
// interface. A value is sealed as
//     "swenc1:" hex(nonce[12] ‖ ciphertext ‖ tag[16])
// The prefix versions the format; hex keeps it in the TEXT column, and no
// byte of the secret survives in the file. The associated data binds the
// value to its tenant and field: a sealed webhook secret moved into the
// secret_key column, or into another tenant's row, fails to open like a
// wrong key.
#include "secrets.hpp"

#include <slotwise/error.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

namespace slotwise::secrets {
namespace {

constexpr std::string_view kPrefix = "swenc1:";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

struct FreeCipher {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, FreeCipher>;

[[noreturn]] void crypto_failure(const char* step) {
    throw Error(Errc::storage_error, std::string("encrypting payment secrets failed (") + step + ")");
}

[[noreturn]] void key_mismatch(std::string_view tenant) {
    throw Error(Errc::storage_error,
                std::string("the master key does not match the one that encrypted the payment secrets of "
                                "tenant \"") +
                    std::string(tenant.substr(0, 60)) + "\" (or the stored value was altered)");
}

std::string associated_data(std::string_view tenant, std::string_view field) {
    std::string aad = "slotwise payment secret v1";
    aad += '\0';
    aad += tenant;
    aad += '\0';
    aad += field;
    return aad;
}

int size_of(std::size_t n) { return static_cast<int>(n); }
const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string to_hex(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (const char c : raw) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// False when `hex` is not lower-case hex of whole bytes.
bool from_hex(std::string_view hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    out.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
    }
    return true;
}

// A context set up for AES-256-GCM with `key`, `nonce` and the associated data.
Cipher start(bool encrypt, std::string_view key, std::string_view nonce, std::string_view aad) {
    Cipher c(EVP_CIPHER_CTX_new());
    if (!c) crypto_failure("context");
    const auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    const auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
    int n = 0;
    if (init(c.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, size_of(nonce.size()), nullptr) != 1 ||
        init(c.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
        update(c.get(), nullptr, &n, bytes(aad), size_of(aad.size())) != 1) {
        crypto_failure("set-up");
    }
    return c;
}

}  // namespace

bool is_sealed(std::string_view stored) noexcept { return stored.starts_with(kPrefix); }

bool is_live_key(std::string_view secret) noexcept {
    return secret.starts_with("sk_live_") || secret.starts_with("rk_live_");
}

std::string seal(std::string_view key, std::string_view tenant, std::string_view field, std::string_view secret) {
    std::string nonce(kNonceBytes, '\0');
    if (RAND_bytes(bytes(nonce), size_of(nonce.size())) != 1) crypto_failure("nonce");
    auto c = start(true, key, nonce, associated_data(tenant, field));
    std::string out(secret.size() + kTagBytes, '\0');
    int n = 0, tail = 0;
    if (EVP_EncryptUpdate(c.get(), bytes(out), &n, bytes(secret), size_of(secret.size())) != 1 ||
        EVP_EncryptFinal_ex(c.get(), bytes(out) + n, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, size_of(kTagBytes), bytes(out) + n + tail) != 1) {
        crypto_failure("encrypt");
    }
    out.resize(static_cast<std::size_t>(n + tail) + kTagBytes);
    return std::string(kPrefix) + to_hex(nonce + out);
}

std::string unseal(std::string_view key, std::string_view tenant, std::string_view field, std::string_view sealed) {
    std::string raw;
    if (!is_sealed(sealed) || !from_hex(sealed.substr(kPrefix.size()), raw) ||
        raw.size() < kNonceBytes + kTagBytes) {
        key_mismatch(tenant);
    }
    const std::string_view all(raw);
    const auto nonce = all.substr(0, kNonceBytes);
    const auto body = all.substr(kNonceBytes, all.size() - kNonceBytes - kTagBytes);
    std::string tag(all.substr(all.size() - kTagBytes));
    auto c = start(false, key, nonce, associated_data(tenant, field));
    std::string out(body.size() + kTagBytes, '\0');
    int n = 0, tail = 0;
    if (EVP_DecryptUpdate(c.get(), bytes(out), &n, bytes(body), size_of(body.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, size_of(kTagBytes), bytes(tag)) != 1 ||
        EVP_DecryptFinal_ex(c.get(), bytes(out) + n, &tail) != 1) {
        // Never the bytes a wrong key gives: GCM's tag says they are not the secret.
        key_mismatch(tenant);
    }
    out.resize(static_cast<std::size_t>(n + tail));
    return out;
}

}  // namespace slotwise::secrets
