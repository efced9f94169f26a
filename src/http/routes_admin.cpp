// Routes of a tenant's administration: payments, policy, the Stripe webhook
// and API keys.
#include "internal.hpp"

namespace slotwise::http {

void add_admin_routes(RouteTable& t) {
    // --- payments and policy -------------------------------------------
    add_route(t, "GET", "/v1/payments/unmatched", "Verified payments that could not be applied (admin; ?limit=)", [](Call& c) {
        check_query(c, {"limit"});
        int limit = 100;
        if (auto v = query(c, "limit")) limit = int_param(*v, "limit");
        reply(c, 200, {{"payments", list(c.as().unmatched_payments(limit))}});
    });
    add_route(t, "GET", "/v1/policy", "The tenant's policy", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().policy()));
    });
    add_route(t, "PUT", "/v1/policy", "Replace the tenant's policy (admin)", [](Call& c) {
        const auto b = body_object(c, {"max_pending_per_customer", "max_active_per_customer", "customer_horizon_days",
                                       "max_seats_per_customer_booking", "max_notifications_per_customer_hour"});
        try {
            reply(c, 200, to_json(c.as().set_policy(policy_from(b))));
        } catch (const Error& e) {
            // The engine names its own field; the body names it in days.
            if (e.field() != "customer_horizon") throw;
            std::string why = e.what();
            if (why.starts_with("customer_horizon: ")) why.erase(0, std::string_view("customer_horizon: ").size());
            throw Error(e.code(), "customer_horizon_days", why);
        }
    });
    add_route(t, "POST", "/v1/webhooks/stripe/{tenant}", "Stripe's webhook for one tenant (signature, no key)", [](Call& c) {
        // The path picks whose endpoint secret checks the signature; the
        // signature is the authentication. Until it has passed, one answer
        // for every failure: whether the tenant exists, has Stripe set up,
        // or what was wrong with the signature is not told to an unsigned
        // caller (tenancy.md).
        Headers headers;
        for (const auto& [k, v] : c.req.headers) headers.emplace_back(k, v);
        WebhookOutcome out;
        try {
            auto scope = c.engine.scope({.tenant = TenantId{c.path.at("tenant")}, .role = Role::customer,
                                         .subject = "webhook:stripe"});
            out = scope.handle_stripe_webhook(c.req.body, headers);
        } catch (const Error& e) {
            const auto code = e.code();
            if (code != Errc::signature_invalid && code != Errc::not_found && code != Errc::not_configured) throw;
            throw HttpError{.status = 400, .code = "signature_invalid", .field = "Stripe-Signature", .detail = {}};
        }
        reply(c, 200, {{"event_id", out.event_id}, {"type", out.type}, {"duplicate", out.duplicate},
                       {"applied", out.applied}});
    }, 1, false);

    // --- API keys --------------------------------------------------------
    add_route(t, "GET", "/v1/keys", "The tenant's API keys, never their secrets (admin)", [](Call& c) {
        check_query(c, {});
        require_admin_key(c);
        reply(c, 200, {{"keys", list(api_keys(c.engine, c.key->tenant))}});
    });
    add_route(t, "POST", "/v1/keys", "Mint a key: a customer token for a subject, a staff or admin key (admin)", [](Call& c) {
        const auto b = body_object(c, {"role", "subject", "label"});
        require_admin_key(c);
        NewApiKey k{.tenant = c.key->tenant, .role = parse_role(required_string(b, "role"), "role"),
                    .subject = optional_string(b, "subject").value_or(""),
                    .label = optional_string(b, "label").value_or("")};
        const auto issued = create_api_key(c.engine, k);
        auto out = to_json(issued.key);
        out["secret"] = issued.secret;
        reply(c, 201, out);
    });
    add_route(t, "DELETE", "/v1/keys/{id}", "Revoke a key (admin)", [](Call& c) {
        check_query(c, {});
        require_admin_key(c);
        revoke_api_key(c.engine, c.key->tenant, c.path.at("id"));
        c.res.status = 204;
    });
}

}  // namespace slotwise::http
