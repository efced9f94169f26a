// Administration a business needs beside its catalogue: forgetting a
// customer (GDPR erasure) and taking a resource or service out of service
// without losing its history. See include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

namespace slotwise {

int TenantScope::erase_customer(const std::string& subject) {
    require_admin();
    if (subject.empty()) invalid("subject", "empty subject");
    detail::check_subject(subject);
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const int erased = tx->erase_customer(principal_.tenant, subject, now);
    tx->commit();
    // The event names no one: the subject is what was just forgotten.
    detail::report(engine_, [&] {
        return EngineEvent{.kind = EngineEventKind::customer_erased, .tenant = principal_.tenant,
                           .detail = std::to_string(erased) + " bookings", .at = now};
    });
    return erased;
}

Resource TenantScope::deactivate_resource(const ResourceId& id) { return update_resource(id, {.active = false}); }

Resource TenantScope::reactivate_resource(const ResourceId& id) { return update_resource(id, {.active = true}); }

Service TenantScope::deactivate_service(const ServiceId& id) { return update_service(id, ServicePatch{.active = false}); }

Service TenantScope::reactivate_service(const ServiceId& id) { return update_service(id, ServicePatch{.active = true}); }

}  // namespace slotwise
