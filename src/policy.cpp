// A tenant's policy: reading and replacing it. Enforcement lives where the
// limits bite, in booking.cpp's transactions. See include/slotwise/policy.hpp.
#include <slotwise/engine.hpp>

#include "validate.hpp"

namespace slotwise {

TenantPolicy TenantScope::set_policy(const TenantPolicy& p) {
    require_admin();
    detail::check_policy(p);
    auto tx = engine_.store()->write();
    tx->put_policy(principal_.tenant, p);
    tx->commit();
    return p;
}

TenantPolicy TenantScope::policy() {
    return engine_.store()->read()->policy(principal_.tenant).value_or(TenantPolicy{});
}

}  // namespace slotwise
