// The adapter's payment records: provider events seen once, the checkout
// sessions of each booking and when the engine must close them, and verified
// payments that could not be applied. Each function is one call of the
// Transaction interface, run inside the caller's transaction.
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::sqlite {

bool record_payment_event(Connection& c, const TenantId& t, const std::string& provider, const std::string& event_id,
                          const std::string& type, Instant received_at) {
    auto s = c.statement(kInsertPaymentEvent);
    s.bind(t, provider, event_id, type, received_at).run();
    return s.changes() > 0;
}

void insert_checkout_session(Connection& c, const TenantId& t, const CheckoutSession& cs) {
    c.statement(kInsertCheckoutSession).bind(t, cs.id, cs.booking, cs.created_at, cs.close_by).run();
}

std::vector<CheckoutSession> checkout_sessions(Connection& c, const TenantId& t, const BookingId& b) {
    std::vector<CheckoutSession> out;
    auto s = c.statement(kSelectCheckoutSessions);
    s.bind(t, b);
    while (s.step()) out.push_back(read_checkout_session(s));
    return out;
}

bool close_checkout_session(Connection& c, const TenantId& t, const std::string& session_id, Instant at) {
    auto s = c.statement(kCloseCheckoutSession);
    s.bind(t, session_id, at).run();
    return s.changes() > 0;
}

std::vector<CheckoutSession> checkouts_to_close(Connection& c, Instant now, int limit) {
    std::vector<CheckoutSession> out;
    auto s = c.statement(kSelectCheckoutsToClose);
    s.bind(now, std::max(limit, 0));
    while (s.step()) out.push_back(read_checkout_session(s));
    return out;
}

bool set_checkout_close_by(Connection& c, const TenantId& t, const std::string& session_id, Instant until) {
    auto s = c.statement(kSetCheckoutCloseBy);
    s.bind(t, session_id, until).run();
    return s.changes() > 0;
}

void insert_unmatched_payment(Connection& c, const TenantId& t, const UnmatchedPayment& p) {
    c.statement(kInsertUnmatchedPayment)
        .bind(t, p.provider, p.event_id, p.reference, p.amount, p.currency, p.booking, p.reason, p.received_at)
        .run();
}

std::vector<UnmatchedPayment> unmatched_payments(Connection& c, const TenantId& t, int limit) {
    std::vector<UnmatchedPayment> out;
    auto s = c.statement(kSelectUnmatchedPayments);
    s.bind(t, std::clamp(limit, 0, 1000));
    while (s.step()) out.push_back(read_unmatched_payment(s));
    return out;
}

void write_policy(Connection& c, const TenantId& t, const TenantPolicy& p) {
    c.statement(kUpsertPolicy)
        .bind(t, p.max_pending_per_customer, p.max_active_per_customer,
              static_cast<std::int64_t>(p.customer_horizon.count()), p.max_seats_per_customer_booking,
              p.max_notifications_per_customer_hour, p.max_waitlist_per_customer)
        .run();
}

std::optional<TenantPolicy> select_policy(Connection& c, const TenantId& t) {
    auto s = c.statement(kSelectPolicy);
    s.bind(t);
    if (!s.step()) return std::nullopt;
    const auto optional_count = [&](int col) -> std::optional<int> {
        if (s.is_null(col)) return std::nullopt;
        return s.small(col);
    };
    return TenantPolicy{.max_pending_per_customer = s.small(0),
                        .max_active_per_customer = optional_count(1),
                        .customer_horizon = std::chrono::days(s.integer(2)),
                        .max_seats_per_customer_booking = optional_count(3),
                        .max_notifications_per_customer_hour = s.small(4),
                        .max_waitlist_per_customer = s.small(5)};
}

}  // namespace slotwise::sqlite
