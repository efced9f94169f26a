// slotwise/error.hpp — the one exception type of slotwise and its codes.
//
// Every failure a caller can act on is a `slotwise::Error` carrying an `Errc`
// (registered with `std::error_category`, so it compares with
// `std::error_code`) and, for validation failures, the offending field in the
// dotted/indexed notation of the input (`weekly.mon[1]`, `service.step`).
// Callers branch on `code()`, never on message text. Thread-safe: the category
// is a function-local static; `Error` is an immutable value.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace slotwise {

/// Error codes. Each says what the caller should do next.
enum class Errc {
    /// Input was refused; `Error::field()` names it. Fix the input; do not retry.
    invalid_argument = 1,
    /// The id does not exist for this tenant (or belongs to another tenant:
    /// the two are indistinguishable on purpose). Do not retry.
    not_found,
    /// The principal's role may not perform this operation. Do not retry.
    permission_denied,
    /// The requested slot is not (or no longer) offered. Re-read availability
    /// and let the customer choose again.
    slot_unavailable,
    /// The booking's state does not allow this change (e.g. cancelling an
    /// expired booking). Re-read the booking before deciding.
    invalid_transition,
    /// An idempotency key was reused with a different request. Use a new key.
    idempotency_mismatch,
    /// A webhook signature is missing, wrong or stale. Reject the request.
    signature_invalid,
    /// The store stayed locked past its busy timeout. The transaction was
    /// rolled back and is safe to retry as a whole.
    storage_busy,
    /// The store failed (I/O, corruption, constraint). The transaction was
    /// rolled back; retrying is safe but unlikely to help without operator action.
    storage_error,
    /// The payment provider refused the request or could not be reached.
    /// Nothing was changed locally; retry later (requests carry idempotency keys).
    provider_error,
    /// The tenant has not configured what the call needs (a payment
    /// provider, or a provider the host did not register). An admin must
    /// configure it first; do not retry as is.
    not_configured,
    /// The store lost contact while committing: the transaction may or may
    /// not have been applied. Never retry blindly; repeat the call with the
    /// same idempotency key (or re-read) to learn which.
    commit_in_doubt,
    /// A tenant policy limit (policy.hpp) refuses the call: `Error::field()`
    /// names the limit ("max_pending_per_customer", "customer_horizon", ...).
    /// Nothing was changed. Do not retry as is: the customer must first
    /// finish, cancel or let lapse what they hold, or pick a smaller request;
    /// an admin may raise the limit with `set_policy`.
    quota_exceeded,
};

/// The `std::error_category` of `Errc`; its name is "slotwise".
const std::error_category& error_category() noexcept;

/// Makes `std::error_code` construction from `Errc` work (ADL hook).
inline std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// The code's identifier as written in the enum, e.g. "slot_unavailable".
constexpr std::string_view to_string(Errc e) noexcept {
    switch (e) {
        case Errc::invalid_argument: return "invalid_argument";
        case Errc::not_found: return "not_found";
        case Errc::permission_denied: return "permission_denied";
        case Errc::slot_unavailable: return "slot_unavailable";
        case Errc::invalid_transition: return "invalid_transition";
        case Errc::idempotency_mismatch: return "idempotency_mismatch";
        case Errc::signature_invalid: return "signature_invalid";
        case Errc::storage_busy: return "storage_busy";
        case Errc::storage_error: return "storage_error";
        case Errc::provider_error: return "provider_error";
        case Errc::not_configured: return "not_configured";
        case Errc::commit_in_doubt: return "commit_in_doubt";
        case Errc::quota_exceeded: return "quota_exceeded";
    }
    return "unknown";
}

namespace detail {
class ErrorCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "slotwise"; }
    std::string message(int ev) const override {
        return std::string(to_string(static_cast<Errc>(ev)));
    }
};
}  // namespace detail

inline const std::error_category& error_category() noexcept {
    static const detail::ErrorCategory category;
    return category;
}

/// The exception thrown by every slotwise API.
///
/// `what()` is "<field>: <message>" for validation errors and "<message>"
/// otherwise, so it can be printed as is.
class Error : public std::runtime_error {
public:
    /// An error without a field.
    Error(Errc code, const std::string& message)
        : std::runtime_error(message), code_(code) {}

    /// A validation error naming the offending `field`.
    Error(Errc code, std::string field, const std::string& message)
        : std::runtime_error(field.empty() ? message : field + ": " + message),
          code_(code),
          field_(std::move(field)) {}

    /// What went wrong, as a code to branch on.
    Errc code() const noexcept { return code_; }
    /// The offending input field, or empty.
    const std::string& field() const noexcept { return field_; }
    /// The code as `std::error_code`.
    std::error_code error_code() const noexcept { return make_error_code(code_); }

private:
    Errc code_;
    std::string field_;
};

/// Throws `Error(Errc::invalid_argument, field, message)`.
[[noreturn]] inline void invalid(std::string field, const std::string& message) {
    throw Error(Errc::invalid_argument, std::move(field), message);
}

}  // namespace slotwise

template <>
struct std::is_error_code_enum<slotwise::Errc> : std::true_type {};
