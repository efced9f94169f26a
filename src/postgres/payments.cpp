// Payment settings (sealed with the master key), the tenant's policy, and the
// payment records of a PostgreSQL transaction.
#include "../common/secrets.hpp"
#include "parts.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {
namespace {

std::string readable_secret(const std::string& master_key, const TenantId& t, const char* field,
                            const std::string& stored) {
    if (!secrets::is_sealed(stored)) return stored;
    if (master_key.empty()) {
        throw Error(Errc::storage_error,
                    "postgres: the payment secrets are encrypted and the store was opened without a master_key");
    }
    return secrets::unseal(master_key, t.value, field, stored);
}

}  // namespace

void write_payment_settings(Connection& c, const std::string& key, const TenantId& t, const PaymentSettings& p) {
    if (key.empty()) {
        c.run(kUpsertPaymentSettings, Params().add(t).add(p.provider).add(p.secret_key).add(p.webhook_secret));
        return;
    }
    c.run(kUpsertPaymentSettings, Params()
                                      .add(t)
                                      .add(p.provider)
                                      .add(secrets::seal(key, t.value, "secret_key", p.secret_key))
                                      .add(secrets::seal(key, t.value, "webhook_secret", p.webhook_secret)));
}

std::optional<PaymentSettings> select_payment_settings(Connection& c, const std::string& key, const TenantId& t) {
    const auto r = c.run(kSelectPaymentSettings, Params().add(t));
    if (r.rows() == 0) return std::nullopt;
    return PaymentSettings{.provider = r.bytes(0, 0),
                           .secret_key = readable_secret(key, t, "secret_key", r.bytes(0, 1)),
                           .webhook_secret = readable_secret(key, t, "webhook_secret", r.bytes(0, 2))};
}

void write_policy(Connection& c, const TenantId& t, const TenantPolicy& p) {
    c.run(kUpsertPolicy, Params()
                             .add(t)
                             .add(p.max_pending_per_customer)
                             .add(p.max_active_per_customer)
                             .add(static_cast<std::int64_t>(p.customer_horizon.count()))
                             .add(p.max_seats_per_customer_booking)
                             .add(p.max_notifications_per_customer_hour)
                             .add(p.max_waitlist_per_customer));
}

std::optional<TenantPolicy> select_policy(Connection& c, const TenantId& t) {
    const auto r = c.run(kSelectPolicy, Params().add(t));
    if (r.rows() == 0) return std::nullopt;
    const auto optional_count = [&](int col) -> std::optional<int> {
        if (r.is_null(0, col)) return std::nullopt;
        return r.small(0, col);
    };
    return TenantPolicy{.max_pending_per_customer = r.small(0, 0),
                        .max_active_per_customer = optional_count(1),
                        .customer_horizon = std::chrono::days(r.integer(0, 2)),
                        .max_seats_per_customer_booking = optional_count(3),
                        .max_notifications_per_customer_hour = r.small(0, 4),
                        .max_waitlist_per_customer = r.small(0, 5)};
}

std::vector<CheckoutSession> select_checkout_sessions(Connection& c, const TenantId& t, const BookingId& b) {
    const auto r = c.run(kSelectCheckoutSessions, Params().add(t).add(b));
    std::vector<CheckoutSession> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_checkout_session(r, i));
    return out;
}

std::vector<CheckoutSession> select_checkouts_to_close(Connection& c, Instant now, int limit) {
    const auto r = c.run(kSelectCheckoutsToClose, Params().add(now).add(std::max(limit, 0)));
    std::vector<CheckoutSession> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_checkout_session(r, i));
    return out;
}

void insert_unmatched_payment(Connection& c, const TenantId& t, const UnmatchedPayment& p) {
    c.run(kInsertUnmatchedPayment, Params()
                                       .add(t)
                                       .add(p.provider)
                                       .add(p.event_id)
                                       .add(p.reference)
                                       .add(p.amount)
                                       .add(p.currency)
                                       .add(p.booking)
                                       .add(p.reason)
                                       .add(p.received_at));
}

std::vector<UnmatchedPayment> select_unmatched_payments(Connection& c, const TenantId& t, int limit) {
    const auto r = c.run(kSelectUnmatchedPayments, Params().add(t).add(std::clamp(limit, 0, 1000)));
    std::vector<UnmatchedPayment> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_unmatched_payment(r, i));
    return out;
}

}  // namespace slotwise::postgres
